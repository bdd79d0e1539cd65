"""API: county leaders linked to communities — a community's leaders and its quarters against
rule ``council.county_leaders``, links added and ended, visits recorded, and the roll-up of a
street or the county. 404 for anything missing or outside the caller's grants."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from dangjian.core.access import CHANGE, get_visible_or_404
from dangjian.orgs.models import COMMUNITY_KINDS

from .. import services_bodies as svc
from ..models import LeaderLink
from ..selectors import leaders as sel
from .meetings import ErrorOut, _service_errors

router = Router(tags=["县领导联系社区"])
PER_PAGE = 50


class LinkOut(Schema):
    id: int
    community_id: int
    name: str
    title: str
    since: dt.date
    until: dt.date | None
    version: int


class QuarterOut(Schema):
    quarter: int
    start: dt.date
    end: dt.date
    state: str = Field(..., description="done 达标 · short 未达标 · open 进行中 · future 未到")
    leaders: int
    visits: int
    meetings: int
    need_leaders: int
    need_visits: int
    need_meetings: int
    visit_ids: list[int] = []
    meeting_ids: list[int] = []
    shortfalls: list[str]


class CommunityOut(Schema):
    community_id: int
    community_name: str
    year: int
    links: list[LinkOut]
    quarters: list[QuarterOut]


class RollupRowOut(Schema):
    community_id: int
    community_name: str
    linked: int
    short_quarters: list[int]
    quarters: list[QuarterOut]


class RollupOut(Schema):
    org_id: int
    year: int
    count: int
    page: int
    items: list[RollupRowOut]


class LinkIn(Schema):
    name: str
    title: str = ""
    since: dt.date


class LinkEndIn(Schema):
    until: dt.date
    version: int | None = None


class VisitIn(Schema):
    date: dt.date
    leader_ids: list[int]
    topic: str = ""
    place: str = ""
    minutes: str = ""


class VisitOut(Schema):
    meeting_id: int
    date: dt.date
    topic: str
    leader_ids: list[int]


def _year(value: int | None) -> int:
    today = timezone.localdate()
    if value is None:
        return today.year
    if not 2000 <= value <= today.year + 1:
        raise HttpError(400, _("年度不正确。"))
    return value


def _community(request: HttpRequest, pk: int, action: str = "view"):
    try:
        org = sel.org_or_404(user=request.auth, pk=pk, action=action)
    except Http404:
        org = None
    if org is None or org.kind not in COMMUNITY_KINDS:
        raise HttpError(404, _("未找到该社区，或您无权查看。"))
    return org


def _link_out(ln: LeaderLink) -> dict:
    return {
        "id": ln.pk,
        "community_id": ln.community_id,
        "name": ln.name,
        "title": ln.title,
        "since": ln.since,
        "until": ln.until,
        "version": ln.version,
    }


def _quarter_out(q: sel.Quarter) -> dict:
    return {
        "quarter": q.number,
        "start": q.start,
        "end": q.end,
        "state": q.state,
        "leaders": q.leaders,
        "visits": q.visits,
        "meetings": q.meetings,
        "need_leaders": q.need_leaders,
        "need_visits": q.need_visits,
        "need_meetings": q.need_meetings,
        "visit_ids": [m.pk for m in q.visit_list],
        "meeting_ids": [m.pk for m in q.meeting_list],
        "shortfalls": q.shortfalls,
    }


@router.get("/{int:community_id}", response={200: CommunityOut, 400: ErrorOut, 404: ErrorOut})
def community_leaders(request: HttpRequest, community_id: int, year: int | None = None):
    """一个社区的联系县领导，以及当年每季度的督导和参加联席会议情况。"""
    org = _community(request, community_id)
    data = sel.community_leaders(
        user=request.auth, community=org, year=_year(year), today=timezone.localdate()
    )
    return {
        "community_id": org.pk,
        "community_name": org.name,
        "year": data.year,
        "links": [_link_out(ln) for ln in data.links],
        "quarters": [_quarter_out(q) for q in data.quarters],
    }


@router.get("/rollup/{int:org_id}", response={200: RollupOut, 400: ErrorOut, 404: ErrorOut})
def rollup(request: HttpRequest, org_id: int, year: int | None = None, page: int = 1):
    """街道（镇）或县下属各社区：联系县领导人数和未达标的季度；每页 50 个社区。"""
    try:
        org = sel.org_or_404(user=request.auth, pk=org_id)
    except Http404:
        raise HttpError(404, _("未找到该组织，或您无权查看。")) from None
    y = _year(year)
    rows = sel.leaders_rollup(user=request.auth, org=org, year=y, today=timezone.localdate())
    page = max(page, 1)
    chunk = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    return {
        "org_id": org.pk,
        "year": y,
        "count": len(rows),
        "page": page,
        "items": [
            {
                "community_id": r.community.pk,
                "community_name": r.community.name,
                "linked": r.linked,
                "short_quarters": [q.number for q in r.short],
                "quarters": [_quarter_out(q) for q in r.quarters],
            }
            for r in chunk
        ],
    }


@router.post("/{int:community_id}/links", response={201: LinkOut, 400: ErrorOut, 404: ErrorOut})
def link_create(request: HttpRequest, community_id: int, payload: LinkIn):
    """为社区添加联系县领导。"""
    org = _community(request, community_id, CHANGE)
    try:
        ln = svc.leader_link_add(
            community=org,
            name=payload.name,
            title=payload.title,
            since=payload.since,
            acting_user=request.auth,
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return Status(201, _link_out(ln))


@router.post(
    "/links/{int:link_id}/end",
    response={200: LinkOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def link_end(request: HttpRequest, link_id: int, payload: LinkEndIn):
    """结束县领导对社区的联系（记录结束日期，不删除）。"""
    try:
        ln = get_visible_or_404(LeaderLink.objects.all(), request.auth, CHANGE, pk=link_id)
    except Http404:
        raise HttpError(404, _("未找到该联系记录，或您无权查看。")) from None
    try:
        ln = svc.leader_link_end(
            link=ln,
            until=payload.until,
            acting_user=request.auth,
            expected_version=payload.version,
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return _link_out(ln)


@router.post("/{int:community_id}/visits", response={201: VisitOut, 400: ErrorOut, 404: ErrorOut})
def visit_create(request: HttpRequest, community_id: int, payload: VisitIn):
    """登记县领导督导（一次 LEADER_VISIT 会议，列出来督导的联系县领导）。"""
    org = _community(request, community_id, CHANGE)
    wanted = set(payload.leader_ids)
    leaders = list(LeaderLink.objects.filter(community=org, pk__in=wanted))
    if len(leaders) != len(wanted):
        msg = _("只能选择联系本社区的县领导。")
        return Status(400, {"detail": msg, "errors": {"leader_ids": [msg]}})
    try:
        meeting = svc.leader_visit_record(
            community=org,
            date=payload.date,
            leaders=leaders,
            topic=payload.topic,
            place=payload.place,
            minutes=payload.minutes,
            acting_user=request.auth,
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return Status(
        201,
        {
            "meeting_id": meeting.pk,
            "date": meeting.date,
            "topic": meeting.topic,
            "leader_ids": sorted(ln.pk for ln in leaders),
        },
    )
