"""API: 收支台帐 and 固定资产 — ledger entries (list, paged; record one), a ledger's balances over
a period, and the assets. Same selectors and services as the pages; everything scoped."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from dangjian.cobuild.models import Activity
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.deeds.models import Deed
from dangjian.meetings.models import Meeting
from dangjian.orgs.models import Organisation

from . import selectors, services
from .models import LEDGER_KINDS, Category

router = Router(tags=["经费"])


class EntryOut(Schema):
    id: int
    org_id: int
    date: dt.date
    direction: str
    category: str
    purpose: str
    amount: Decimal
    summary: str
    party: str
    voucher_no: str
    meeting_id: int | None
    activity_id: int | None
    deed_id: int | None
    voided: bool
    void_reason: str

    @staticmethod
    def resolve_org_id(obj) -> int:  # noqa: ANN001
        return obj.ledger.org_id

    @staticmethod
    def resolve_category(obj) -> str:  # noqa: ANN001
        return obj.category.name

    @staticmethod
    def resolve_voided(obj) -> bool:  # noqa: ANN001
        return obj.voided_at is not None


class EntryIn(Schema):
    org_id: int
    direction: str
    date: dt.date
    category_id: int
    amount: str
    summary: str
    party: str = ""
    voucher_no: str = ""
    purpose: str = ""
    meeting_id: int | None = None
    activity_id: int | None = None
    deed_id: int | None = None


class BalanceOut(Schema):
    org_id: int
    start: dt.date
    end: dt.date
    opening: Decimal
    income: Decimal
    spending: Decimal
    closing: Decimal
    forbid_overdraft: bool


class AssetOut(Schema):
    id: int
    org_id: int
    code: str
    name: str
    spec: str
    quantity: int
    value: Decimal
    acquired_on: dt.date
    venue: str
    custodian: str
    disposed_on: dt.date | None
    disposal_reason: str


def _org(request: HttpRequest, pk: int, action: str = "view") -> Organisation:
    if not scope_for(request.auth).is_staff_role:
        raise HttpError(404, _("未找到该组织，或您无权查看。"))
    try:
        return get_visible_or_404(
            Organisation.objects.filter(kind__in=list(LEDGER_KINDS)), request.auth, action, pk=pk
        )
    except Http404:
        raise HttpError(404, _("未找到该组织，或您无权查看。")) from None


def _first_org(request: HttpRequest) -> Organisation | None:
    if not scope_for(request.auth).is_staff_role:
        return None
    return (
        Organisation.objects.visible_to(request.auth)
        .filter(kind__in=list(LEDGER_KINDS), is_active=True)
        .order_by("path")
        .first()
    )


def _period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    year = timezone.localdate().year
    return start or dt.date(year, 1, 1), end or dt.date(year, 12, 31)


@router.get("/entries/", response=list[EntryOut])
@paginate(LimitOffsetPagination)
def list_entries(
    request: HttpRequest,
    org: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    """一个组织收支台帐中的记录（按日期；含已作废的，voided 为 true，不计入余额）。
    不指定 org 时为您负责的第一个组织。"""
    o = _org(request, org) if org else _first_org(request)
    if o is None:
        return []
    s, e = _period(start, end)
    return selectors.entries(user=request.auth, org=o, start=s, end=e)


@router.get("/balance/", response=BalanceOut)
def balance(
    request: HttpRequest, org: int, start: dt.date | None = None, end: dt.date | None = None
):
    """期初余额、本期收入、本期支出、期末余额（默认今年）。"""
    o = _org(request, org)
    s, e = _period(start, end)
    ledger = selectors.ledger_of(o)
    p = selectors.period(ledger=ledger, start=s, end=e)
    return {
        "org_id": o.pk,
        "start": s,
        "end": e,
        "opening": p.opening,
        "income": p.income,
        "spending": p.spending,
        "closing": p.closing,
        "forbid_overdraft": bool(ledger and ledger.forbid_overdraft),
    }


def _linked(model, pk: int | None):  # noqa: ANN001, ANN202
    return model.objects.filter(pk=pk).first() if pk else None


@router.post("/entries/", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def create_entry(request: HttpRequest, payload: EntryIn):
    """记一笔（direction：in 收入 / out 支出；amount 为正数的文本，如 "1200.50"）。"""
    o = _org(request, payload.org_id, CHANGE)
    links = {
        "meeting": _linked(Meeting, payload.meeting_id),
        "activity": _linked(Activity, payload.activity_id),
        "deed": _linked(Deed, payload.deed_id),
    }
    for name in ("meeting", "activity", "deed"):
        if getattr(payload, f"{name}_id") and links[name] is None:
            return Status(
                400, {"detail": _("未找到关联的记录。"), "errors": {name: [_("未找到。")]}}
            )
    try:
        entry = services.entry_record(
            acting_user=request.auth,
            org=o,
            direction=payload.direction,
            date=payload.date,
            category=Category.objects.filter(pk=payload.category_id).first(),
            amount=payload.amount,
            summary=payload.summary,
            party=payload.party,
            voucher_no=payload.voucher_no,
            purpose=payload.purpose,
            **links,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    ledger = selectors.ledger_of(o)
    return Status(201, {"id": entry.pk, "balance": str(selectors.balance(ledger=ledger))})


@router.get("/assets/", response=list[AssetOut])
@paginate(LimitOffsetPagination)
def list_assets(request: HttpRequest, org: int | None = None, in_hand: bool = False):
    """固定资产（组织及其下级；in_hand=true 只列未处置的）。"""
    o = _org(request, org) if org else _first_org(request)
    if o is None:
        return []
    return selectors.assets(user=request.auth, org=o, include_disposed=not in_hand)
