"""API: residents' ratings of a community's published activities and services (党务居务公开) —
the list the user may see (newest first, voided ones marked), and voiding (作废) for those who
may change the community. No phone or address hashes are ever given out."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.access import CHANGE, VIEW, get_visible_or_404
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from . import services_rating
from .models import ItemRating

router = Router(tags=["居民评价"])


class ItemRatingOut(Schema):
    id: int
    item_id: int
    item: str
    community_id: int
    score: int
    comment: str
    at: dt.datetime
    voided: bool
    voided_at: dt.datetime | None
    void_reason: str

    @staticmethod
    def resolve_item(obj) -> str:  # noqa: ANN001
        return obj.item.title

    @staticmethod
    def resolve_community_id(obj) -> int:  # noqa: ANN001
        return obj.item.community_id

    @staticmethod
    def resolve_voided(obj) -> bool:  # noqa: ANN001
        return obj.voided_at is not None


class VoidIn(Schema):
    ids: list[int]
    reason: str


def _community(request: HttpRequest, org: int, action: str = VIEW) -> Organisation:
    try:
        return get_visible_or_404(
            Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS), is_active=True),
            request.auth,
            action,
            pk=org,
        )
    except Http404:
        raise HttpError(404, _("未找到该社区，或您无权查看。")) from None


@router.get("/", response=list[ItemRatingOut])
@paginate(LimitOffsetPagination)
def list_ratings(request: HttpRequest, org: int | None = None, item: int | None = None):
    """居民对公开活动和服务的评价（最新的在前；含已作废的，voided 为 true，不计入满意度）。
    org：社区党组织；item：某一项公开活动。"""
    qs = ItemRating.objects.visible_to(request.auth).select_related("item").order_by("-at", "-pk")
    if org is not None:
        qs = qs.filter(item__community=_community(request, org))
    if item is not None:
        qs = qs.filter(item_id=item)
    return qs


@router.post("/{org_id}/void", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def void_ratings(request: HttpRequest, org_id: int, payload: VoidIn):
    """作废本社区公开活动的居民评价（须写明原因）：保留记录，不再计入满意度。"""
    community = _community(request, org_id, CHANGE)
    try:
        rows = services_rating.ratings_void(
            community=community, ids=payload.ids, reason=payload.reason, acting_user=request.auth
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return {"voided": [r.pk for r in rows]}
