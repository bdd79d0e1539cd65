"""API: mine — the caller's own organisational life (the member linked to their account).

GET ``/upcoming`` and ``/attendance`` answer 200 with an empty list (``member_id`` null) for an
account without a member record. The writes answer 400 ``{"detail": "…"}`` for such an account,
400 for a meeting the member is not expected at (the same as a meeting that does not exist), and
404 for a leave request that is not the caller's own.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.members.models import Member

from .. import services
from ..models import LeaveRequest
from ..selectors import mine as sel

router = Router(tags=["我的组织生活"])


class LeaveOut(Schema):
    id: int
    meeting_id: int
    reason: str
    state: str
    state_label: str
    answer: str
    can_withdraw: bool


class UpcomingOut(Schema):
    meeting_id: int
    org_name: str
    kind: str
    kind_label: str
    date: dt.date
    start_time: dt.time | None
    place: str
    topic: str
    leave: LeaveOut | None
    can_ask_leave: bool


class UpcomingList(Schema):
    member_id: int | None
    member_name: str
    items: list[UpcomingOut]


class AttendanceOut(Schema):
    meeting_id: int
    date: dt.date
    org_name: str
    kind_label: str
    topic: str
    status: str
    status_label: str
    reason: str


class AttendanceList(Schema):
    member_id: int | None
    member_name: str
    date_from: dt.date | None
    date_to: dt.date | None
    totals: dict[str, int]
    items: list[AttendanceOut]


class LeaveIn(Schema):
    meeting_id: int
    reason: str = ""


def _leave_out(lr: LeaveRequest) -> dict:
    return {
        "id": lr.pk,
        "meeting_id": lr.meeting_id,
        "reason": lr.reason,
        "state": lr.state,
        "state_label": lr.get_state_display(),
        "answer": lr.answer,
        "can_withdraw": lr.state in ("pending", "approved"),
    }


def _member_or_400(request: HttpRequest) -> Member:
    member = sel.member_of(request.auth)
    if member is None:
        raise HttpError(400, _("您的账号没有关联党员档案，不能请假。请联系所在支部书记。"))
    return member


@router.get("/upcoming", response=UpcomingList)
def my_upcoming(request: HttpRequest):
    """我近期要参加的会议（今天及以后、未取消），以及每次会议我的请假情况。"""
    member = sel.member_of(request.auth)
    if member is None:
        return {"member_id": None, "member_name": "", "items": []}
    rows = sel.upcoming(member=member, today=timezone.localdate())
    return {
        "member_id": member.pk,
        "member_name": member.name,
        "items": [
            {
                "meeting_id": r.meeting.pk,
                "org_name": r.meeting.org.name,
                "kind": r.meeting.kind,
                "kind_label": r.meeting.get_kind_display(),
                "date": r.meeting.date,
                "start_time": r.meeting.start_time,
                "place": r.meeting.place,
                "topic": r.meeting.topic,
                "leave": _leave_out(r.leave) if r.leave else None,
                "can_ask_leave": r.can_ask,
            }
            for r in rows
        ],
    }


@router.post("/leave", response={201: LeaveOut, 400: ErrorOut})
def my_leave(request: HttpRequest, payload: LeaveIn):
    """为自己请假（须填写原因），等待支部书记批准。"""
    member = _member_or_400(request)
    try:
        meeting = sel.upcoming_meeting_or_404(
            member=member, pk=payload.meeting_id, today=timezone.localdate()
        )
    except Http404:
        msg = _("找不到这次会议，或您不在这次会议的参会名单中。")
        return Status(400, {"detail": msg, "errors": {"meeting_id": [msg]}})
    try:
        leave = services.leave_request(
            meeting=meeting, member=member, reason=payload.reason, acting_user=request.auth
        )
    except ValidationError as exc:
        return service_errors(exc)
    return Status(201, _leave_out(leave))


@router.post(
    "/leave/{int:leave_id}/withdraw", response={200: LeaveOut, 400: ErrorOut, 404: ErrorOut}
)
def my_leave_withdraw(request: HttpRequest, leave_id: int):
    """撤回自己的请假（会议召开以前）。"""
    member = _member_or_400(request)
    try:
        leave = sel.my_leave_or_404(user=request.auth, member=member, pk=leave_id)
    except Http404:
        raise HttpError(404, _("未找到这条请假，或它不是您的。")) from None
    try:
        leave = services.leave_withdraw(leave=leave, acting_user=request.auth)
    except ValidationError as exc:
        return service_errors(exc)
    return _leave_out(leave)


@router.get("/attendance", response=AttendanceList)
def my_attendance(request: HttpRequest):
    """我近一年的参会记录（出席、请假、缺席）和合计。"""
    member = sel.member_of(request.auth)
    if member is None:
        return {
            "member_id": None,
            "member_name": "",
            "date_from": None,
            "date_to": None,
            "totals": {},
            "items": [],
        }
    record = sel.attendance_record(user=request.auth, member=member, today=timezone.localdate())
    return {
        "member_id": member.pk,
        "member_name": member.name,
        "date_from": record.start,
        "date_to": record.end,
        "totals": record.totals,
        "items": [
            {
                "meeting_id": a.meeting_id,
                "date": a.meeting.date,
                "org_name": a.meeting.org.name,
                "kind_label": a.meeting.get_kind_display(),
                "topic": a.meeting.topic,
                "status": a.status,
                "status_label": a.get_status_display(),
                "reason": a.reason,
            }
            for a in record.rows
        ],
    }
