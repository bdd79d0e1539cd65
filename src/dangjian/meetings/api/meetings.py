"""API: meetings — list, create, read with attendance, change (with version), record the tick
list, decide leave. The same scoped selectors, forms and services as the pages.

Errors: 400 ``{"detail": "…", "errors": {...}}`` for bad input; 404 for a meeting, organisation
or leave request that does not exist *or* is not the caller's (the same answer); 409 when
someone else saved first (``version`` no longer matches).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.access import CHANGE
from dangjian.core.api_errors import ErrorOut
from dangjian.core.services import ConflictError
from dangjian.orgs.models import Organisation

from .. import services
from ..forms_meetings import MeetingForm
from ..models import AttendanceStatus, LeaveRequest, Meeting
from ..selectors import meetings as sel

router = Router(tags=["会议"])

Loose = str | int | None


class MeetingOut(Schema):
    id: int
    org_id: int
    org_name: str
    kind: str
    kind_label: str
    body_id: int | None
    body_name: str | None
    study_group_id: int | None
    date: dt.date
    start_time: dt.time | None
    place: str
    host: str
    recorder: str
    topic: str
    lecturer_id: int | None = Field(None, description="党课的讲课人（党员 id）")
    cancelled: bool
    attendance_taken: bool
    expected: int = Field(..., description="已登记考勤的人数（或成员单位数）；未登记为 0")
    present: int
    excused: int
    absent: int
    version: int

    @staticmethod
    def resolve_org_name(obj: Meeting) -> str:
        return obj.org.name

    @staticmethod
    def resolve_kind_label(obj: Meeting) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_body_name(obj: Meeting) -> str | None:
        return obj.body.name if obj.body_id else None

    @staticmethod
    def resolve_attendance_taken(obj: Meeting) -> bool:
        return obj.attendance_taken_at is not None

    @staticmethod
    def resolve_expected(obj: Meeting) -> int:
        return obj.n_expected

    @staticmethod
    def resolve_present(obj: Meeting) -> int:
        return obj.n_present

    @staticmethod
    def resolve_excused(obj: Meeting) -> int:
        return obj.n_excused

    @staticmethod
    def resolve_absent(obj: Meeting) -> int:
        return obj.n_absent


class AttendanceOut(Schema):
    member_id: int | None
    seat_id: int | None
    name: str
    status: str
    reason: str
    attendee: str


class LeaveOut(Schema):
    id: int
    member_id: int
    member_name: str
    reason: str
    state: str
    answer: str
    version: int


class MeetingDetailOut(MeetingOut):
    agenda: str
    minutes: str
    decisions: str
    lecturer_name: str | None
    leader_ids: list[int]
    attendance: list[AttendanceOut]
    leave_requests: list[LeaveOut]

    @staticmethod
    def resolve_lecturer_name(obj: Meeting) -> str | None:
        return obj.lecturer.name if obj.lecturer_id else None

    @staticmethod
    def resolve_leader_ids(obj: Meeting) -> list[int]:
        return obj.leader_ids_out

    @staticmethod
    def resolve_attendance(obj: Meeting) -> list[dict[str, Any]]:
        return obj.rows_out

    @staticmethod
    def resolve_leave_requests(obj: Meeting) -> list[dict[str, Any]]:
        return obj.leaves_out


class Filters(Schema):
    org: int | None = Field(None, description="党组织 id（含下级组织）")
    kind: str | None = None
    body: int | None = None
    date_from: dt.date | None = Field(None, alias="from", description="起始日期 YYYY-MM-DD")
    date_to: dt.date | None = Field(None, alias="to", description="截止日期 YYYY-MM-DD")
    q: str | None = Field(None, description="按主题搜索")


class MeetingIn(Schema):
    org_id: Loose = None
    kind: str | None = None
    body_id: Loose = None
    study_group_id: Loose = None
    date: str | None = None
    start_time: str | None = None
    place: str | None = None
    host: str | None = None
    recorder: str | None = None
    topic: str | None = None
    agenda: str | None = None
    minutes: str | None = None
    decisions: str | None = None
    lecturer_id: Loose = Field(None, description="党课的讲课人（本社区在册党员 id）")
    leader_ids: list[int] | None = None


class MeetingPatch(Schema):
    version: Loose = Field(None, description="读取时的 version；不符表示已被他人修改（409）")
    kind: str | None = None
    body_id: Loose = None
    study_group_id: Loose = None
    date: str | None = None
    start_time: str | None = None
    place: str | None = None
    host: str | None = None
    recorder: str | None = None
    topic: str | None = None
    agenda: str | None = None
    minutes: str | None = None
    decisions: str | None = None
    cancelled: bool | None = None
    lecturer_id: Loose = Field(None, description="党课的讲课人（党员 id）；空字符串清除")
    leader_ids: list[int] | None = None


class MarkIn(Schema):
    member_id: int | None = None
    seat_id: int | None = None
    status: str
    reason: str = ""
    attendee: str = ""


class AttendanceIn(Schema):
    version: int | None = Field(None, description="读取时的 version；不符表示已被他人修改（409）")
    marks: list[MarkIn] = Field(
        default_factory=list, description="只需列出请假和缺席的；名单上没有列出的人记为出席"
    )


class LeaveDecideIn(Schema):
    approve: bool
    answer: str = ""
    version: int | None = None


# ---- helpers -------------------------------------------------------------------------------
def _not_found(what: str = "") -> HttpError:
    return HttpError(404, what or _("未找到该会议，或您无权查看。"))


def _meeting(request: HttpRequest, meeting_id: int, action: str = "view") -> Meeting:
    meeting = sel.meeting_for(user=request.auth, pk=meeting_id, action=action)
    if meeting is None:
        raise _not_found()
    return meeting


def _errors(errors: dict[str, list[str]]) -> Status:
    first = next(iter(errors.values()), [_("输入有误。")])[0]
    return Status(400, {"detail": first, "errors": errors})


def _service_errors(exc: ValidationError) -> Status:
    if isinstance(exc, ConflictError):
        msg = str(exc.messages[0])
        return Status(409, {"detail": msg, "errors": {"version": [msg]}})
    if hasattr(exc, "error_dict"):
        return _errors(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        )
    return _errors({"__all__": [str(m) for m in exc.messages]})


def _form_errors(form: Any) -> Status:
    return _errors({k: [str(m) for m in v] for k, v in form.errors.items()})


def _detail(request: HttpRequest, meeting_id: int) -> Meeting:
    """The meeting with what the detail schema shows, read through the user's scope."""
    meeting = _meeting(request, meeting_id)
    meeting.rows_out = [
        {
            "member_id": r.member_id,
            "seat_id": r.seat_id,
            "name": r.member.name if r.member_id else r.seat.name,
            "status": r.status,
            "reason": r.reason,
            "attendee": r.attendee,
        }
        for r in sel.attendance_of(user=request.auth, meeting=meeting)
    ]
    meeting.leaves_out = [
        _leave_out(lr) for lr in sel.leave_requests_of(user=request.auth, meeting=meeting)
    ]
    meeting.leader_ids_out = [ln.pk for ln in meeting.leaders.all()]
    return meeting


