"""Forms of 信访、民事调解: a new case (phone-friendly: one column, big fields), a party, a
mediator, a session, closing, a follow-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field

from .models import Category, Kind, Outcome, PartyRole


def _text(label: Any, max_length: int, *, required: bool = True, rows: int = 0, **kw: Any) -> Any:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=widget, **kw
    )


def _phone(label: Any) -> Any:
    return forms.CharField(
        label=label,
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class CaseForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("类别"), choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.MEDIATION
    )
    category = forms.ChoiceField(
        label=_("纠纷类型"), choices=[("", _("（请选择）")), *Category.choices]
    )
    place = forms.ModelChoiceField(
        label=_("所在网格/楼栋/住户"), queryset=None, empty_label=_("（请选择）")
    )
    received_on = date_field(_("受理日期"))
    summary = _text(
        _("简要情况"), 1000, rows=3, help_text=_("写清纠纷的起因和诉求，不写身份证号。")
    )
    applicant_name = _text(_("申请人姓名"), 50, required=False)
    applicant_phone = _phone(_("申请人电话"))
    respondent_name = _text(_("被申请人姓名"), 50, required=False)
    respondent_phone = _phone(_("被申请人电话"))
    mediator_names = _text(
        _("其他调解员"),
        200,
        required=False,
        help_text=_("人民调解员、楼栋长等，多人用顿号或逗号分开。"),
    )
    me_as_mediator = forms.BooleanField(label=_("我担任调解员"), required=False, initial=True)

    def __init__(self, *args: Any, places: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        self.fields["place"].label_from_instance = _place_label

    def parties(self) -> list[dict[str, str]]:
        d = self.cleaned_data
        return [
            {"role": role, "name": d.get(f"{role}_name", ""), "phone": d.get(f"{role}_phone", "")}
            for role in PartyRole.values
        ]

    def mediators(self) -> list[str]:
        raw = self.cleaned_data.get("mediator_names", "")
        for sep in "、，,；;":
            raw = raw.replace(sep, " ")
        return raw.split()


def _place_label(p: Any) -> str:
    indent = {"grid": "", "building": "— ", "corridor": "—— ", "household": "——— "}
    return f"{indent.get(p.kind, '')}{p.name}"


class PartyForm(StyledForm):
    role = forms.ChoiceField(label=_("身份"), choices=PartyRole.choices)
    name = _text(_("姓名"), 50)
    phone = _phone(_("联系电话"))


class MediatorForm(StyledForm):
    name = _text(_("调解员姓名"), 50, required=False)
    me = forms.BooleanField(label=_("添加我自己"), required=False)


class SessionForm(StyledForm):
    held_on = date_field(_("调解日期"))
    venue = _text(_("调解地点"), 100, required=False)
    mediators = forms.ModelMultipleChoiceField(
        label=_("参加调解的调解员"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agreed = _text(_("达成的内容"), 2000, required=False, rows=3)

    def __init__(self, *args: Any, mediators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mediators"].queryset = mediators
        self.fields["mediators"].label_from_instance = lambda m: m.name


class CloseForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("结果"), choices=Outcome.choices, widget=forms.RadioSelect)
    closed_on = date_field(_("了结日期"))
    agreement = _text(
        _("协议内容（调解成功时必填）"),
        2000,
        required=False,
        rows=4,
        help_text=_("双方同意的条款，将写入人民调解协议书。"),
    )
    referred_to = _text(_("转交去向（转交时必填）"), 100, required=False)


class FollowUpForm(StyledForm):
    visited_on = date_field(_("回访日期"))
    note = _text(_("回访情况"), 1000, rows=2)
    by_name = _text(_("回访人（不填即为本人）"), 50, required=False)
