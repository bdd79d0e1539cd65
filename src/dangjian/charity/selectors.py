"""Reads of the charity shop: the items a user may see, the in/out ledger (filtered by period,
item, direction) and the donations of resident units per year — each a fixed number of queries
for any number of rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from dangjian.core.access import subtree_q
from dangjian.orgs.models import Organisation

from .models import Direction, Item, Movement


def items_visible(
    *, user: Any, community: Organisation | None = None, active_only: bool = False
) -> QuerySet[Item]:
    qs = Item.objects.visible_to(user)
    if community is not None:
        qs = qs.filter(subtree_q("community__path", community.path))
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.select_related("community").order_by("community__path", "name")


def movements_visible(
    *,
    user: Any,
    community: Organisation | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    item: Any = None,
    direction: str = "",
) -> QuerySet[Movement]:
    qs = Movement.objects.visible_to(user)
    if community is not None:
        qs = qs.filter(subtree_q("item__community__path", community.path))
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if item is not None:
        qs = qs.filter(item=item)
    if direction in Direction.values:
        qs = qs.filter(direction=direction)
    return qs.select_related(
        "item__community",
        "donor_unit",
        "donor_member",
        "household",
        "handed_by_member",
        "recorded_by",
        "voids",
        "voided_by",
    ).order_by("-date", "-pk")


@dataclass(frozen=True)
class Donations:
    times: int = 0
    quantity: int = 0
    value: Decimal = Decimal(0)


def unit_donations(units: Iterable[Any], year: int) -> dict[int, Donations]:
    """Each resident unit's donations to charity shops in a year (how many times, how many
    pieces, their value), voided ones left out — one query for any number of units."""
    ids = [getattr(u, "pk", u) for u in units]
    rows = (
        Movement.objects.filter(
            direction=Direction.IN,
            donor_unit_id__in=ids,
            date__year=year,
            voided_by__isnull=True,
        )
        .values("donor_unit_id")
        .annotate(n=Count("pk"), q=Sum("quantity"), v=Sum("value"))
    )
    return {r["donor_unit_id"]: Donations(r["n"], r["q"] or 0, r["v"] or Decimal(0)) for r in rows}
