"""API: 实事与服务 — the deeds a user may see (paged, by community and period) and recording one
with who took part. Same selectors and services as the pages."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.access import get_visible_or_404
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place, ResidentUnit

from . import selectors, services

router = Router(tags=["实事与服务"])


class ParticipantOut(Schema):
    member_id: int
    name: str
    hours: Decimal | None


class DeedOut(Schema):
    id: int
    community_id: int
    date: dt.date
    title: str
    place: str
    household_id: int | None
    beneficiaries: int | None
    team_id: int | None
    participants: list[ParticipantOut]
    unit_ids: list[int]

    @staticmethod
    def resolve_participants(obj) -> list[dict]:  # noqa: ANN001
        return [
            {"member_id": p.member_id, "name": p.member.name, "hours": p.hours}
            for p in obj.participants.all()
        ]

    @staticmethod
    def resolve_unit_ids(obj) -> list[int]:  # noqa: ANN001
        return [u.pk for u in obj.units.all()]


class DeedIn(Schema):
    org: int
    date: dt.date
    title: str = ""
    place: str = ""
    household_id: int | None = None
    beneficiaries: int | None = None
    members: dict[int, str] = {}
    unit_ids: list[int] = []


def _community(request: HttpRequest, org: int) -> Organisation:
    try:
        return get_visible_or_404(
            Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS)), request.auth, pk=org
        )
    except Http404:
        raise HttpError(404, _("未找到该社区，或您无权查看。")) from None


@router.get("/", response=list[DeedOut])
@paginate(LimitOffsetPagination)
def list_deeds(
    request: HttpRequest,
    org: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    """可见的实事与服务记录（按社区、起止日期筛选）。"""
    community = _community(request, org) if org else None
    return selectors.deeds_visible(user=request.auth, community=community, start=start, end=end)


@router.post("/", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def record_deed(request: HttpRequest, payload: DeedIn):
    """登记一件实事或一次服务（members：党员 id → 小时数，不计时长填空字符串）。"""
    community = _community(request, payload.org)
    household = (
        Place.objects.filter(pk=payload.household_id).first() if payload.household_id else None
    )
    if payload.household_id and household is None:
        return Status(400, {"detail": _("服务对象须是本社区登记的住户。")})
    units = list(ResidentUnit.objects.filter(pk__in=payload.unit_ids))
    if len(units) != len(set(payload.unit_ids)):
        return Status(400, {"detail": _("参加单位须是本社区登记的驻区单位。")})
    try:
        deed = services.deed_record(
            acting_user=request.auth,
            community=community,
            date=payload.date,
            title=payload.title,
            place=payload.place,
            household=household,
            beneficiaries=payload.beneficiaries,
            members=payload.members,
            units=units,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, {"id": deed.pk, "participants": len(payload.members)})
