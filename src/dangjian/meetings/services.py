"""Writes of organisational life. Keyword-only, atomic, audited; callers pass the acting user.

Attendance is recorded for a whole meeting at once (the secretary's tick list): everybody on the
list is present unless marked otherwise. An unexcused absence of a body's member unit issues a
notice of criticism (通报批评); correcting the absence withdraws it — nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError, audited_create, audited_update, user_or_none
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation

from . import cadence_kept
from .models import (
    Attendance,
    AttendanceStatus,
    Body,
    Criticism,
    LeaderLink,
    LeaveRequest,
    LeaveState,
    Meeting,
    MeetingFile,
    MeetingKind,
    NoLifeCase,
    Seat,
    StudyGroup,
)
from .selectors.attendees import expected_for
from .selectors.lectures import lecturer_choices

#: What a meeting's form may set; the rest (org, created_by, attendance) is the service's.
MEETING_FIELDS = (
    "kind",
    "body",
    "study_group",
    "date",
    "start_time",
    "place",
    "host",
    "recorder",
    "topic",
    "agenda",
    "minutes",
    "decisions",
    "cancelled",
    "lecturer",
)
#: The largest attachment accepted (a scanned sign-in sheet or a slide deck).
MAX_FILE_BYTES = 20 * 1024 * 1024


def _check_links(
    *,
    org: Organisation,
    body: Body | None,
    study_group: StudyGroup | None,
    lecturer: Member | None = None,
) -> None:
    if body is not None and body.org_id != org.pk:
        raise ValidationError({"body": _("该议事协调机构不属于本组织。")})
    if study_group is not None and study_group.org_id != org.pk:
        raise ValidationError({"study_group": _("该学习小组不属于本组织。")})
    if lecturer is not None and not lecturer_choices(org).filter(pk=lecturer.pk).exists():
        raise ValidationError({"lecturer": _("讲课人须是本社区在册的党员。")})


def _lecturer_fits(fields: dict[str, Any], kind: str) -> None:
    """Only a party lecture names its lecturer: another kind drops it."""
    if kind != MeetingKind.PARTY_LECTURE:
        fields["lecturer"] = None


@transaction.atomic
def meeting_create(
    *,
    org: Organisation,
    acting_user: Any,
    leaders: Iterable[LeaderLink] = (),
    **fields: Any,
) -> Meeting:
    """A new meeting of ``org`` (planned when in the future, held when in the past)."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    _lecturer_fits(fields, fields.get("kind", ""))
    _check_links(
        org=org,
        body=fields.get("body"),
        study_group=fields.get("study_group"),
        lecturer=fields.get("lecturer"),
    )
    meeting = audited_create(
        Meeting,
        data={"org": org, "created_by": user_or_none(acting_user), **fields},
        acting_user=acting_user,
    )
    cadence_kept.touch([org.pk])  # what the cadence roll-up kept for its past periods
    meeting_set_leaders(meeting=meeting, leaders=leaders, acting_user=None)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    acting_user: Any,
    expected_version: int | None = None,
    leaders: Iterable[LeaderLink] | None = None,
    **fields: Any,
) -> Meeting:
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    if "kind" in fields or "lecturer" in fields:
        _lecturer_fits(fields, fields.get("kind", meeting.kind))
    _check_links(
        org=meeting.org,
        body=fields.get("body", meeting.body),
        study_group=fields.get("study_group", meeting.study_group),
        lecturer=fields.get("lecturer") if fields.get("lecturer") != meeting.lecturer else None,
    )
    cadence_kept.touch([meeting.org_id])  # what the cadence roll-up kept for its past periods
    meeting = audited_update(
        meeting, data=fields, acting_user=acting_user, expected_version=expected_version
    )
    if leaders is not None:
        meeting_set_leaders(meeting=meeting, leaders=leaders, acting_user=acting_user)
    return meeting


