"""Forms of the meeting pages. They check input and keep what was typed; services write.

The choices of a meeting form (kind, body, study group, leaders) come from the organisation
holding it, so a forged POST naming another community's body is refused like a typing error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.forms import REQUIRED as _REQUIRED
from dangjian.core.forms import TOO_LONG, SharedMessages, StyledForm, date_field
from dangjian.members.fields import MemberChoiceField
from dangjian.orgs.models import Organisation

from .models import Attendance, AttendanceStatus, Meeting, MeetingKind
from .selectors import meetings as sel

REQUIRED = {"required": _REQUIRED}


class MeetingFilterForm(SharedMessages, forms.Form):
    """The list's filters, from the query string. Bad values are ignored, not errors."""

    q = forms.CharField(required=False, max_length=50)
    org = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(required=False, choices=[("", ""), *MeetingKind.choices])
    year = forms.IntegerField(required=False, min_value=1950, max_value=2100)
    date_from = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    date_to = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    body = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in sel.SORTS])

    def __init__(self, data: Any, *, orgs: list[Any], bodies: list[Any]) -> None:
        super().__init__(data)
        self.fields["org"].choices = [("", "")] + [(o.pk, o.name) for o in orgs]
        self.fields["body"].choices = [("", "")] + [(b.pk, b.name) for b in bodies]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items()}
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if data.get("year"):
            date_from = date_from or dt.date(data["year"], 1, 1)
            date_to = date_to or dt.date(data["year"], 12, 31)
        return {
            "q": data.get("q") or None,
            "org": data.get("org") or None,
            "kind": data.get("kind") or None,
            "year": data.get("year") or None,
            "date_from": date_from,
            "date_to": date_to,
            "body": data.get("body") or None,
            "sort": data.get("sort") or None,
        }


