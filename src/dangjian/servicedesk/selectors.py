"""Reads of service requests: the list a user may see (overdue first, then the open ones by
deadline, then the finished ones, latest first), the categories to filter by, the
overdue count for the home page's 待办, and the monthly figures — each a fixed number of queries
for any number of requests."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from dangjian.core.access import subtree_q
from dangjian.orgs.models import Organisation

from . import categories as cats
from .models import OPEN_STATES, Channel, Request, category_label


def requests_visible(
    *,
    user: Any,
    community: Organisation | None = None,
    state: str = "",
    category: str = "",
    channel: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date,
) -> QuerySet[Request]:
    qs = Request.objects.visible_to(user)
    if community is not None:
        qs = qs.filter(subtree_q("community__path", community.path))
    if state == "overdue":
        qs = qs.filter(overdue_q(today))
    elif state:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category=category)
    if channel:
        qs = qs.filter(channel=channel)
    if start is not None:
        qs = qs.filter(received_on__gte=start)
    if end is not None:
        qs = qs.filter(received_on__lte=end)
    return (
        qs.select_related(
            "community", "household", "assigned_user", "assigned_member", "assigned_unit"
        )
        .annotate(
            is_overdue=Case(
                When(overdue_q(today), then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            # 0 overdue, 1 still open, 2 done / called back / rated / transferred
            rank=Case(
                When(overdue_q(today), then=Value(0)),
                When(state__in=OPEN_STATES, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            open_deadline=Case(
                When(state__in=OPEN_STATES, then=F("deadline")), output_field=DateField()
            ),
            finished_on=Case(
                When(~Q(state__in=OPEN_STATES), then=Coalesce("done_on", "received_on")),
                output_field=DateField(),
            ),
        )
        .order_by("rank", "open_deadline", "-finished_on", "-pk")
    )


def filter_categories(*, user: Any, community: Organisation | None) -> list[tuple[str, str]]:
    """The categories to filter a list by: those the community offers, then any others its
    requests still carry (a category taken away keeps its old requests) — one query."""
    keys = list(cats.offered(community))
    used = Request.objects.visible_to(user)
    if community is not None:
        used = used.filter(subtree_q("community__path", community.path))
    for key in used.order_by("category").values_list("category", flat=True).distinct():
        if key not in keys:
            keys.append(key)
    return [(k, category_label(k)) for k in keys]


def overdue_q(today: dt.date) -> Q:
    return Q(state__in=OPEN_STATES, deadline__lt=today)


def overdue_count(*, user: Any, community: Organisation, today: dt.date) -> int:
    """Open requests past their deadline in the community — one query."""
    return overdue_requests(user=user, community=community, today=today).count()


def overdue_requests(*, user: Any, community: Organisation, today: dt.date) -> QuerySet[Request]:
    """Open requests past their deadline in the community (to count)."""
    return (
        Request.objects.visible_to(user)
        .filter(subtree_q("community__path", community.path))
        .filter(overdue_q(today))
    )


@dataclass
class Month:
    month: int
    received: int = 0
    closed: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    median_days: float | None = None
    satisfaction: float | None = None


def monthly_figures(*, user: Any, community: Organisation, year: int) -> list[Month]:
    """Per month of receipt: how many by channel and category, how many done, the median days
    from receipt to 办结 and the average satisfaction — three queries."""
    base = Request.objects.visible_to(user).filter(
        subtree_q("community__path", community.path), received_on__year=year
    )
    months = {m: Month(month=m) for m in range(1, 13)}
    for m, ch, cat, n in (
        base.values_list("received_on__month", "channel", "category")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        mo = months[m]
        mo.received += n
        mo.by_channel[ch] = mo.by_channel.get(ch, 0) + n
        mo.by_category[cat] = mo.by_category.get(cat, 0) + n
    days: dict[int, list[int]] = defaultdict(list)
    for m, rec, done in base.filter(done_on__isnull=False).values_list(
        "received_on__month", "received_on", "done_on"
    ):
        days[m].append((done - rec).days)
    for m, ds in days.items():
        months[m].closed = len(ds)
        months[m].median_days = float(statistics.median(ds))
    for m, avg in (
        base.filter(satisfaction__isnull=False)
        .values_list("received_on__month")
        .annotate(a=Avg("satisfaction"))
        .order_by()
    ):
        months[m].satisfaction = round(float(avg), 2)
    return [months[m] for m in range(1, 13)]


def totals(months: list[Month], *, categories: Sequence[str] = ()) -> dict[str, Any]:
    """Year totals; ``categories`` (the community's, in order) are listed even when zero, and
    any other category received that year follows."""
    ch: Counter[str] = Counter()
    cat: Counter[str] = Counter()
    for m in months:
        ch.update(m.by_channel)
        cat.update(m.by_category)
    keys = list(categories) + sorted(k for k in cat if k not in categories)
    return {
        "received": sum(m.received for m in months),
        "closed": sum(m.closed for m in months),
        "channels": [(c.label, ch.get(c.value, 0)) for c in Channel],
        "categories": [(category_label(k), cat.get(k, 0)) for k in keys],
    }
