"""Forms of 督查与整改: record / edit an inspection, add a finding, add / edit a task, close a task
with evidence, reopen it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledForm, date_field

from .models import Kind
from .services import user_label


def _org_label(o: Any) -> str:
    return ("— " * max(o.depth - 1, 0) if hasattr(o, "depth") else "") + o.name


class InspectionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    inspecting = forms.ModelChoiceField(
        label=_("督查组织"),
        queryset=None,
        empty_label=_("（请选择）"),
        error_messages={"invalid_choice": _("所选督查组织不在您的负责范围内。")},
    )
    inspected = forms.ModelChoiceField(
        label=_("被督查组织（社区或支部）"),
        queryset=None,
        empty_label=_("（请选择）"),
        error_messages={"invalid_choice": _("所选组织不在您的负责范围内。")},
    )
    kind = forms.ChoiceField(label=_("形式"), choices=[("", _("（请选择）")), *Kind.choices])
    date = date_field(_("督查日期"))
    inspectors = forms.CharField(
        label=_("督查人员"), max_length=200, help_text=_("例如：县委组织部 王某、李某")
    )
    summary = forms.CharField(
        label=_("总体情况"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    findings = forms.CharField(
        label=_("发现的问题（每行一条）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行写一条问题，之后可以在每条问题下布置整改任务。"),
    )

    def __init__(
        self, *args: Any, inspecting: Any = None, inspected: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if inspecting is None:  # editing: the organisations stay as recorded
            for name in ("inspecting", "inspected", "findings"):
                del self.fields[name]
        else:
            self.fields["inspecting"].queryset = inspecting
            self.fields["inspected"].queryset = inspected
            self.fields["inspected"].label_from_instance = _org_label

    def finding_lines(self) -> list[str]:
        return [s for s in self.cleaned_data.get("findings", "").splitlines() if s.strip()]


class FindingForm(StyledForm):
    text = forms.CharField(label=_("发现的问题"), max_length=500)


class FollowUpForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    task = forms.CharField(label=_("整改任务"), max_length=300)
    owner = forms.ModelChoiceField(
        label=_("责任人（有账号的）"),
        queryset=None,
        required=False,
        empty_label=_("（没有账号，填写姓名）"),
        error_messages={"invalid_choice": _("责任人须是被督查组织有账号的人员。")},
    )
    owner_name = forms.CharField(
        label=_("责任人姓名"),
        max_length=50,
        required=False,
        help_text=_("选了账号可不填；没有账号的责任人请填写姓名。"),
    )
    deadline = date_field(_("整改时限"), required=False)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = user_label


class CloseForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    on = date_field(_("完成日期"))
    evidence = forms.CharField(
        label=_("整改情况（做了什么）"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明做了什么、结果如何。不要用截图或照片代替说明。"),
    )
    link = forms.CharField(
        label=_("平台内记录的链接（可选）"),
        max_length=200,
        required=False,
        help_text=_("例如整改的会议记录 /meetings/12/，复制该页地址栏中域名后面的部分。"),
    )
    file = forms.FileField(
        label=_("附件（可选：PDF、Word 或 Excel）"),
        required=False,
        error_messages={"empty": _("文件是空的。")},
    )


class ReopenForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("重新打开的理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