class MeetingForm(StyledForm):
    """A meeting of ``org``: create (``meeting=None``) or edit (with the version it was read at)."""

    far_future_fields = ("date",)

    kind = forms.ChoiceField(label=gettext_lazy("会议类型"), error_messages=REQUIRED)
    body = forms.ModelChoiceField(
        label=gettext_lazy("议事协调机构"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("所选议事协调机构不属于本组织。")},
    )
    study_group = forms.ModelChoiceField(
        label=gettext_lazy("学习小组"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("所选学习小组不属于本组织。")},
    )
    date = date_field(gettext_lazy("日期"))
    start_time = forms.TimeField(
        label=gettext_lazy("开始时间"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": gettext_lazy("请按“时:分”填写时间，例如 14:30。")},
    )
    topic = forms.CharField(label=gettext_lazy("主题"), max_length=200, error_messages=REQUIRED)
    place = forms.CharField(label=gettext_lazy("地点"), max_length=100, required=False)
    host = forms.CharField(label=gettext_lazy("主持人"), max_length=50, required=False)
    lecturer = MemberChoiceField(
        label=gettext_lazy("讲课人"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("讲课人须是本社区在册的党员。")},
    )
    recorder = forms.CharField(label=gettext_lazy("记录人"), max_length=50, required=False)
    agenda = forms.CharField(
        label=gettext_lazy("议程"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = forms.CharField(
        label=gettext_lazy("会议记录"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    decisions = forms.CharField(
        label=gettext_lazy("决定事项"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    leaders = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参加的县领导"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("只能选择联系本社区的县领导。")},
    )
    cancelled = forms.BooleanField(
        label=gettext_lazy("会议已取消"),
        required=False,
        help_text=gettext_lazy("勾选后会议不计入台帐和任务完成情况，考勤不能再登记。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, data: Any = None, *, org: Organisation, meeting: Meeting | None = None, **kw: Any
    ) -> None:
        if meeting is not None:  # also when posted: a date not changed is not asked about again
            kw["initial"] = {
                **{f: getattr(meeting, f) for f in ("kind", "date", "start_time", "topic")},
                **{
                    f: getattr(meeting, f)
                    for f in ("place", "host", "recorder", "agenda", "minutes", "decisions")
                },
                "body": meeting.body_id,
                "study_group": meeting.study_group_id,
                "cancelled": meeting.cancelled,
                "leaders": list(meeting.leaders.values_list("pk", flat=True)),
                "lecturer": meeting.lecturer_id,
                "version": meeting.version,
            }
        super().__init__(data, **kw)
        self.org, self.meeting = org, meeting
        opts = sel.options_for(org)
        kinds = opts.kinds
        if meeting is not None and meeting.kind not in dict(kinds):
            kinds = [*kinds, (meeting.kind, meeting.get_kind_display())]
        self.fields["kind"].choices = [("", _("请选择"))] + kinds
        self.fields["body"].queryset = opts.bodies
        self.fields["study_group"].queryset = opts.study_groups
        self.fields["leaders"].queryset = opts.leaders
        kind_values = {k for k, _l in kinds}
        if MeetingKind.COUNCIL not in kind_values:
            del self.fields["body"]
        if MeetingKind.STUDY not in kind_values:
            del self.fields["study_group"]
        if MeetingKind.LEADER_VISIT not in kind_values and not (
            meeting is not None and meeting.leaders.exists()
        ):
            del self.fields["leaders"]
        if MeetingKind.PARTY_LECTURE in kind_values:
            self._lecturer_field(org)
        else:
            del self.fields["lecturer"]
        if meeting is None:
            del self.fields["cancelled"]
        self.kind_help = ""
        if "body" in self.fields:
            self.kind_help = _("议事协调会议须选择议事协调机构。")
        if "study_group" in self.fields:
            self.kind_help += _("分类学习须选择学习小组。")

    def _lecturer_field(self, org: Organisation) -> None:
        """党课: who lectured — the branch secretary's own lecture a year is counted from it."""
        from dangjian.core import rules

        from .selectors.lectures import lecturer_choices

        field = self.fields["lecturer"]
        field.queryset = lecturer_choices(org)
        field.label_from_instance = lambda m: f"{m.name}（{m.org.name}）"
        field.empty_label = _("请选择")
        field.help_text = _("党课请选择讲课人。支部书记每年至少讲 %(n)s 次党课。") % {
            "n": rules.value("meeting.party_lecture", "secretary_per_year", org=org)
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind != MeetingKind.PARTY_LECTURE:
            data["lecturer"] = None
        if kind != MeetingKind.COUNCIL:
            data["body"] = None
        elif "body" in self.fields and not data.get("body") and "body" not in self.errors:
            self.add_error("body", _("议事协调会议请选择议事协调机构。"))
        if kind != MeetingKind.STUDY:
            data["study_group"] = None
        elif "study_group" in self.fields and not data.get("study_group"):
            self.add_error("study_group", _("分类学习请选择学习小组。"))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        out = {
            f: d.get(f) or ""
            for f in ("place", "host", "recorder", "topic", "agenda", "minutes", "decisions")
        }
        out.update(
            kind=d["kind"],
            date=d["date"],
            start_time=d.get("start_time"),
            body=d.get("body"),
            study_group=d.get("study_group"),
        )
        if "cancelled" in self.fields:
            out["cancelled"] = bool(d.get("cancelled"))
        if "leaders" in self.fields:
            out["leaders"] = list(d.get("leaders") or [])
        if "lecturer" in self.fields:
            out["lecturer"] = d.get("lecturer")
        return out


class LeaveDecideForm(StyledForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("批复"),
        choices=[("approve", gettext_lazy("准假")), ("refuse", gettext_lazy("不准假"))],
        error_messages={"required": gettext_lazy("请选择准假或不准假。")},
    )
    answer = forms.CharField(label=gettext_lazy("答复"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AttachForm(StyledForm):
    file = forms.FileField(
        label=gettext_lazy("附件"),
        error_messages={
            "required": gettext_lazy("请选择要上传的文件。"),
            "empty": gettext_lazy("文件是空的。"),
        },
    )


class LedgerForm(StyledForm):
    """The ledger's organisation and period (from the query string)."""

    org = forms.ModelChoiceField(
        label=gettext_lazy("党组织"),
        queryset=None,
        error_messages={
            "required": gettext_lazy("请选择党组织。"),
            "invalid_choice": gettext_lazy("所选党组织不在您的查看范围内。"),
        },
    )
    date_from = date_field(gettext_lazy("起始日期"), required=False)
    date_to = date_field(gettext_lazy("截止日期"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("会议类型"),
        required=False,
        choices=[("", gettext_lazy("全部类型")), *MeetingKind.choices],
        help_text=gettext_lazy("只导出一类会议，例如主题党日、组织生活会、分类学习。"),
    )

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.fields["org"].queryset = sel.orgs_for_meetings(user=user)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        a, b = data.get("date_from"), data.get("date_to")
        if a and b and b < a:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data


STATUS_CHOICES = AttendanceStatus.choices
#: The lengths of an attendance line's texts (the columns of :class:`~.models.Attendance`).
REASON_MAX = Attendance._meta.get_field("reason").max_length
ATTENDEE_MAX = Attendance._meta.get_field("attendee").max_length


def _too_long(name: str, limit: int, text: str) -> str:
    return f"{name}：" + TOO_LONG % {"limit_value": limit, "show_value": len(text)}


def read_tick_list(post: Any, lines: list[sel.Line], *, by_seat: bool) -> tuple[list[Any], bool]:
    """The tick list as posted: ``s_<id>`` status, ``r_<id>`` reason, ``a_<id>`` attendee.
    Updates ``lines`` with what was typed (so the page can be shown again unchanged) and
    returns the marks for ``services.attendance_record`` and whether every line is valid."""
    from .services import Mark

    marks, ok = [], True
    for line in lines:
        status = post.get(f"s_{line.id}", AttendanceStatus.PRESENT)
        if status not in AttendanceStatus.values:
            status = AttendanceStatus.PRESENT
        line.status = status
        # Never cut what was typed: a too-long text is refused with both counts, kept on screen.
        line.reason = (post.get(f"r_{line.id}", "") or "").strip()
        line.attendee = (post.get(f"a_{line.id}", "") or "").strip()
        line.error = line.attendee_error = ""
        if status == AttendanceStatus.EXCUSED and not line.reason:
            line.error = _("请填写 %(name)s 的请假原因。") % {"name": line.name}
            ok = False
        elif status != AttendanceStatus.PRESENT and len(line.reason) > REASON_MAX:
            line.error = _too_long(line.name, REASON_MAX, line.reason)
            ok = False
        if by_seat and len(line.attendee) > ATTENDEE_MAX:
            line.attendee_error = _too_long(line.name, ATTENDEE_MAX, line.attendee)
            ok = False
        key = {"seat_id": line.id} if by_seat else {"member_id": line.id}
        marks.append(Mark(status=status, reason=line.reason, attendee=line.attendee, **key))
    return marks, ok