def meeting_set_leaders(
    *, meeting: Meeting, leaders: Iterable[LeaderLink], acting_user: Any
) -> None:
    """The linked county leaders who took part (their visit or joint meeting)."""
    leaders = list(leaders)
    wrong = [ln for ln in leaders if ln.community_id != meeting.org_id]
    if wrong:
        raise ValidationError({"leaders": _("只能选择联系本社区的县领导。")})
    before = sorted(meeting.leaders.values_list("pk", flat=True))
    after = sorted(ln.pk for ln in leaders)
    if before == after:
        return
    meeting.leaders.set(leaders)
    cadence_kept.touch([meeting.org_id])  # a county leader's part counts for two rules
    if acting_user is not None:
        audit.record(
            action=AuditEntry.Action.UPDATE,
            obj=meeting,
            acting_user=acting_user,
            changes={"leaders": {"before": before, "after": after}},
        )


# ---- attendance ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Mark:
    """One line of the tick list: a member or a seat, and what they were."""

    status: str
    member_id: int | None = None
    seat_id: int | None = None
    reason: str = ""
    attendee: str = ""


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    marks: Iterable[Mark],
    acting_user: Any,
    expected_version: int | None = None,
) -> dict[str, int]:
    """Record the attendance of a whole meeting, replacing what was recorded before.

    ``marks`` lists the exceptions and the rest: anyone on the meeting's list without a mark is
    present. Excused leave needs a reason. Returns the counts per status.
    """
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _(
                "这次会议的考勤已被他人修改（您打开的是第 %(mine)d 版，现在是第 %(now)d 版）。请刷新后重新登记。"
            )
            % {"mine": expected_version, "now": locked.version},
            code="conflict",
        )
    if locked.cancelled:
        raise ValidationError(_("会议已取消，不能登记考勤。"))
    if locked.date > timezone.localdate():
        raise ValidationError(_("会议还没有召开，不能登记考勤。"))
    expected = expected_for(locked)
    if expected.members is None and expected.seats is None:
        raise ValidationError(_("这类会议不登记考勤。"))
    by_seat = expected.by_seat
    allowed = set((expected.seats if by_seat else expected.members).values_list("pk", flat=True))
    marks_by_id: dict[int, Mark] = {}
    errors: list[str] = []
    for mark in marks:
        key = mark.seat_id if by_seat else mark.member_id
        if key is None or key not in allowed:
            errors.append(_("名单中没有编号为 %(id)s 的参会对象。") % {"id": key})
            continue
        if mark.status not in AttendanceStatus.values:
            errors.append(_("出勤情况不正确：%(s)s") % {"s": mark.status})
            continue
        if mark.status == AttendanceStatus.EXCUSED and not mark.reason.strip():
            errors.append(_("请假须填写原因（编号 %(id)s）。") % {"id": key})
            continue
        marks_by_id[key] = mark
    if errors:
        raise ValidationError(errors)

    # approved leave counts as excused unless the secretary marked otherwise
    if not by_seat:
        for member_id, reason in LeaveRequest.objects.filter(
            meeting=locked, state=LeaveState.APPROVED
        ).values_list("member_id", "reason"):
            if member_id in allowed and member_id not in marks_by_id:
                marks_by_id[member_id] = Mark(
                    status=AttendanceStatus.EXCUSED, member_id=member_id, reason=reason
                )

    field = "seat_id" if by_seat else "member_id"
    old = {getattr(a, field): a for a in Attendance.objects.filter(meeting=locked)}
    before = {k: a.status for k, a in old.items()}
    after: dict[int, str] = {}
    to_create: list[Attendance] = []
    to_update: list[Attendance] = []
    for key in sorted(allowed):
        mark = marks_by_id.get(key) or Mark(status=AttendanceStatus.PRESENT)
        reason = mark.reason.strip() if mark.status != AttendanceStatus.PRESENT else ""
        after[key] = mark.status
        row = old.get(key)
        if row is None:
            to_create.append(
                Attendance(
                    meeting=locked,
                    status=mark.status,
                    reason=reason,
                    attendee=mark.attendee.strip(),
                    **{field: key},
                )
            )
        elif (row.status, row.reason, row.attendee) != (mark.status, reason, mark.attendee.strip()):
            row.status, row.reason, row.attendee = mark.status, reason, mark.attendee.strip()
            to_update.append(row)
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["status", "reason", "attendee"])
    if by_seat:
        _criticise(meeting=locked, acting_user=acting_user)

    changed = {
        str(k): {"before": before.get(k), "after": v}
        for k, v in after.items()
        if before.get(k) != v
    }
    locked.version += 1
    locked.attendance_taken_at = timezone.now()
    locked.save(update_fields=["version", "attendance_taken_at", "updated_at"])
    audit.record(
        action=AuditEntry.Action.EVENT,
        obj=locked,
        acting_user=acting_user,
        field="attendance",
        changes=changed,
    )
    counts = {s: 0 for s in AttendanceStatus.values}
    for status in after.values():
        counts[status] += 1
    return counts


