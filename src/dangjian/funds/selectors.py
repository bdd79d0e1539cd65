"""Reads of the funds books. The balance is derived, never stored: for a period,
opening = ledger opening balance + everything before the period, closing = opening + income −
spending of the period — one aggregate query, so the identity holds by construction. Lists
annotate each row's running balance with a window function (one query for any page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When, Window
from django.db.models.functions import Coalesce

from dangjian.core import rules
from dangjian.core.access import subtree_q
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, OrgKind

from .models import Asset, Direction, Entry, Ledger, Purpose

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=14, decimal_places=2)


def money(v: Any) -> Decimal:
    """A sum as yuan with two places (SQLite hands sums back without them)."""
    return Decimal(str(v or 0)).quantize(Decimal("0.01"))


def _signed() -> Case:
    """+amount for income, −amount for spending, 0 for a voided entry."""
    return Case(
        When(voided_at__isnull=False, then=Value(ZERO)),
        When(direction=Direction.IN, then=F("amount")),
        default=-F("amount"),
        output_field=_MONEY,
    )


def _sum(q: Q | None = None, expr: Any = None) -> Coalesce:
    return Coalesce(
        Sum(expr if expr is not None else _signed(), filter=q), Value(ZERO), output_field=_MONEY
    )


@dataclass(frozen=True)
class Period:
    """One ledger over one period: opening + income − spending = closing."""

    start: dt.date
    end: dt.date
    opening: Decimal
    income: Decimal
    spending: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.income - self.spending


def period(*, ledger: Ledger | None, start: dt.date, end: dt.date) -> Period:
    """Opening and closing balance, income and spending of ``ledger`` from ``start`` to ``end``
    (inclusive), voided entries left out — one query."""
    if ledger is None:
        return Period(start, end, ZERO, ZERO, ZERO)
    live = Q(voided_at__isnull=True)
    within = live & Q(date__gte=start, date__lte=end)
    agg = Entry.objects.filter(ledger=ledger, date__lte=end).aggregate(
        before=_sum(Q(date__lt=start)),
        income=_sum(within & Q(direction=Direction.IN), F("amount")),
        spending=_sum(within & Q(direction=Direction.OUT), F("amount")),
    )
    return Period(
        start,
        end,
        money(ledger.opening_balance + agg["before"]),
        money(agg["income"]),
        money(agg["spending"]),
    )


def balance(*, ledger: Ledger | None, on: dt.date | None = None) -> Decimal:
    """The balance at the end of ``on`` (default: everything recorded)."""
    if ledger is None:
        return ZERO
    qs = Entry.objects.filter(ledger=ledger)
    if on is not None:
        qs = qs.filter(date__lte=on)
    return money(ledger.opening_balance + qs.aggregate(s=_sum())["s"])


def lowest_balance_from(
    *, ledger: Ledger, date: dt.date, opening: Decimal | None = None
) -> Decimal:
    """The lowest end-of-day balance from ``date`` on — what a spending dated ``date`` may take
    without the ledger going below zero on that day or any later one (two queries)."""
    base = ledger.opening_balance if opening is None else opening
    base += Entry.objects.filter(ledger=ledger, date__lt=date).aggregate(s=_sum())["s"]
    days = (
        Entry.objects.filter(ledger=ledger, date__gte=date)
        .values("date")
        .annotate(s=_sum())
        .order_by("date")
    )
    running, lows = base, []
    for i, d in enumerate(days):
        if i == 0 and d["date"] != date:
            lows.append(base)
        running += d["s"]
        lows.append(running)
    return min(lows) if lows else base


def ledger_of(org: Organisation) -> Ledger | None:
    return Ledger.objects.filter(org=org).first()


def entries(
    *,
    user: Any,
    org: Organisation,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Entry]:
    """The entries of ``org``'s own ledger the user may see, in date order, each annotated with
    ``running`` — the sum of the period's live entries up to it (add the period's opening)."""
    qs = Entry.objects.visible_to(user).filter(ledger__org=org)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    return (
        qs.select_related("category", "ledger__org", "recorded_by", "meeting", "deed")
        .select_related("activity__deed")
        .annotate(
            running=Window(expression=Sum(_signed()), order_by=[F("date").asc(), F("pk").asc()])
        )
        .order_by("date", "pk")
    )


def spending_for(obj: Any, *, user: Any = None) -> QuerySet[Entry]:
    """The live entries that paid for ``obj`` — a ``meetings.Meeting``, a ``cobuild.Activity`` or
    a ``deeds.Deed`` — for showing on its page (pass ``user`` to keep to what they may see).
    ``.aggregate(total=Sum("amount"))`` gives the total."""
    from dangjian.cobuild.models import Activity
    from dangjian.deeds.models import Deed
    from dangjian.meetings.models import Meeting

    by_model = {Meeting: "meeting", Activity: "activity", Deed: "deed"}
    name = next((n for m, n in by_model.items() if isinstance(obj, m)), None)
    if name is None:
        raise TypeError(f"spending_for: not a meeting, activity or deed: {obj!r}")
    qs = Entry.objects.all() if user is None else Entry.objects.visible_to(user)
    if name == "deed":
        # a deed and its co-building activity are one fact: money for either shows on both
        q = Q(deed=obj) | Q(activity__deed=obj)
    elif name == "activity":
        q = Q(activity=obj) | Q(deed_id=obj.deed_id)
    else:
        q = Q(**{name: obj})
    return qs.live().filter(q).select_related("category", "ledger__org").order_by("date", "pk")


# ---- funds against the rules ---------------------------------------------------------------
@dataclass
class FundRow:
    org: Organisation
    county_seat: bool
    rule_id: str
    required: Decimal
    received: Decimal
    rule_title: str
    rule_source: str

    @property
    def shortfall(self) -> Decimal:
        return max(self.required - self.received, ZERO)

    @property
    def type_label(self) -> str:
        if self.rule_id == "funds.street_special":
            return "街道（镇）"
        return "县城所在地社区" if self.county_seat else "建制镇社区"


@dataclass
class TownGroup:
    town: Organisation | None
    rows: list[FundRow] = field(default_factory=list)
    special: FundRow | None = None

    @property
    def required(self) -> Decimal:
        return sum((r.required for r in self.rows), ZERO)

    @property
    def received(self) -> Decimal:
        return sum((r.received for r in self.rows), ZERO)

    @property
    def shortfall(self) -> Decimal:
        return sum((r.shortfall for r in self.rows), ZERO)

    @property
    def short_count(self) -> int:
        return sum(1 for r in self.rows if r.shortfall > 0)


@dataclass
class FundReport:
    year: int
    groups: list[TownGroup]

    @property
    def rows(self) -> list[FundRow]:
        return [r for g in self.groups for r in g.rows]

    @property
    def specials(self) -> list[FundRow]:
        return [g.special for g in self.groups if g.special is not None]

    @property
    def shortfall(self) -> Decimal:
        return sum((r.shortfall for r in self.rows), ZERO)

    @property
    def special_shortfall(self) -> Decimal:
        return sum((r.shortfall for r in self.specials), ZERO)

    @property
    def short_count(self) -> int:
        return sum(1 for r in self.rows if r.shortfall > 0)


def fund_vs_rule(*, user: Any, org: Organisation, year: int) -> FundReport:
    """Each community's office-and-activity funds received in ``year`` (income from above marked
    办公和活动经费) against ``funds.office_activity`` for its type (county-seat town or other town),
    and each street's special fund against ``funds.street_special``; grouped by street/town.
    A fixed number of queries for any number of communities."""
    subtree = subtree_q("path", org.path)
    orgs = list(
        Organisation.objects.visible_to(user)
        .filter(subtree, is_active=True)
        .filter(kind__in=[*COMMUNITY_KINDS, OrgKind.STREET, OrgKind.TOWN])
        .order_by("path")
    )
    anc_ids = {i for o in orgs for i in o.ancestor_ids()}
    above = {
        pk: (code, seat)
        for pk, code, seat in Organisation.objects.filter(pk__in=anc_ids).values_list(
            "pk", "code", "is_county_seat"
        )
    }
    received = {
        (r["ledger__org_id"], r["purpose"]): r["s"]
        for r in Entry.objects.live()
        .filter(
            direction=Direction.IN,
            date__year=year,
            purpose__in=[Purpose.OFFICE_ACTIVITY, Purpose.STREET_SPECIAL],
            ledger__org__in=[o.pk for o in orgs],
        )
        .values("ledger__org_id", "purpose")
        .annotate(s=Sum("amount"))
    }
    office, special = rules.get("funds.office_activity"), rules.get("funds.street_special")
    groups: dict[int | None, TownGroup] = {}
    towns = {o.pk for o in orgs if o.kind in (OrgKind.STREET, OrgKind.TOWN)}
    for o in orgs:
        ids = o.ancestor_ids()
        codes = tuple(above[i][0] for i in ids if i in above)
        if o.kind in (OrgKind.STREET, OrgKind.TOWN):
            need = rules.effective(special.id, org_codes=codes)["min_yuan"]
            g = groups.setdefault(o.pk, TownGroup(town=o))
            g.town = o
            g.special = FundRow(
                o,
                False,
                special.id,
                Decimal(need),
                money(received.get((o.pk, Purpose.STREET_SPECIAL))),
                special.title,
                special.source,
            )
            continue
        seat = any(above.get(i, ("", False))[1] for i in ids)
        key = "county_seat_yuan" if seat else "other_town_yuan"
        need = rules.effective(office.id, org_codes=codes)[key]
        town_id = next((i for i in reversed(ids[:-1]) if i in towns), None)
        g = groups.setdefault(town_id, TownGroup(town=None))
        g.rows.append(
            FundRow(
                o,
                seat,
                office.id,
                Decimal(need),
                money(received.get((o.pk, Purpose.OFFICE_ACTIVITY))),
                office.title,
                office.source,
            )
        )
    ordered = sorted(groups.values(), key=lambda g: g.town.path if g.town else "")
    return FundReport(year=year, groups=ordered)


# ---- fixed assets ---------------------------------------------------------------------------
def assets(
    *, user: Any, org: Organisation, held_on: dt.date | None = None, include_disposed: bool = True
) -> QuerySet[Asset]:
    """The assets of ``org`` and below the user may see; ``held_on``: only those on the books
    that day (acquired by then, not yet disposed of) — the count sheet."""
    qs = Asset.objects.visible_to(user).filter(subtree_q("org__path", org.path))
    if held_on is not None:
        qs = qs.filter(acquired_on__lte=held_on).filter(
            Q(disposed_on__isnull=True) | Q(disposed_on__gt=held_on)
        )
    elif not include_disposed:
        qs = qs.filter(disposed_on__isnull=True)
    return qs.select_related("org").order_by("org__path", "acquired_on", "pk")


def assets_total(qs: QuerySet[Asset]) -> Decimal:
    return money(qs.aggregate(t=Coalesce(Sum("value"), Value(ZERO), output_field=_MONEY))["t"])
