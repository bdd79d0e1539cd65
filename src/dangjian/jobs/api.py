"""API: 再就业 — offers, seekers (phones masked) and referrals a user may see, and recording
each. Same selectors and services as the pages."""

import datetime as dt

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
from .models import Offer, Referral, Seeker

router = Router(tags=["再就业"])


class OfferOut(Schema):
    id: int
    community_id: int
    unit_id: int
    unit: str
    position: str
    category: str
    places: int
    requirements: str
    valid_from: dt.date
    valid_until: dt.date
    ended_on: dt.date | None
    n_referred: int
    n_hired: int

    @staticmethod
    def resolve_unit(obj) -> str:  # noqa: ANN001
        return obj.unit.name


class OfferIn(Schema):
    unit_id: int
    position: str = ""
    category: str = ""
    places: int | None = None
    requirements: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class SeekerOut(Schema):
    id: int
    community_id: int
    name: str
    phone_masked: str
    skills: list[str]
    consent_on: dt.date
    withdrawn_on: dt.date | None

    @staticmethod
    def resolve_skills(obj) -> list[str]:  # noqa: ANN001
        return [s.category for s in obj.skills.all()]


class SeekerIn(Schema):
    org: int
    name: str = ""
    phone: str = ""
    consent_on: dt.date | None = None
    skills: list[str] = []
    household_id: int | None = None


class ReferralOut(Schema):
    id: int
    offer_id: int
    seeker_id: int
    referred_on: dt.date
    outcome: str
    outcome_on: dt.date | None
    version: int


class ReferralIn(Schema):
    offer_id: int
    seeker_id: int
    referred_on: dt.date | None = None


def _community(request: HttpRequest, org: int) -> Organisation:
    try:
        return get_visible_or_404(
            Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS)), request.auth, pk=org
        )
    except Http404:
        raise HttpError(404, _("未找到该社区，或您无权查看。")) from None


def _not_found() -> Status:
    return Status(404, {"detail": _("未找到，或您无权查看。")})


@router.get("/offers", response=list[OfferOut])
@paginate(LimitOffsetPagination)
def list_offers(
    request: HttpRequest,
    org: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    category: str = "",
):
    """可见的岗位（按社区、有效期所在时段、类别筛选）。"""
    community = _community(request, org) if org else None
    return selectors.offers_visible(
        user=request.auth, community=community, start=start, end=end, category=category
    )


@router.post("/offers", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def create_offer(request: HttpRequest, payload: OfferIn):
    """登记驻区单位提供的岗位。"""
    unit = ResidentUnit.objects.visible_to(request.auth).filter(pk=payload.unit_id).first()
    if unit is None:
        return Status(400, {"detail": _("请选择本社区登记的驻区单位。")})
    try:
        offer = services.offer_create(
            acting_user=request.auth,
            unit=unit,
            position=payload.position,
            category=payload.category,
            places=payload.places,
            requirements=payload.requirements,
            valid_from=payload.valid_from,
            valid_until=payload.valid_until,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, {"id": offer.pk})


@router.get("/seekers", response=list[SeekerOut])
@paginate(LimitOffsetPagination)
def list_seekers(request: HttpRequest, org: int | None = None, active: bool | None = None):
    """可见的求职人员（电话已隐藏中间位）。"""
    community = _community(request, org) if org else None
    return selectors.seekers_visible(user=request.auth, community=community, active=active)


@router.post("/seekers", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def create_seeker(request: HttpRequest, payload: SeekerIn):
    """登记求职人员（须本人同意：consent_on 为同意日期）。"""
    community = _community(request, payload.org)
    household = None
    if payload.household_id:
        household = Place.objects.filter(pk=payload.household_id, community=community).first()
        if household is None:
            return Status(400, {"detail": _("住户须是本社区登记的住户。")})
    try:
        seeker = services.seeker_register(
            acting_user=request.auth,
            community=community,
            name=payload.name,
            phone=payload.phone,
            consent_on=payload.consent_on,
            skills=payload.skills,
            household=household,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, {"id": seeker.pk})


@router.get("/referrals", response=list[ReferralOut])
@paginate(LimitOffsetPagination)
def list_referrals(
    request: HttpRequest,
    org: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    """可见的推荐记录及结果。"""
    community = _community(request, org) if org else None
    return selectors.referrals_visible(user=request.auth, community=community, start=start, end=end)


@router.post("/referrals", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def create_referral(request: HttpRequest, payload: ReferralIn):
    """推荐求职人员到岗位。"""
    offer = Offer.objects.visible_to(request.auth).filter(pk=payload.offer_id).first()
    seeker = Seeker.objects.visible_to(request.auth).filter(pk=payload.seeker_id).first()
    if offer is None or seeker is None:
        return _not_found()
    try:
        ref = services.referral_create(
            acting_user=request.auth, offer=offer, seeker=seeker, on=payload.referred_on
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, {"id": ref.pk, "version": ref.version})


class OutcomeIn(Schema):
    version: int
    outcome: str
    on: dt.date | None = None


@router.post(
    "/referrals/{referral_id}/outcome",
    response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def set_outcome(request: HttpRequest, referral_id: int, payload: OutcomeIn):
    """登记推荐结果（hired 已录用 / not_hired 未录用），只能登记一次。"""
    ref = Referral.objects.visible_to(request.auth).filter(pk=referral_id).first()
    if ref is None:
        return _not_found()
    try:
        ref = services.referral_outcome(
            ref,
            acting_user=request.auth,
            version=payload.version,
            outcome=payload.outcome,
            on=payload.on,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(200, {"id": ref.pk, "outcome": ref.outcome, "version": ref.version})
