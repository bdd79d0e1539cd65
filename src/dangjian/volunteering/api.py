"""API: 志愿服务 — a community's teams with the year's totals, members' hours (of all their
deeds), and recording a team's service — a deed with each participant's hours. Same selectors
and services as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from dangjian.core.access import CHANGE, get_visible_or_404
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from . import selectors, services
from .models import Team

router = Router(tags=["志愿服务"])


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    leader: str
    n_services: int
    total_hours: Decimal | None
    n_members: int


class HoursOut(Schema):
    member_id: int
    name: str
    org_name: str
    services: int
    hours: Decimal


class ServiceIn(Schema):
    date: dt.date
    title: str = ""
    place: str = ""
    hours: dict[int, str] = {}


def _community(request: HttpRequest, org: int) -> Organisation:
    try:
        return get_visible_or_404(
            Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS)), request.auth, pk=org
        )
    except Http404:
        raise HttpError(404, _("未找到该社区，或您无权查看。")) from None


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


@router.get("/teams", response={200: list[TeamOut], 404: ErrorOut})
def list_teams(request: HttpRequest, org: int, year: int | None = None):
    """一个社区的志愿服务队及本年度服务次数、时长。"""
    community = _community(request, org)
    return list(
        selectors.teams_with_totals(user=request.auth, community=community, year=_year(year))
    )


@router.get("/hours", response={200: list[HoursOut], 404: ErrorOut})
def member_hours(request: HttpRequest, org: int, year: int | None = None):
    """党员本年度志愿服务时长：本年度参加的全部实事与服务记录的时长合计，services 为记录条数
    （社区开启排行时按时长排列，否则按姓名）。"""
    community = _community(request, org)
    rows = selectors.member_hours(user=request.auth, community=community, year=_year(year))
    return [
        {
            "member_id": r["member_id"],
            "name": r["member__name"],
            "org_name": r["member__org__name"],
            "services": r["services"],
            "hours": r["hours"],
        }
        for r in rows
    ]


@router.post(
    "/teams/{int:pk}/services", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def record_service(request: HttpRequest, pk: int, payload: ServiceIn):
    """登记服务队的一次服务（记入实事与服务记录）及每名参加党员的时长（hours：党员 id →
    小时数）。返回的 id 是这条实事与服务记录。"""
    try:
        team = get_visible_or_404(Team.objects.all(), request.auth, CHANGE, pk=pk)
    except Http404:
        raise HttpError(404, _("未找到该服务队，或您无权查看。")) from None
    try:
        deed = services.service_record(
            acting_user=request.auth,
            team=team,
            date=payload.date,
            title=payload.title,
            place=payload.place,
            hours=payload.hours,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, {"id": deed.pk, "participants": len(payload.hours)})
