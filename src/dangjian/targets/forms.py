"""Forms of target letters: draft, a target, signing, voiding, a progress note, a judgement."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field

from .models import Judgement, indicator_choices


class LetterCreateForm(StyledForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    issuer = forms.ModelChoiceField(label=_("发文单位"), queryset=None, empty_label=None)
    issuer_signatory = forms.CharField(
        label=_("发文单位签订人"),
        max_length=50,
        required=False,
        help_text=_("不填时为发文单位现任书记。"),
    )
    with_defaults = forms.BooleanField(
        label=_("按“五个好”考核指标预填目标（可再修改）"), required=False, initial=True
    )

    def __init__(self, *args: Any, issuers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers


class TargetForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("目标内容"), max_length=300)
    indicator = forms.ChoiceField(label=_("对应考核指标"), required=False)
    target_percent = forms.DecimalField(
        label=_("目标值（%）"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text=_("对应考核指标时填写；不填则按考核达标线。不对应指标的目标由考核组评定。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", _("（不对应指标，由考核组评定）"))] + list(
            indicator_choices()
        )


class SignForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    signer_office = forms.ModelChoiceField(
        label=_("社区党组织书记"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("请选择在任的社区党组织书记。")},
    )
    signed_on = date_field(_("签订日期"))
    issuer_signatory = forms.CharField(label=_("发文单位签订人"), max_length=50)

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signer_office"].queryset = offices
        self.fields["signer_office"].label_from_instance = lambda o: (
            f"{o.holder_name}（{o.term_start:%Y-%m-%d} 起任书记）"
        )


class VoidForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("作废理由"), max_length=200)


class NoteForm(StyledForm):
    day = date_field(_("日期"))
    text = forms.CharField(
        label=_("进展情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class JudgeForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    judgement = forms.ChoiceField(label=_("考核评定"), choices=Judgement.choices, required=False)