def _leave_out(lr: LeaveRequest) -> dict[str, Any]:
    return {
        "id": lr.pk,
        "member_id": lr.member_id,
        "member_name": lr.member.name,
        "reason": lr.reason,
        "state": lr.state,
        "answer": lr.answer,
        "version": lr.version,
    }


_RENAMES = {
    "body_id": "body",
    "study_group_id": "study_group",
    "leader_ids": "leaders",
    "lecturer_id": "lecturer",
}


def _form_data(payload: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in payload.items():
        if value is None:
            continue
        if key == "cancelled":
            if value:
                out["cancelled"] = "on"
            continue
        out[_RENAMES.get(key, key)] = value
    out["confirm_far_future"] = "on"  # the far-future question is the page's; a program can't tick
    return out


def _data_of(meeting: Meeting) -> dict[str, Any]:
    """A meeting's current values as form data (what PATCH starts from)."""
    out: dict[str, Any] = {
        "kind": meeting.kind,
        "date": meeting.date.isoformat(),
        "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else "",
        "body": meeting.body_id or "",
        "study_group": meeting.study_group_id or "",
        "leaders": [ln.pk for ln in meeting.leaders.all()],
        "lecturer": meeting.lecturer_id or "",
        "version": meeting.version,
    }
    for f in ("place", "host", "recorder", "topic", "agenda", "minutes", "decisions"):
        out[f] = getattr(meeting, f)
    if meeting.cancelled:
        out["cancelled"] = "on"
    return out


class _QueryDict(dict):
    """Form data with lists (the leaders), as a QueryDict would give them."""

    def getlist(self, key: str, default: Any = None) -> list[Any]:
        v = self.get(key, default if default is not None else [])
        return v if isinstance(v, list) else [v]


# ---- operations ----------------------------------------------------------------------------
@router.get("/", response=list[MeetingOut])
@paginate(LimitOffsetPagination)
def list_meetings(request: HttpRequest, filters: Query[Filters]):
    """会议列表（按日期倒序），可按组织（含下级）、类型、议事协调机构、日期范围筛选，按主题搜索。"""
    org = None
    if filters.org is not None:
        org = sel.orgs_for_meetings(user=request.auth).filter(pk=filters.org).first()
        if org is None:
            return Meeting.objects.none()
    return sel.meetings_visible(
        user=request.auth,
        org=org,
        kind=filters.kind,
        body=filters.body,
        date_from=filters.date_from,
        date_to=filters.date_to,
        q=filters.q,
    )


@router.post("/", response={201: MeetingDetailOut, 400: ErrorOut, 404: ErrorOut})
def create_meeting(request: HttpRequest, payload: MeetingIn):
    """新建会议。只能为自己负责的党组织新建。"""
    org_id = str(payload.org_id or "")
    org = (
        Organisation.objects.changeable_by(request.auth)
        .filter(pk=int(org_id), is_active=True)
        .first()
        if org_id.isdigit()
        else None
    )
    if org is None:
        raise _not_found(_("未找到该党组织，或您无权为其新建会议。"))
    data = _form_data(payload.dict(exclude={"org_id"}))
    form = MeetingForm(_QueryDict(data), org=org)
    if not form.is_valid():
        return _form_errors(form)
    try:
        meeting = services.meeting_create(
            org=org, acting_user=request.auth, **form.service_kwargs()
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return Status(201, _detail(request, meeting.pk))


@router.get("/{int:meeting_id}", response={200: MeetingDetailOut, 404: ErrorOut})
def get_meeting(request: HttpRequest, meeting_id: int):
    """一次会议的全部内容，含出勤和请假。"""
    return _detail(request, meeting_id)


@router.patch(
    "/{int:meeting_id}",
    response={200: MeetingDetailOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def update_meeting(request: HttpRequest, meeting_id: int, payload: MeetingPatch):
    """修改会议（只需给出要改的字段，以及读取时的 version）。cancelled=true 取消会议。"""
    meeting = _meeting(request, meeting_id, CHANGE)
    data = _data_of(meeting)
    data.update(_form_data(payload.dict(exclude_unset=True)))
    if payload.cancelled is False:
        data.pop("cancelled", None)
    form = MeetingForm(_QueryDict(data), org=meeting.org, meeting=meeting)
    if not form.is_valid():
        return _form_errors(form)
    try:
        services.meeting_update(
            meeting=meeting,
            acting_user=request.auth,
            expected_version=form.cleaned_data.get("version"),
            **form.service_kwargs(),
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return _detail(request, meeting.pk)


@router.put(
    "/{int:meeting_id}/attendance",
    response={200: MeetingDetailOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def record_attendance(request: HttpRequest, meeting_id: int, payload: AttendanceIn):
    """登记（或更正）整次会议的考勤：名单上的人默认出席，只需列出请假（须填原因）和缺席的。"""
    meeting = _meeting(request, meeting_id, CHANGE)
    marks = []
    for m in payload.marks:
        if m.status not in AttendanceStatus.values:
            msg = _("出勤情况不正确：%(s)s（可用：present、excused、absent）") % {"s": m.status}
            return _errors({"marks": [msg]})
        marks.append(
            services.Mark(
                status=m.status,
                member_id=m.member_id,
                seat_id=m.seat_id,
                reason=m.reason,
                attendee=m.attendee,
            )
        )
    try:
        services.attendance_record(
            meeting=meeting, marks=marks, acting_user=request.auth, expected_version=payload.version
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return _detail(request, meeting.pk)


@router.post(
    "/leave/{int:leave_id}/decide",
    response={200: LeaveOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def decide_leave(request: HttpRequest, leave_id: int, payload: LeaveDecideIn):
    """批复请假：approve=true 准假，false 不准假。"""
    leave = (
        LeaveRequest.objects.changeable_by(request.auth)
        .select_related("member", "meeting")
        .filter(pk=leave_id)
        .first()
    )
    if leave is None:
        raise _not_found(_("未找到该请假，或您无权处理。"))
    try:
        leave = services.leave_decide(
            leave=leave,
            approve=payload.approve,
            answer=payload.answer,
            acting_user=request.auth,
            expected_version=payload.version,
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return _leave_out(leave)
