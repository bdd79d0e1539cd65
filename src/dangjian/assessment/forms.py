"""Forms of the assessment pages: an inspection team's on-site score, and voiding one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field

from .models import GOOD_CHOICES

SCORE = {"inputmode": "decimal", "autocomplete": "off"}


class InspectorScoreForm(StyledForm):
    good = forms.ChoiceField(label=_("考核项目"), choices=GOOD_CHOICES)
    score = forms.CharField(
        label=_("得分（百分制）"),
        max_length=6,
        widget=forms.TextInput(attrs=SCORE),
        help_text=_("0 到 100，最多一位小数。"),
    )
    inspector = forms.CharField(
        label=_("打分人/考核组"), max_length=50, help_text=_("如：街道党工委考核组。")
    )
    scored_on = date_field(_("打分日期"))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class VoidForm(StyledForm):
    reason = forms.CharField(label=_("作废理由"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)
