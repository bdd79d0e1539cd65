"""Forms of re-employment: an offer, a seeker, a referral's outcome."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field

from .models import JobCategory, Outcome


class OfferForm(StyledForm):
    unit = forms.ModelChoiceField(label=_("提供岗位的驻区单位"), queryset=None)
    position = forms.CharField(label=_("岗位"), max_length=100)
    category = forms.ChoiceField(label=_("岗位类别"), choices=JobCategory.choices)
    places = forms.IntegerField(
        label=_("招聘人数"),
        min_value=1,
        max_value=10000,
        error_messages={"min_value": _("招聘人数至少 1 人。")},
    )
    valid_from = date_field(_("有效期自"))
    valid_until = date_field(_("有效期至"))
    requirements = forms.CharField(
        label=_("要求"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SeekerForm(StyledForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    consent_on = date_field(
        _("本人同意登记的日期"),
        required=False,
        help_text=_("须经本人同意才能登记；本人撤回同意后不再推荐。"),
    )
    skills = forms.MultipleChoiceField(
        label=_("技能 / 意向岗位类别（可多选）"),
        choices=JobCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    household = forms.ModelChoiceField(
        label=_("住户（可不填）"), queryset=None, required=False, empty_label=_("（不填）")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, households: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households


class OutcomeForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("结果"),
        choices=[
            (Outcome.HIRED, Outcome.HIRED.label),
            (Outcome.NOT_HIRED, Outcome.NOT_HIRED.label),
        ],
    )
    on = date_field(_("结果日期"))
