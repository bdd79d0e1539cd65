"""API: 爱心超市 — the items and their stock, the in/out ledger (paged, by community, period,
item and direction), and recording goods in and out. Same selectors and services as the pages."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.core.access import CHANGE, get_visible_or_404
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.members.models import Member
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place, ResidentUnit

from . import selectors, services
from .models import Item

router = Router(tags=["爱心超市"])


class ItemOut(Schema):
    id: int
    community_id: int
    name: str
    unit: str
    stock: int
    is_active: bool


class MovementOut(Schema):
    id: int
    item_id: int
    item: str
    direction: str
    quantity: int
    date: dt.date
    donor_kind: str
    donor: str
    value: Decimal | None
    household_id: int | None
    household: str
    handed_by_member_id: int | None
    voids_id: int | None
    voided: bool
    note: str

    @staticmethod
    def resolve_item(obj) -> str:  # noqa: ANN001
        return obj.item.name

    @staticmethod
    def resolve_donor(obj) -> str:  # noqa: ANN001
        return obj.donor_label

    @staticmethod
    def resolve_household(obj) -> str:  # noqa: ANN001
        return obj.household.name if obj.household_id else ""

    @staticmethod
    def resolve_voided(obj) -> bool:  # noqa: ANN001
        return getattr(obj, "voided_by", None) is not None


class GoodsInIn(Schema):
    item_id: int
    quantity: int
    date: dt.date
    donor_kind: str
    donor_unit_id: int | None = None
    donor_member_id: int | None = None
    donor_name: str = ""
    value: Decimal | None = None
    note: str = ""


class GoodsOutIn(Schema):
    item_id: int
    quantity: int
    date: dt.date
    household_id: int
    handed_by_member_id: int | None = None
    note: str = ""


def _community(request: HttpRequest, org: int) -> Organisation:
    try:
        return get_visible_or_404(
            Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS)), request.auth, pk=org
        )
    except Http404:
        raise HttpError(404, _("未找到该社区，或您无权查看。")) from None


def _item(request: HttpRequest, pk: int) -> Item:
    try:
        return get_visible_or_404(
            Item.objects.select_related("community"), request.auth, CHANGE, pk=pk
        )
    except Http404:
        raise HttpError(404, _("未找到该物品，或您无权登记。")) from None


@router.get("/items/", response=list[ItemOut])
@paginate(LimitOffsetPagination)
def list_items(request: HttpRequest, org: int | None = None):
    """可见的爱心超市物品及库存（按社区筛选）。"""
    community = _community(request, org) if org else None
    return selectors.items_visible(user=request.auth, community=community)


@router.get("/movements/", response=list[MovementOut])
@paginate(LimitOffsetPagination)
def list_movements(
    request: HttpRequest,
    org: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    item: int | None = None,
    direction: str = "",
):
    """出入库台帐（按社区、起止日期、物品、出入库筛选）。"""
    community = _community(request, org) if org else None
    qs = selectors.movements_visible(
        user=request.auth, community=community, start=start, end=end, direction=direction
    )
    return qs.filter(item_id=item) if item else qs


def _record(call, **kw) -> Status:  # noqa: ANN001
    try:
        m = call(**kw)
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    stock = Item.objects.values_list("stock", flat=True).get(pk=m.item_id)
    return Status(201, {"id": m.pk, "stock": stock})


@router.post("/movements/in/", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def record_in(request: HttpRequest, payload: GoodsInIn):
    """捐赠入库（donor_kind：unit 驻区单位 / member 党员 / resident 居民）。"""
    item = _item(request, payload.item_id)
    unit = (
        ResidentUnit.objects.filter(pk=payload.donor_unit_id).first()
        if payload.donor_unit_id
        else None
    )
    member = (
        Member.objects.filter(pk=payload.donor_member_id).first()
        if payload.donor_member_id
        else None
    )
    return _record(
        services.goods_in,
        acting_user=request.auth,
        item=item,
        quantity=payload.quantity,
        date=payload.date,
        donor_kind=payload.donor_kind,
        donor_unit=unit,
        donor_member=member,
        donor_name=payload.donor_name,
        value=payload.value,
        note=payload.note,
    )


@router.post("/movements/out/", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def record_out(request: HttpRequest, payload: GoodsOutIn):
    """发放给本社区的住户；库存不足时不保存（400：库存不足：现有 X 件）。"""
    item = _item(request, payload.item_id)
    household = Place.objects.filter(pk=payload.household_id).first()
    member = None
    if payload.handed_by_member_id:
        member = Member.objects.filter(pk=payload.handed_by_member_id).first()
        if member is None:
            return Status(400, {"detail": _("未找到发放的党员。")})
    return _record(
        services.goods_out,
        acting_user=request.auth,
        item=item,
        quantity=payload.quantity,
        date=payload.date,
        household=household,
        handed_by_member=member,
        note=payload.note,
    )
