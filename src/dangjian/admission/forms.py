"""Forms of work admission."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field

from . import exports


class EntrustmentForm(StyledForm):
    department = forms.ModelChoiceField(label=_("委托部门"), queryset=None)
    community = forms.ModelChoiceField(label=_("承接社区"), queryset=None)
    task = forms.CharField(label=_("委托事项"), max_length=200)
    quality = forms.CharField(label=_("质量要求"), max_length=300)
    standard = forms.CharField(label=_("工作标准"), max_length=300)
    deadline = date_field(_("完成时限"))
    funding = forms.DecimalField(
        label=_("随事经费（元）"),
        max_digits=12,
        decimal_places=2,
        help_text=_("权随责走、费随事转：交给社区的工作，经费随之拨付。没有经费填 0。"),
        error_messages={"invalid": _("请填写金额（元），例如 5000 或 0。")},
    )

    def __init__(self, *args: Any, departments: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["community"].queryset = communities
        if len(departments) == 1:  # a department's contact files for their own department
            self.fields["department"].empty_label = None


class DecideForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("approve", _("准入")), ("refuse", _("不予准入"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("审核意见"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class TaskForm(StyledForm):
    department = forms.ModelChoiceField(label=_("交办部门"), queryset=None)
    title = forms.CharField(label=_("工作事项"), max_length=200)
    received_on = date_field(_("收到日期"))
    entrustment = forms.ModelChoiceField(
        label=_("准入委托（有的请选择）"), queryset=None, required=False
    )

    def __init__(self, *args: Any, departments: Any, entrustments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["entrustment"].queryset = entrustments


class LedgerMapForm(StyledForm):
    export = forms.ChoiceField(label=_("对应导出"), choices=(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["export"].choices = exports.choices()
