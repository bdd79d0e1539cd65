"""Writes of 党费: setting a member's dues base, recording a payment of one or several months
(with its receipt), and recording a good reason for months not paid. Atomic and audited; a
refusal says why in Chinese and writes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, rules
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError, user_or_none
from dangjian.members.models import Member, State
from dangjian.orgs.models import Organisation

from . import rates
from .models import ArrearsReason, DuesBase, Kind, PaidMonth, Payment
from .months import add_months, month_of


def parse_amount(raw: Any, *, field: str) -> Decimal:
    """An amount in 元 as typed: a number greater than 0 with at most 2 decimals
    (分); anything else is refused saying exactly what is wrong."""
    text = str(raw).strip().replace(",", "").replace("，", "")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: _("请填写数字金额（元），例如 35.50；您填的是“%(v)s”。") % {"v": text}}
        ) from None
    if not amount.is_finite():
        raise ValidationError({field: _("请填写数字金额（元），例如 35.50。")})
    if amount <= 0:
        raise ValidationError({field: _("金额必须大于 0 元，您填的是 %(v)s") % {"v": text}})
    if amount != amount.quantize(rates.FEN):
        raise ValidationError(
            {field: _("金额最多两位小数（精确到分），您填的是 %(v)s") % {"v": text}}
        )
    if amount >= Decimal("100000000"):  # the column's size (10 digits, 2 of them decimals)
        raise ValidationError({field: _("金额过大，您填的是 %(v)s") % {"v": text}})
    return amount.quantize(rates.FEN)


def _check(member: Member, acting_user: Any) -> None:
    if not scope_for(acting_user).reaches_path(member.org.path, CHANGE):
        raise PermissionDenied(_("只有党员所在党组织可以登记党费。"))


def numbers_for(org: Organisation):  # noqa: ANN201
    def numbers(rule_id: str) -> dict[str, Any]:
        codes = tuple(org.ancestor_codes()) if rules.override_org_codes() else ()
        return rules.effective(rule_id, org_codes=codes)

    return numbers


@transaction.atomic
def base_set(
    *, acting_user: Any, member: Member, kind: str, base: Any, from_month: dt.date
) -> DuesBase:
    member = Member.objects.select_related("org").get(pk=member.pk)
    _check(member, acting_user)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("请选择交纳类别。")})
    amount = None
    if kind != Kind.FLAT:
        if base is None or not str(base).strip():
            raise ValidationError({"base": _("请填写月工资（税后）或养老金金额（元）。")})
        amount = parse_amount(base, field="base")
    row, _created = DuesBase.objects.update_or_create(
        member=member,
        from_month=month_of(from_month),
        defaults={"kind": kind, "base": amount, "set_by": user_or_none(acting_user)},
    )
    audit.record_create(row, acting_user=acting_user)
    return row


def base_on(bases: list[DuesBase], month: dt.date) -> DuesBase | None:
    """The base that applies in ``month`` (``bases`` newest first)."""
    return next((b for b in bases if b.from_month <= month), None)


@dataclass
class Recorded:
    payment: Payment
    warnings: list[str] = field(default_factory=list)


def _next_receipt(org: Organisation, year: int) -> str:
    Organisation.objects.select_for_update().filter(pk=org.pk).first()  # one receipt at a time
    # voided payments keep their numbers, so counting them all never hands a number out twice
    n = Payment.objects.filter(org=org, receipt_no__startswith=f"{year}-").count() + 1
    return f"{year}-{n:04d}"


@transaction.atomic
def payment_record(
    *,
    acting_user: Any,
    member: Member,
    first_month: dt.date,
    months: int,
    paid_on: dt.date | None = None,
    amount_paid: Any = None,
    note: str = "",
    today: dt.date | None = None,
) -> Recorded:
    """Record a payment of ``months`` months from ``first_month``; the amount due comes from the
    member's base for each month. Refused for a month already paid or before admission; a back
    payment of more months than the rule's is recorded with a warning."""
    today = today or timezone.localdate()
    member = Member.objects.select_related("org").get(pk=member.pk)
    _check(member, acting_user)
    if member.state != State.ACTIVE:
        raise ValidationError(_("该党员不在册。"))
    if not 1 <= int(months) <= 24:
        raise ValidationError({"months": _("一次可交 1 到 24 个月。")})
    first = month_of(first_month)
    covered = [add_months(first, i) for i in range(int(months))]
    if covered[0] < month_of(member.joined_on):
        raise ValidationError(
            {
                "first_month": _("党费从被批准入党的当月起交纳（%(d)s）。")
                % {"d": f"{member.joined_on:%Y年%m月}"}
            }
        )
    paid_on = paid_on or today
    if paid_on > today:
        raise ValidationError({"paid_on": _("交纳日期不能晚于今天。")})
    already = list(
        PaidMonth.objects.filter(member=member, month__in=covered).values_list("month", flat=True)
    )
    if already:
        raise ValidationError(
            {
                "first_month": _("%(m)s 的党费已经交过，不能重复登记。")
                % {"m": "、".join(f"{m:%Y年%m月}" for m in sorted(already))}
            }
        )
    bases = list(DuesBase.objects.filter(member=member).order_by("-from_month", "-pk"))
    numbers = numbers_for(member.org)
    dues = []
    for m in covered:
        b = base_on(bases, m)
        if b is None:
            raise ValidationError(
                {
                    "first_month": _("还没有设置 %(m)s 的党费基数，请先设置。")
                    % {"m": f"{m:%Y年%m月}"}
                }
            )
        dues.append(rates.monthly_dues(b.kind, b.base, numbers))
    due = sum(dues, Decimal(0))
    paid = due if amount_paid in (None, "") else parse_amount(amount_paid, field="amount_paid")
    warnings = []
    if paid < due:
        raise ValidationError(
            {"amount_paid": _("实交 %(p)s 元少于应交 %(d)s 元。") % {"p": paid, "d": due}}
        )
    back = rules.value("dues.back_payment", "max_back_months", org=member.org)
    behind = [m for m in covered if add_months(m, back) < month_of(paid_on)]
    if behind:
        warnings.append(
            _(
                "其中 %(n)d 个月是 %(b)d 个月以前的党费（补交一般不超过 %(b)d 个月），请在备注中说明原因。"
            )
            % {"n": len(behind), "b": back}
        )
    payment = Payment.objects.create(
        member=member,
        org=member.org,
        first_month=first,
        months=len(covered),
        amount_due=due,
        amount_paid=paid,
        paid_on=paid_on,
        receipt_no=_next_receipt(member.org, paid_on.year),
        recorded_by=user_or_none(acting_user),
        note=note.strip(),
    )
    try:
        with transaction.atomic():
            PaidMonth.objects.bulk_create(
                [
                    PaidMonth(payment=payment, member=member, month=m, due=d)
                    for m, d in zip(covered, dues, strict=True)
                ]
            )
    except IntegrityError:  # another payment for the same month got in first
        raise ValidationError(_("该月党费刚被他人登记，请刷新后核对。")) from None
    audit.record_create(payment, acting_user=acting_user)
    return Recorded(payment, warnings)