def _criticise(*, meeting: Meeting, acting_user: Any) -> None:
    """Issue a notice for every unexcused absent seat; withdraw notices no longer deserved."""
    rows = Attendance.objects.filter(meeting=meeting, seat__isnull=False).select_related(
        "seat", "criticism"
    )
    for row in rows:
        notice = getattr(row, "criticism", None)
        if row.status == AttendanceStatus.ABSENT:
            if notice is None:
                notice = Criticism.objects.create(
                    attendance=row,
                    meeting=meeting,
                    seat=row.seat,
                    unit_id=row.seat.unit_id,
                    head=row.seat.head,
                    year=meeting.date.year,
                    issued_on=timezone.localdate(),
                    text=_("%(unit)s 无故缺席 %(date)s 召开的%(body)s会议，予以通报批评。")
                    % {
                        "unit": row.seat.name,
                        "date": meeting.date.strftime("%Y年%m月%d日")
                        .replace("年0", "年")
                        .replace("月0", "月"),
                        "body": meeting.body.name,
                    },
                )
                audit.record_create(notice, acting_user=acting_user)
            elif notice.withdrawn_at is not None:
                Criticism.objects.filter(pk=notice.pk).update(
                    withdrawn_at=None, withdrawn_reason=""
                )
                audit.record(
                    action=AuditEntry.Action.UPDATE,
                    obj=notice,
                    acting_user=acting_user,
                    changes={"withdrawn_at": {"before": str(notice.withdrawn_at), "after": None}},
                )
        elif notice is not None and notice.withdrawn_at is None:
            reason = _("考勤更正为“%(s)s”") % {"s": row.get_status_display()}
            Criticism.objects.filter(pk=notice.pk).update(
                withdrawn_at=timezone.now(), withdrawn_reason=reason
            )
            audit.record(
                action=AuditEntry.Action.UPDATE,
                obj=notice,
                acting_user=acting_user,
                changes={"withdrawn_reason": {"before": "", "after": reason}},
            )


