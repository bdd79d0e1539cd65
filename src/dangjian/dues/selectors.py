"""Reads of 党费: what each member owes and has paid, months unpaid without a reason (for the
art. 9 list), and the monthly and yearly ledgers of an organisation — a fixed number of queries
whatever the number of members."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DateField, F, IntegerField, Min, QuerySet, Sum, Value
from django.db.models.functions import Cast

from dangjian.core.access import subtree_q
from dangjian.members.models import Member, State
from dangjian.orgs.models import Organisation

from . import rates
from .models import ArrearsReason, DuesBase, PaidMonth, Payment
from .months import add_months, month_of, months_between
from .services import base_on, numbers_for


def members_of(*, user: Any, org: Organisation) -> QuerySet[Member]:
    return (
        Member.objects.visible_to(user)
        .filter(subtree_q("org__path", org.path), state=State.ACTIVE)
        .select_related("org")
        .order_by("org__path", "name", "pk")
    )


#: The parts of ``unpaid_streaks``'s one statement.
_BASE, _PAID, _EXCUSED, _JOINED = range(4)


def unpaid_streaks(
    member_ids: Iterable[int], *, today: dt.date, window: int = 24
) -> dict[int, int]:
    """For each member: how many months in a row, up to last month, are unpaid with no reason
    recorded — counting only months after admission and after a dues base was first set. One
    statement for any number of members: the first base, the months paid, the reasons and the
    day of admission, each part tagged, as one ``UNION ALL``."""
    ids = list(member_ids)
    if not ids:
        return {}
    last = add_months(month_of(today), -1)
    start = add_months(last, -(window - 1))
    no_date = Cast(Value(None), output_field=DateField())  # typed: PostgreSQL unites dates

    def tagged(qs: QuerySet, tag: int, month: Any, until: Any = no_date) -> QuerySet:
        return qs.annotate(
            _tag=Value(tag, output_field=IntegerField()), _m=month, _until=until
        ).values_list("_tag", "_mid", "_m", "_until")

    base = tagged(
        DuesBase.objects.filter(member_id__in=ids)
        .order_by()
        .values(_mid=F("member_id"))
        .annotate(_first=Min("from_month")),
        _BASE,
        F("_first"),
    )
    paid_q = tagged(
        PaidMonth.objects.filter(member_id__in=ids, month__gte=start, month__lte=last)
        .order_by()
        .annotate(_mid=F("member_id")),
        _PAID,
        F("month"),
    )
    excused_q = tagged(
        ArrearsReason.objects.filter(member_id__in=ids, to_month__gte=start)
        .order_by()
        .annotate(_mid=F("member_id")),
        _EXCUSED,
        F("from_month"),
        F("to_month"),
    )
    joined_q = tagged(
        Member.objects.filter(pk__in=ids).order_by().annotate(_mid=F("pk")),
        _JOINED,
        F("joined_on"),
    )
    first_base: dict[int, dt.date] = {}
    paid: dict[int, set[dt.date]] = defaultdict(set)
    excused: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    joined: dict[int, dt.date] = {}
    for tag, mid, m, until in base.union(paid_q, excused_q, joined_q, all=True):
        if tag == _BASE:
            first_base[mid] = m
        elif tag == _PAID:
            paid[mid].add(m)
        elif tag == _EXCUSED:
            excused[mid].append((m, until))
        elif m is not None:
            joined[mid] = m
    out = {}
    for mid in ids:
        since = first_base.get(mid)
        if since is None:
            out[mid] = 0
            continue
        since = max(since, month_of(joined.get(mid) or since))
        n, m = 0, last
        while m >= start and m >= since:
            if m in paid[mid] or any(a <= m <= b for a, b in excused[mid]):
                break
            n += 1
            m = add_months(m, -1)
        out[mid] = n
    return out


@dataclass
class LedgerRow:
    member: Member
    kind: str
    base: Decimal | None
    due: list[Decimal | None]  # per month of the ledger
    paid: list[bool]

    @property
    def due_total(self) -> Decimal:
        return sum((d for d in self.due if d is not None), Decimal(0))

    @property
    def unpaid(self) -> int:
        return sum(1 for d, p in zip(self.due, self.paid, strict=True) if d is not None and not p)


def ledger(
    *, user: Any, org: Organisation, months: list[dt.date], members: list[Member] | None = None
) -> list[LedgerRow]:
    """Members × months (every member of ``org``, or the page given): what each owes and whether
    it is paid (4 queries)."""
    members = list(members_of(user=user, org=org)) if members is None else members
    ids = [m.pk for m in members]
    bases = defaultdict(list)
    for b in DuesBase.objects.filter(member_id__in=ids).order_by("-from_month", "-pk"):
        bases[b.member_id].append(b)
    paid = defaultdict(set)
    for mid, m in PaidMonth.objects.filter(member_id__in=ids, month__in=months).values_list(
        "member_id", "month"
    ):
        paid[mid].add(m)
    numbers = numbers_for(org)
    rows = []
    for m in members:
        due, flags = [], []
        for month in months:
            b = base_on(bases[m.pk], month)
            owes = b is not None and month >= month_of(m.joined_on)
            due.append(rates.monthly_dues(b.kind, b.base, numbers) if owes else None)
            flags.append(month in paid[m.pk])
        latest = bases[m.pk][0] if bases[m.pk] else None
        rows.append(
            LedgerRow(m, latest.kind if latest else "", latest.base if latest else None, due, flags)
        )
    return rows


def year_months(year: int) -> list[dt.date]:
    return months_between(dt.date(year, 1, 1), dt.date(year, 12, 1))


def payments_visible(*, user: Any, org: Organisation | None = None) -> QuerySet[Payment]:
    qs = Payment.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("member__org__path", org.path))
    return qs.select_related("member", "org").order_by("-paid_on", "-pk")


def month_summary(*, user: Any, org: Organisation, month: dt.date) -> dict[str, int]:
    """How many members the organisation has, how many have paid ``month`` and how much that
    came to (2 queries)."""
    members = members_of(user=user, org=org)
    paid = PaidMonth.objects.filter(member__in=members, month=month).aggregate(
        n=Count("pk"), amount=Sum("due")
    )
    return {
        "members": members.count(),
        "paid": paid["n"],
        "amount": paid["amount"] or Decimal("0.00"),
    }
