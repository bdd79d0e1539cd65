"""Forms of grid visits and key households: few fields, large, phone first."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field
from dangjian.servicedesk.models import Category


class VisitForm(StyledForm):
    household = forms.IntegerField(
        label=_("住户"),
        widget=forms.Select,
        error_messages={"required": _("请选择走访的住户。"), "invalid": _("请选择走访的住户。")},
    )
    visited_on = date_field(_("走访日期"))
    met = forms.CharField(label=_("见到的人"), max_length=100, required=False)
    found = forms.CharField(
        label=_("了解到的情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up = forms.CharField(label=_("后续跟进"), max_length=300, required=False)
    open_request = forms.BooleanField(label=_("转为服务工单"), required=False)
    category = forms.ChoiceField(
        label=_("工单类别"), choices=Category.choices, initial=Category.OTHER, required=False
    )


class VisitEditForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    visited_on = date_field(_("走访日期"))
    met = forms.CharField(label=_("见到的人"), max_length=100, required=False)
    found = forms.CharField(
        label=_("了解到的情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up = forms.CharField(label=_("后续跟进"), max_length=300, required=False)


class OpenRequestForm(StyledForm):
    category = forms.ChoiceField(label=_("工单类别"), choices=Category.choices)


class KeyMarkForm(StyledForm):
    reason = forms.CharField(
        label=_("重点原因"),
        max_length=200,
        error_messages={"required": _("请写明标记为重点户的原因。")},
    )


class KeyUnmarkForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=200,
        error_messages={"required": _("请写明取消重点户的原因。")},
    )