# ---- leave --------------------------------------------------------------------------------
@transaction.atomic
def leave_request(
    *, meeting: Meeting, member: Member, reason: str, acting_user: Any
) -> LeaveRequest:
    """A member asks for leave from a meeting that has not taken place yet."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写请假原因。")})
    if meeting.cancelled:
        raise ValidationError(_("会议已取消，无需请假。"))
    if meeting.date < timezone.localdate():
        raise ValidationError(_("会议已经召开，不能再请假；如有情况请联系支部书记。"))
    expected = expected_for(meeting)
    if expected.members is None or not expected.members.filter(pk=member.pk).exists():
        raise ValidationError(_("您不在这次会议的参会名单中。"))
    if LeaveRequest.objects.filter(
        meeting=meeting, member=member, state__in=[LeaveState.PENDING, LeaveState.APPROVED]
    ).exists():
        raise ValidationError(_("您已经为这次会议请过假了。"))
    return audited_create(
        LeaveRequest,
        data={"meeting": meeting, "member": member, "reason": reason},
        acting_user=acting_user,
    )


@transaction.atomic
def leave_decide(
    *,
    leave: LeaveRequest,
    approve: bool,
    answer: str = "",
    acting_user: Any,
    expected_version: int | None = None,
) -> LeaveRequest:
    """The secretary approves or refuses a pending request. Approved leave is excused absence."""
    if leave.state != LeaveState.PENDING:
        raise ValidationError(_("这条请假已经处理过了。"))
    leave = audited_update(
        leave,
        data={
            "state": LeaveState.APPROVED if approve else LeaveState.REFUSED,
            "answer": (answer or "").strip(),
            "decided_by": user_or_none(acting_user),
            "decided_at": timezone.now(),
        },
        acting_user=acting_user,
        expected_version=expected_version,
    )
    if approve:
        Attendance.objects.filter(meeting_id=leave.meeting_id, member_id=leave.member_id).exclude(
            status=AttendanceStatus.PRESENT
        ).update(status=AttendanceStatus.EXCUSED, reason=leave.reason)
    return leave


@transaction.atomic
def leave_withdraw(*, leave: LeaveRequest, acting_user: Any) -> LeaveRequest:
    """The member takes back a request (they can come after all)."""
    if leave.state not in (LeaveState.PENDING, LeaveState.APPROVED):
        raise ValidationError(_("这条请假已经处理过了。"))
    if leave.meeting.date < timezone.localdate():
        raise ValidationError(_("会议已经召开，不能撤回请假。"))
    return audited_update(leave, data={"state": LeaveState.WITHDRAWN}, acting_user=acting_user)


# ---- attachments --------------------------------------------------------------------------
@transaction.atomic
def meeting_attach(*, meeting: Meeting, upload: Any, acting_user: Any) -> MeetingFile:
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("文件太大（%(mb).1f MB），请小于 %(max)d MB。")
            % {"mb": upload.size / 1024 / 1024, "max": MAX_FILE_BYTES // 1024 // 1024}
        )
    row = MeetingFile(
        meeting=meeting,
        file=upload,
        name=upload.name[:200],
        size=upload.size,
        uploaded_by=user_or_none(acting_user),
    )
    row.save()
    audit.record_create(row, acting_user=acting_user)
    return row


# ---- bodies, seats, leaders, study groups, handling -----------------------------------------
def body_create(*, acting_user: Any, **fields: Any) -> Body:
    return audited_create(Body, data=fields, acting_user=acting_user)


def seat_create(*, body: Body, acting_user: Any, **fields: Any) -> Seat:
    unit = fields.get("unit")
    if unit is not None and not fields.get("name"):
        fields["name"] = unit.name
        fields.setdefault("head", unit.head)
    return audited_create(Seat, data={"body": body, **fields}, acting_user=acting_user)


def leader_link_create(*, acting_user: Any, **fields: Any) -> LeaderLink:
    return audited_create(LeaderLink, data=fields, acting_user=acting_user)


@transaction.atomic
def study_group_create(
    *, acting_user: Any, members: Iterable[Member] = (), **fields: Any
) -> StudyGroup:
    group = audited_create(StudyGroup, data=fields, acting_user=acting_user)
    group.members.set(list(members))
    return group


def no_life_case_record(*, acting_user: Any, **fields: Any) -> NoLifeCase:
    return audited_create(
        NoLifeCase,
        data={"handled_by": user_or_none(acting_user), **fields},
        acting_user=acting_user,
    )


def is_past(meeting: Meeting, on: dt.date | None = None) -> bool:
    return meeting.date <= (on or timezone.localdate())


__all__ = [
    "Mark",
    "MeetingKind",
    "attendance_record",
    "body_create",
    "leader_link_create",
    "leave_decide",
    "leave_request",
    "leave_withdraw",
    "meeting_attach",
    "meeting_create",
    "meeting_update",
    "no_life_case_record",
    "seat_create",
    "study_group_create",
]