@transaction.atomic
def reason_record(
    *, acting_user: Any, member: Member, from_month: dt.date, to_month: dt.date, reason: str
) -> ArrearsReason:
    member = Member.objects.select_related("org").get(pk=member.pk)
    _check(member, acting_user)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请写明理由（如长期住院、家庭困难经支部同意缓交）。")})
    if to_month < from_month:
        raise ValidationError({"to_month": _("结束月份不能早于开始月份。")})
    row = ArrearsReason.objects.create(
        member=member,
        from_month=month_of(from_month),
        to_month=month_of(to_month),
        reason=reason.strip(),
        recorded_by=user_or_none(acting_user),
    )
    audit.record_create(row, acting_user=acting_user)
    return row


@transaction.atomic
def payment_void(
    *, acting_user: Any, payment: Payment, reason: str, expected_version: int | None = None
) -> Payment:
    """Void a mistaken payment: it stays (with its receipt number, never reused) marked voided,
    counts nowhere, and its months become unpaid again so they can be paid anew."""
    current = (
        Payment.objects.select_for_update().select_related("member__org", "org").get(pk=payment.pk)
    )
    _check(current.member, acting_user)
    if current.voided_at is not None:
        raise ValidationError(_("收据 %(r)s 这笔交纳已经作废。") % {"r": current.receipt_no})
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(
            _(
                "该记录已被他人修改（您打开的是第 %(mine)d 版，现在是第 %(now)d 版）。请刷新页面，核对后再保存。"
            )
            % {"mine": expected_version, "now": current.version},
            code="conflict",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"void_reason": _("请写明作废原因（如：登记错了人、错了月份）。")})
    if len(reason) > 200:
        raise ValidationError(
            {"void_reason": _("作废原因最多 200 字，您写了 %(n)d 字。") % {"n": len(reason)}}
        )
    before = audit.snapshot(current)
    months = sorted(current.paid_months.values_list("month", flat=True))
    current.voided_at = timezone.now()
    current.voided_by = user_or_none(acting_user)
    current.void_reason = reason
    current.version += 1
    current.save(update_fields=["voided_at", "voided_by", "void_reason", "version", "updated_at"])
    PaidMonth.objects.filter(payment=current).delete()
    changes = audit.diff(before, audit.snapshot(current))
    changes["paid_months"] = {"before": [f"{m:%Y-%m}" for m in months], "after": []}
    audit.record(
        action=AuditEntry.Action.UPDATE,
        obj=current,
        acting_user=acting_user,
        changes=changes,
        field="void",
    )
    return current
