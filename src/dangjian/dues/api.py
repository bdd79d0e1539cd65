"""API: 党费 — payments of an organisation, recording a payment, a member's dues summary."""

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

from dangjian.core.access import CHANGE, get_visible_or_404
from dangjian.core.api_errors import ErrorOut, service_errors
from dangjian.core.services import ConflictError
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation

from . import selectors, services
from .models import Payment

router = Router(tags=["党费"])


class PaymentOut(Schema):
    id: int
    member_id: int
    receipt_no: str
    first_month: dt.date
    months: int
    amount_due: Decimal
    amount_paid: Decimal
    paid_on: dt.date
    voided_at: dt.datetime | None = None
    void_reason: str = ""
    version: int


class PaymentIn(Schema):
    member_id: int
    first_month: dt.date
    months: int = 1
    amount_paid: Decimal | None = None
    note: str = ""


class VoidIn(Schema):
    reason: str
    version: int | None = None


class SummaryOut(Schema):
    member_id: int
    unpaid_in_a_row: int
    year: int
    due: list[Decimal | None]
    paid: list[bool]


@router.get("/payments", response=list[PaymentOut])
@paginate(LimitOffsetPagination)
def list_payments(request: HttpRequest, org: int):
    """一个党组织（含下级）的党费交纳记录，新的在前。"""
    try:
        o = get_visible_or_404(Organisation.objects.all(), request.auth, pk=org)
    except Http404:
        raise HttpError(404, _("未找到该党组织，或您无权查看。")) from None
    return selectors.payments_visible(user=request.auth, org=o)


@router.post("/payments", response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def record_payment(request: HttpRequest, payload: PaymentIn):
    """登记党费交纳（可一次交多个月；金额按基数和规定比例计算，可多交不可少交）。"""
    try:
        member = get_visible_or_404(
            Member.objects.select_related("org"), request.auth, CHANGE, pk=payload.member_id
        )
    except Http404:
        raise HttpError(404, _("未找到该党员，或您无权登记。")) from None
    try:
        r = services.payment_record(
            acting_user=request.auth,
            member=member,
            first_month=payload.first_month,
            months=payload.months,
            amount_paid=payload.amount_paid,
            note=payload.note,
        )
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(
        201, {"id": r.payment.pk, "receipt_no": r.payment.receipt_no, "warnings": r.warnings}
    )


@router.post(
    "/payments/{int:payment_id}/void",
    response={200: PaymentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def void_payment(request: HttpRequest, payment_id: int, payload: VoidIn):
    """作废一笔登记错误的党费交纳（须写明原因）：记录保留并标为作废，不再计入任何统计，
    所交月份恢复为未交，收据号不再使用。"""
    try:
        payment = get_visible_or_404(
            Payment.objects.select_related("member__org"), request.auth, CHANGE, pk=payment_id
        )
    except Http404:
        raise HttpError(404, _("未找到该交纳记录，或您无权作废。")) from None
    try:
        return services.payment_void(
            acting_user=request.auth,
            payment=payment,
            reason=payload.reason,
            expected_version=payload.version,
        )
    except ConflictError as exc:
        return Status(409, {"detail": exc.messages[0]})
    except ValidationError as exc:
        return service_errors(exc)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})


@router.get("/members/{int:member_id}", response={200: SummaryOut, 404: ErrorOut})
def member_summary(request: HttpRequest, member_id: int, year: int | None = None):
    """一名党员本年度各月应交、是否已交，及连续未交月数。"""
    try:
        member = get_visible_or_404(
            Member.objects.select_related("org"), request.auth, pk=member_id
        )
    except Http404:
        raise HttpError(404, _("未找到该党员，或您无权查看。")) from None
    year = year or timezone.localdate().year
    row = selectors.ledger(
        user=request.auth, org=member.org, months=selectors.year_months(year), members=[member]
    )[0]
    streak = selectors.unpaid_streaks([member.pk], today=timezone.localdate())[member.pk]
    return {
        "member_id": member.pk,
        "unpaid_in_a_row": streak,
        "year": year,
        "due": row.due,
        "paid": row.paid,
    }
