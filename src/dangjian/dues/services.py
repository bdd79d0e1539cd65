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
from dangjian.core.services import user_or_none
from dangjian.members.models import Member, State
from dangjian.orgs.models import Organisation

from . import rates
from .models import ArrearsReason, DuesBase, Kind, PaidMonth, Payment
from .months import add_months, month_of


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
        try:
            amount = Decimal(str(base).strip())
        except (InvalidOperation, ValueError):
            amount = Decimal(-1)
        if amount < 0:
            raise ValidationError({"base": _("请填写月工资（税后）或养老金金额（元）。")})
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
    try:
        paid = due if amount_paid in (None, "") else Decimal(str(amount_paid)).quantize(rates.FEN)
    except InvalidOperation:
        raise ValidationError({"amount_paid": _("请填写金额（元）。")}) from None
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
