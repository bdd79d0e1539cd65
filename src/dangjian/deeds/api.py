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
from .models import Deed

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


# ---- picking: an existing deed counted for a commitment (践诺) or a post holding (履职) -----
# The same services as the commitment's and the holding's pages (which call deed_attach /
# deed_detach), so the same rules and the same Chinese messages.


class PickedOut(Schema):
    deed_id: int
    commitment_ids: list[int]
    holding_ids: list[int]


def _not_found() -> HttpError:
    return HttpError(404, _("未找到该记录，或您无权操作。"))


def _visible_deed(request: HttpRequest, deed_id: int):  # noqa: ANN202
    try:
        return get_visible_or_404(Deed.objects.all(), request.auth, pk=deed_id)
    except Http404:
        raise _not_found() from None


def _commitment(request: HttpRequest, commitment_id: int, *, acting: bool = True):  # noqa: ANN202
    """The commitment, if the caller may count deeds for it (the member, or whoever may change
    their branch) — as on its page; anyone else gets the 404 of a missing one. Not ``acting``
    (what may be picked): whoever may see it."""
    from dangjian.commitments.models import Commitment
    from dangjian.core.access import CHANGE, scope_for

    try:
        c = get_visible_or_404(
            Commitment.objects.select_related("member", "org"), request.auth, pk=commitment_id
        )
    except Http404:
        raise _not_found() from None
    scope = scope_for(request.auth)
    if acting and scope.member_id != c.member_id and not scope.reaches_path(c.org.path, CHANGE):
        raise _not_found()
    return c


def _holding(request: HttpRequest, holding_id: int, *, acting: bool = True):  # noqa: ANN202
    """The post holding, if the caller may record duty for it (the member, or whoever may change
    their organisation) — as on its page. Not ``acting``: whoever may see it."""
    from dangjian.commitments.models_posts import PostHolder
    from dangjian.core.access import CHANGE, scope_for

    try:
        h = get_visible_or_404(
            PostHolder.objects.select_related("member__org", "post__community"),
            request.auth,
            pk=holding_id,
        )
    except Http404:
        raise _not_found() from None
    scope = scope_for(request.auth)
    if (
        acting
        and scope.member_id != h.member_id
        and not scope.reaches_path(h.member.org.path, CHANGE)
    ):
        raise _not_found()
    return h


def _picked(deed) -> dict:  # noqa: ANN001
    return {
        "deed_id": deed.pk,
        "commitment_ids": sorted(deed.commitments.values_list("pk", flat=True)),
        "holding_ids": sorted(deed.holdings.values_list("pk", flat=True)),
    }


def _link(call, deed_id: int):  # noqa: ANN001, ANN202
    """Run a pick or detach; a refusal is a 400 with the page's message, a step the caller may
    not take the 404 of a missing record."""
    try:
        call()
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied:
        raise _not_found() from None
    return Status(200, _picked(Deed.objects.get(pk=deed_id)))


LINK_RESPONSES = {200: PickedOut, 400: ErrorOut, 404: ErrorOut}


@router.get("/pickable", response=list[DeedOut])
@paginate(LimitOffsetPagination)
def pickable_deeds(request: HttpRequest, commitment: int | None = None, holding: int | None = None):
    """可挑选的实事：党员本人参加、在承诺年度内（commitment=）或在岗期间（holding=）、尚未记入的
    记录——挑选即可，不必重新录入。"""
    from dangjian.commitments import services_evidence, services_posts

    if (commitment is None) == (holding is None):
        raise HttpError(400, _("请指定一条承诺（commitment）或一个岗位（holding）。"))
    if commitment is not None:
        return services_evidence.pickable(
            _commitment(request, commitment, acting=False), user=request.auth
        )
    return services_posts.duty_pickable(_holding(request, holding, acting=False), user=request.auth)


@router.post("/{deed_id}/commitments/{commitment_id}", response=LINK_RESPONSES)
def pick_for_commitment(request: HttpRequest, deed_id: int, commitment_id: int):
    """把已登记的实事记为这条承诺的践诺情况（挑选，不重新录入）。"""
    from dangjian.commitments import services_evidence

    deed = _visible_deed(request, deed_id)
    c = _commitment(request, commitment_id)
    return _link(
        lambda: services_evidence.evidence_pick(c, acting_user=request.auth, deed_ids=[deed.pk]),
        deed.pk,
    )


@router.delete("/{deed_id}/commitments/{commitment_id}", response=LINK_RESPONSES)
def unpick_for_commitment(request: HttpRequest, deed_id: int, commitment_id: int):
    """不再把这件实事记入这条承诺（实事本身保留）。"""
    from dangjian.commitments import services_evidence

    deed = _visible_deed(request, deed_id)
    c = _commitment(request, commitment_id)
    return _link(
        lambda: services_evidence.evidence_detach(c, acting_user=request.auth, deed=deed),
        deed.pk,
    )


@router.post("/{deed_id}/posts/{holding_id}", response=LINK_RESPONSES)
def pick_for_post(request: HttpRequest, deed_id: int, holding_id: int):
    """把已登记的实事记为这个岗位的履职情况（挑选，不重新录入）。"""
    from dangjian.commitments import services_posts

    deed = _visible_deed(request, deed_id)
    h = _holding(request, holding_id)
    return _link(
        lambda: services_posts.duty_pick(h, acting_user=request.auth, deed_ids=[deed.pk]),
        deed.pk,
    )


@router.delete("/{deed_id}/posts/{holding_id}", response=LINK_RESPONSES)
def unpick_for_post(request: HttpRequest, deed_id: int, holding_id: int):
    """不再把这件实事记入这个岗位（实事本身保留）。"""
    from dangjian.commitments import services_posts

    deed = _visible_deed(request, deed_id)
    h = _holding(request, holding_id)
    return _link(
        lambda: services_posts.duty_detach(h, acting_user=request.auth, deed=deed),
        deed.pk,
    )
