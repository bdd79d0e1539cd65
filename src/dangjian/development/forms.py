"""Forms of member development: a new applicant, and one form per step that shows only the
fields that step needs. Dates are typed the way people type them (core.forms.date_field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.forms import REQUIRED as SHARED_REQUIRED
from dangjian.core.forms import StyledForm, date_field
from dangjian.members.fields import MemberChoiceField
from dangjian.members.models import Education, Gender

from . import selectors
from .models import Candidate, Step

REQUIRED = {"required": SHARED_REQUIRED}


class CandidateCreateForm(StyledForm):
    org = forms.ModelChoiceField(
        label=gettext_lazy("培养党组织"),
        queryset=None,
        error_messages={
            "required": gettext_lazy("请选择培养党组织。"),
            "invalid_choice": gettext_lazy("请选择您负责的党支部或社区党组织。"),
        },
    )
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50, error_messages=REQUIRED)
    id_number = forms.CharField(
        label=gettext_lazy("身份证号"), max_length=30, error_messages=REQUIRED
    )
    gender = forms.ChoiceField(
        label=gettext_lazy("性别"),
        choices=Gender.choices,
        widget=forms.RadioSelect,
        error_messages=REQUIRED,
    )
    birth_date = date_field(gettext_lazy("出生日期"))
    applied_on = date_field(gettext_lazy("递交入党申请书日期"))
    ethnicity = forms.CharField(label=gettext_lazy("民族"), max_length=20, initial="汉族")
    education = forms.ChoiceField(
        label=gettext_lazy("学历"), choices=[("", "—"), *Education.choices], required=False
    )
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False)
    work_unit = forms.CharField(label=gettext_lazy("工作单位"), max_length=100, required=False)
    address = forms.CharField(label=gettext_lazy("现居住地址"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = selectors.orgs_for_candidates(user=user, action="change")

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class StepForm(StyledForm):
    """The fields of one step. Which ones appear depends on ``step`` (see ``FIELDS``)."""

    FIELDS: dict[str, tuple[str, ...]] = {
        Step.TALKED: ("date", "talked_by"),
        Step.ACTIVIST: ("meeting", "date"),
        Step.CANDIDATE: ("meeting", "date"),
        Step.INTRODUCERS: (
            "date",
            "introducer_1",
            "introducer_1_name",
            "introducer_2",
            "introducer_2_name",
        ),
        Step.TRAINING: ("date", "days", "hours"),
        Step.REVIEW: ("date", "conclusion"),
        Step.NOTICE: ("date", "notice_to"),
        Step.ADMITTED: ("meeting", "date"),
        Step.APPROVED: ("date", "approved_by"),
        Step.EXTENDED: ("meeting", "date", "until"),
        Step.FULL: ("meeting", "date"),
        Step.STOPPED: ("date", "reason"),
    }
    DATE_LABELS = {
        Step.TALKED: gettext_lazy("谈话日期"),
        Step.TRAINING: gettext_lazy("培训结业日期"),
        Step.REVIEW: gettext_lazy("政治审查完成日期"),
        Step.NOTICE: gettext_lazy("公示开始日期"),
        Step.INTRODUCERS: gettext_lazy("确定日期"),
        Step.APPROVED: gettext_lazy("审批日期"),
    }

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("会议"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("选择已录入的会议，日期可不填，自动取会议日期。"),
        error_messages={"invalid_choice": gettext_lazy("请从列表中选择会议。")},
    )
    date = date_field(gettext_lazy("日期"), required=False)
    talked_by = forms.CharField(label=gettext_lazy("谈话人"), max_length=50, required=False)
    introducer_1 = MemberChoiceField(
        label=gettext_lazy("第一位入党介绍人"), queryset=None, required=False
    )
    introducer_1_name = forms.CharField(
        label=gettext_lazy("或填写姓名（不在名单中时）"), max_length=50, required=False
    )
    introducer_2 = MemberChoiceField(
        label=gettext_lazy("第二位入党介绍人"), queryset=None, required=False
    )
    introducer_2_name = forms.CharField(
        label=gettext_lazy("或填写姓名（不在名单中时）"), max_length=50, required=False
    )
    days = forms.IntegerField(label=gettext_lazy("培训天数"), min_value=0, required=False)
    hours = forms.IntegerField(label=gettext_lazy("培训学时"), min_value=0, required=False)
    conclusion = forms.CharField(
        label=gettext_lazy("政审结论"), max_length=200, required=False, initial=gettext_lazy("合格")
    )
    notice_to = date_field(gettext_lazy("公示结束日期"), required=False)
    approved_by = forms.ModelChoiceField(
        label=gettext_lazy("审批党委"), queryset=None, required=False, empty_label=None
    )
    until = date_field(gettext_lazy("预备期延长至"), required=False)
    reason = forms.CharField(label=gettext_lazy("停止培养原因"), max_length=200, required=False)
    note = forms.CharField(
        label=gettext_lazy("备注"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, step: str, candidate: Candidate, user: Any, **kw: Any) -> None:
        kw.setdefault("initial", {})
        kw["initial"].setdefault("version", candidate.version)
        super().__init__(*args, **kw)
        self.step = step
        keep = {"version", "note", *self.FIELDS[step]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "meeting" in self.fields:
            self.fields["meeting"].queryset = selectors.meetings_for(
                user=user, candidate=candidate, step=step
            )
            self.fields["meeting"].label = {
                Step.ACTIVIST: _("研究确定的会议（支委会）"),
                Step.CANDIDATE: _("研究确定的会议（支委会）"),
                Step.ADMITTED: _("讨论接收的支部党员大会"),
                Step.EXTENDED: _("讨论的支部党员大会"),
                Step.FULL: _("讨论转正的支部党员大会"),
            }[step]
        if "introducer_1" in self.fields:
            members = selectors.introducer_choices(user=user, candidate=candidate)
            self.fields["introducer_1"].queryset = members
            self.fields["introducer_2"].queryset = members
        if "approved_by" in self.fields:
            self.fields["approved_by"].queryset = selectors.approver_choices(candidate=candidate)
        if step in self.DATE_LABELS:
            self.fields["date"].label = self.DATE_LABELS[step]
        if "meeting" not in self.fields:
            self.fields["date"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("date"):
            meeting = data.get("meeting")
            if meeting is not None:
                data["date"] = meeting.date
            elif "date" not in self.errors:
                self.add_error("date", _("请填写日期，或选择会议。"))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["expected_version"] = data.pop("version", None)
        data["note"] = data.get("note") or ""
        return {k: v for k, v in data.items() if v is not None or k == "expected_version"}
