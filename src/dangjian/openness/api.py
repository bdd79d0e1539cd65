"""API: 党务居务公开 — the items a community published on its public board (scoped), one item,
publishing one and withdrawing it. The same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.access import CHANGE, VIEW, get_visible_or_404, subtree_q
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.deeds.models import Deed
from dangjian.meetings.models import Meeting
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from . import services
from .models import PublicItem

router = Router(tags=["党务居务公开"])


class ItemOut(Schema):
    id: int
    community_id: int
    kind: str
    deed_id: int | None
    meeting_id: int | None
    date: dt.date | None
    title: str
    summary: str
    rating_open: bool
    withdrawn: bool
    withdraw_reason: str
    photo_ids: list[int]
    version: int

    @staticmethod
    def resolve_date(obj) -> dt.date | None:  # noqa: ANN001
        src = obj.deed or obj.meeting
        return src.date if src is not None else None

    @staticmethod
    def resolve_withdrawn(obj) -> bool:  # noqa: ANN001
        return obj.withdrawn_at is not None

    @staticmethod
    def resolve_photo_ids(obj) -> list[int]:  # noqa: ANN001
        return [p.cobuild_photo_id or p.meeting_file_id for p in obj.photos.all()]


class PublishIn(Schema):
    org: int
    deed_id: int | None = None
    meeting_id: int | None = None
    title: str
    summary: str = ""
    photo_ids: list[int] = []
    rating_open: bool = True


class WithdrawIn(Schema):
    reason: str
    version: int | None = None


def _not_found() -> HttpError:
    return HttpError(404, _("未找到该记录，或您无权查看。"))


def _community(request: HttpRequest, org: int, action: str = VIEW) -> Organisation:
    try:
        return get_visible_or_404(
            Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS), is_active=True),
            request.auth,
            action,
            pk=org,
        )
    except Http404:
        raise _not_found() from None


def _item(request: HttpRequest, pk: int, action: str = VIEW) -> PublicItem:
    try:
        return get_visible_or_404(
            PublicItem.objects.select_related("community", "deed", "meeting").prefetch_related(
                "photos"
            ),
            request.auth,
            action,
            pk=pk,
        )
    except Http404:
        raise _not_found() from None


@router.get("/items", response=list[ItemOut])
@paginate(LimitOffsetPagination)
def list_items(request: HttpRequest, org: int | None = None):
    """公开栏上发布过的活动和服务（含已撤下的），按社区筛选。"""
    qs = PublicItem.objects.visible_to(request.auth)
    if org:
        qs = qs.filter(community=_community(request, org))
    return qs.select_related("deed", "meeting").prefetch_related("photos").order_by("-pk")


@router.get("/items/{pk}", response=ItemOut)
def get_item(request: HttpRequest, pk: int):
    """一条公开内容。"""
    return _item(request, pk)


@router.post("/items", response={201: ItemOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def publish_item(request: HttpRequest, payload: PublishIn):
    """把本社区的一条活动、服务记录（deed_id）或组织生活（meeting_id）发布到公开栏。"""
    community = _community(request, payload.org, CHANGE)
    deed = meeting = None
    if payload.deed_id:
        deed = Deed.objects.filter(pk=payload.deed_id, community=community).first()
        if deed is None:
            return Status(400, {"detail": _("这条记录不属于本社区。")})
    if payload.meeting_id:
        meeting = Meeting.objects.filter(
            subtree_q("org__path", community.path), pk=payload.meeting_id
        ).first()
        if meeting is None:
            return Status(400, {"detail": _("这次组织生活不属于本社区。")})
    try:
        item = services.item_publish(
            acting_user=request.auth,
            community=community,
            deed=deed,
            meeting=meeting,
            title=payload.title,
            summary=payload.summary,
            photos=payload.photo_ids,
            rating_open=payload.rating_open,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, _item(request, item.pk))


@router.post(
    "/items/{pk}/withdraw", response={200: ItemOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def withdraw_item(request: HttpRequest, pk: int, payload: WithdrawIn):
    """从公开栏撤下（须写明原因）。"""
    item = _item(request, pk, CHANGE)
    try:
        services.item_withdraw(
            item,
            acting_user=request.auth,
            reason=payload.reason,
            expected_version=payload.version,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return _item(request, pk)
