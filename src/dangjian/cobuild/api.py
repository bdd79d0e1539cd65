"""API: 共驻共建 — a community's units with their year against the rules and the proposed and
decided stars, one unit with the reasons, activities (list and record), and the decision on a
unit's stars. Same selectors and services as the pages; 404 for what the caller may not see."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.access import CHANGE, get_visible_or_404
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, ResidentUnit

from . import selectors, services

router = Router(tags=["共驻共建"])


class ReasonOut(Schema):
    met: bool
    text: str


class UnitYearOut(Schema):
    id: int
    name: str
    kind: str
    deeds: int
    volunteer_services: int
    activities: int
    councils_attended: int
    councils_due: int
    pledges_kept: int
    pledges: int
    criticisms: int
    behind: list[str]
    proposed_stars: int
    reasons: list[ReasonOut]
    stars: int | None


class ActivityOut(Schema):
    id: int
    date: dt.date
    title: str
    kind: str
    theme: str
    is_deed: bool
    is_volunteer_service: bool
    unit_ids: list[int]
    beneficiaries: int | None
    money: Decimal | None

    @staticmethod
    def resolve_unit_ids(obj: Any) -> list[int]:
        return [u.pk for u in obj.deed.units.all()]


class ActivityIn(Schema):
    """A new activity; with ``deed_id`` (a deed of the community already recorded) the date,
    title, place, beneficiaries, units and members are the deed's and not needed here."""

    deed_id: int | None = None
    kind: str = ""
    title: str = ""
    date: dt.date | None = None
    theme: str = ""
    place: str = ""
    unit_ids: list[int] = []
    member_ids: list[int] = []
    is_deed: bool = False
    is_volunteer_service: bool = False
    beneficiaries: int | None = None
    money: Decimal | None = None
    goods: str = ""
    summary: str = ""
    feedback: str = ""


class StarsIn(Schema):
    year: int
    stars: int
    reason: str = ""


def _community(request: HttpRequest, org: int) -> Organisation:
    try:
        return get_visible_or_404(
            Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS)), request.auth, pk=org
        )
    except Http404:
        raise HttpError(404, _("未找到该社区，或您无权查看。")) from None


def _standing(r: selectors.Standing) -> dict[str, Any]:
    y = r.year
    return {
        "id": r.unit.pk,
        "name": r.unit.name,
        "kind": r.unit.kind,
        **{
            k: getattr(y, k)
            for k in (
                "deeds",
                "volunteer_services",
                "activities",
                "councils_attended",
                "councils_due",
                "pledges_kept",
                "pledges",
                "criticisms",
            )
        },
        "behind": r.behind,
        "proposed_stars": r.proposal.stars,
        "reasons": r.proposal.as_json(),
        "stars": r.decided.stars if r.decided else None,
    }


@router.get("/units", response={200: list[UnitYearOut], 404: ErrorOut})
def list_units(request: HttpRequest, org: int, year: int | None = None):
    """一个社区的驻区单位：本年度实事、志愿服务、共建活动、联席会出席、协议兑现，尚欠事项，建议与评定星级。"""
    community = _community(request, org)
    rows = selectors.standings(
        user=request.auth, community=community, year=year or timezone.localdate().year
    )
    return [_standing(r) for r in rows]


@router.get("/activities", response=list[ActivityOut])
@paginate(LimitOffsetPagination)
def list_activities(
    request: HttpRequest, org: int, start: dt.date | None = None, end: dt.date | None = None
):
    """共驻共建活动（按日期倒序）。"""
    return selectors.activities_visible(
        user=request.auth, community=_community(request, org), start=start, end=end
    )


@router.post("/activities", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def record_activity(request: HttpRequest, org: int, payload: ActivityIn):
    """登记一次共建活动（实事、单位志愿服务用 is_deed、is_volunteer_service 标明）。"""
    community = _community(request, org)
    data = payload.dict()
    units, members, deed_id = data.pop("unit_ids"), data.pop("member_ids"), data.pop("deed_id")
    deed = None
    if deed_id is not None:
        deed = (
            selectors.deeds_to_detail(user=request.auth, community=community)
            .filter(pk=deed_id)
            .first()
        )
        if deed is None:
            return Status(400, {"detail": _("未找到该实事记录，或它已是共建活动。")})
    try:
        a = services.activity_record(
            acting_user=request.auth,
            community=community,
            units=units,
            members=members,
            deed=deed,
            **data,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, {"id": a.pk})


@router.post("/units/{int:pk}/stars", response={201: dict, 400: ErrorOut, 404: ErrorOut})
def decide_stars(request: HttpRequest, pk: int, payload: StarsIn):
    """评定星级：与系统建议不同时须写明理由。"""
    try:
        unit = get_visible_or_404(
            ResidentUnit.objects.select_related("community"), request.auth, CHANGE, pk=pk
        )
    except Http404:
        raise HttpError(404, _("未找到该单位，或您无权评定。")) from None
    try:
        r = services.stars_decide(
            acting_user=request.auth,
            unit=unit,
            year=payload.year,
            stars=payload.stars,
            reason=payload.reason,
        )
    except ValidationError as exc:
        return service_errors(exc)
    return Status(
        201, {"unit_id": unit.pk, "year": r.year, "stars": r.stars, "proposed": r.proposed}
    )
