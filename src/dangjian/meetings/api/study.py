"""API: study groups by member category (分类学习) — list, create, read with members and their
attendance over a year, change, add/remove members, new session. 404 for anything missing or
outside the caller's grants; 400 with a Chinese message for bad input."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from dangjian.core.access import CHANGE

from .. import services
from .. import services_bodies as svc
from ..models import MeetingKind, StudyGroup
from ..selectors import study as sel
from .meetings import ErrorOut, _service_errors

router = Router(tags=["分类学习"])
PER_PAGE = 50


class GroupOut(Schema):
    id: int
    org_id: int
    org_name: str
    name: str
    category: str
    is_active: bool
    members: int
    sessions: int
    version: int


class GroupList(Schema):
    count: int
    page: int
    items: list[GroupOut]


class MemberLineOut(Schema):
    member_id: int
    name: str
    org_name: str
    in_group: bool
    present: int
    excused: int
    absent: int


class SessionOut(Schema):
    meeting_id: int
    date: dt.date
    topic: str
    cancelled: bool
    present: int
    excused: int
    absent: int


class GroupDetailOut(GroupOut):
    year: int
    member_lines: list[MemberLineOut]
    session_list: list[SessionOut]


class ListIn(Schema):
    org: int | None = Field(None, description="党组织 id（含下级组织）")
    page: int = 1


class GroupIn(Schema):
    org_id: int
    name: str
    category: str = Field("", description="members 的党员类别，如 retired、in_service；空为不限")
    member_ids: list[int] = []


class GroupPatch(Schema):
    version: int | None = None
    name: str | None = None
    category: str | None = None
    is_active: bool | None = None


class MembersIn(Schema):
    add: list[int] = []
    remove: list[int] = []


class SessionIn(Schema):
    date: dt.date
    topic: str
    place: str = ""
    host: str = ""


def _year(value: int | None) -> int:
    today = timezone.localdate()
    if value is None:
        return today.year
    if not 2000 <= value <= today.year + 1:
        raise HttpError(400, _("年度不正确。"))
    return value


def _nf() -> HttpError:
    return HttpError(404, _("未找到该学习小组，或您无权查看。"))


def _group(request: HttpRequest, pk: int, action: str = "view") -> StudyGroup:
    try:
        return sel.group_or_404(user=request.auth, pk=pk, action=action)
    except Http404:
        raise _nf() from None


def _out(g: StudyGroup) -> dict:
    return {
        "id": g.pk,
        "org_id": g.org_id,
        "org_name": g.org.name,
        "name": g.name,
        "category": g.category,
        "is_active": g.is_active,
        "members": getattr(g, "n_members", 0),
        "sessions": getattr(g, "n_sessions", 0),
        "version": g.version,
    }


def _detail(request: HttpRequest, pk: int, year: int | None = None) -> dict:
    g = sel.groups_visible(user=request.auth).filter(pk=pk).first()
    if g is None:
        raise _nf()
    y = _year(year)
    return {
        **_out(g),
        "year": y,
        "member_lines": [line.__dict__ for line in sel.member_lines(g, year=y)],
        "session_list": [
            {
                "meeting_id": m.pk,
                "date": m.date,
                "topic": m.topic,
                "cancelled": m.cancelled,
                "present": m.n_present,
                "excused": m.n_excused,
                "absent": m.n_absent,
            }
            for m in sel.sessions_of(g, year=y)
        ],
    }


def _members_or_400(request: HttpRequest, group: StudyGroup, ids: list[int]):
    found = sel.members_for_add(user=request.auth, group=group, ids=ids)
    if len(found) != len(set(ids)):
        msg = _("只能加入本组织（含下级）的党员。")
        return None, Status(400, {"detail": msg, "errors": {"member_ids": [msg]}})
    return found, None


@router.get("/", response={200: GroupList, 404: ErrorOut})
def group_list(request: HttpRequest, q: Query[ListIn]):
    """学习小组列表（可按党组织筛选，含下级）；每页 50 个。"""
    org = None
    if q.org is not None:
        try:
            org = sel.org_or_404(user=request.auth, pk=q.org)
        except Http404:
            raise HttpError(404, _("未找到该组织，或您无权查看。")) from None
    qs = sel.groups_visible(user=request.auth, org=org)
    page = max(q.page, 1)
    rows = list(qs[(page - 1) * PER_PAGE : page * PER_PAGE])
    return {"count": qs.count(), "page": page, "items": [_out(g) for g in rows]}


@router.post("/", response={201: GroupDetailOut, 400: ErrorOut, 404: ErrorOut})
def group_create(request: HttpRequest, payload: GroupIn):
    """新建学习小组（可同时列出成员）。"""
    try:
        org = sel.org_or_404(user=request.auth, pk=payload.org_id, action=CHANGE)
    except Http404:
        raise HttpError(404, _("未找到该组织，或您无权查看。")) from None
    probe = StudyGroup(org=org)
    members, error = _members_or_400(request, probe, payload.member_ids)
    if error:
        return error
    try:
        g = svc.study_group_add(
            org=org,
            name=payload.name,
            category=payload.category,
            members=members,
            acting_user=request.auth,
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return Status(201, _detail(request, g.pk))


@router.get("/{int:group_id}", response={200: GroupDetailOut, 400: ErrorOut, 404: ErrorOut})
def group_detail(request: HttpRequest, group_id: int, year: int | None = None):
    """学习小组：成员及其当年出勤次数，当年的学习。"""
    return _detail(request, group_id, year)


@router.patch(
    "/{int:group_id}", response={200: GroupDetailOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def group_update(request: HttpRequest, group_id: int, payload: GroupPatch):
    """修改学习小组名称、类别或停用。"""
    g = _group(request, group_id, CHANGE)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    try:
        svc.study_group_update(group=g, acting_user=request.auth, expected_version=version, **data)
    except ValidationError as exc:
        return _service_errors(exc)
    return _detail(request, g.pk)


@router.post(
    "/{int:group_id}/members", response={200: GroupDetailOut, 400: ErrorOut, 404: ErrorOut}
)
def group_members(request: HttpRequest, group_id: int, payload: MembersIn):
    """加入（add）和移出（remove）成员，按党员 id。"""
    g = _group(request, group_id, CHANGE)
    members, error = _members_or_400(request, g, payload.add)
    if error:
        return error
    try:
        svc.study_group_set_members(
            group=g, add=members, remove=payload.remove, acting_user=request.auth
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return _detail(request, g.pk)


@router.post("/{int:group_id}/sessions", response={201: SessionOut, 400: ErrorOut, 404: ErrorOut})
def session_create(request: HttpRequest, group_id: int, payload: SessionIn):
    """新建一次学习（分类学习会议）；出勤在会议接口中登记。"""
    g = _group(request, group_id, CHANGE)
    if not payload.topic.strip():
        msg = _("请填写学习内容。")
        return Status(400, {"detail": msg, "errors": {"topic": [msg]}})
    try:
        m = services.meeting_create(
            org=g.org,
            acting_user=request.auth,
            kind=MeetingKind.STUDY,
            study_group=g,
            date=payload.date,
            topic=payload.topic.strip(),
            place=payload.place.strip(),
            host=payload.host.strip(),
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return Status(
        201,
        {
            "meeting_id": m.pk,
            "date": m.date,
            "topic": m.topic,
            "cancelled": m.cancelled,
            "present": 0,
            "excused": 0,
            "absent": 0,
        },
    )
