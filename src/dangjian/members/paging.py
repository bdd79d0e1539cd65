"""Paging a search with one query instead of two.

A search cannot use an index to count (``LIKE '%zhang%'``), so counting the matches and then
fetching a page of them reads every candidate twice. ``COUNT(*) OVER ()`` delivers the total
with the page rows, in the same pass the sort needs anyway. Lists without a search keep
Django's paginator: their count is an index scan and their page stops after 50 rows, which a
window count would prevent.

A common syllable over a county ("li", "wang": tens of thousands of members, which the FTS table
does not serve, ``members.selectors``) is the exception: the page read in the order shown stops
after its 50 rows, where a window count must read and sort every match (200,000 members: "li"
10 ms against 800 ms). Such a search is marked ``BROAD`` and paged by ``CappedPaginator``.

Only on SQLite. PostgreSQL counts a search through its trigram index in a few milliseconds and
stops the page early; given a window it still picks the plan made for stopping early and then
reads every member (measured at 100,000 members: 5 + 6 ms as two queries, 80 ms as one).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property
from ninja.pagination import LimitOffsetPagination

TOTAL = "window_total"
#: The alias ``members_visible`` puts on a search too common for the FTS table.
BROAD = "broad_search"
#: A broad search's matches are counted up to this many: past it the pager says "more than",
#: and the user narrows the search (an implementation limit, not a rule of the work).
COUNT_CAP = 10_000


def counted_in_page(qs: QuerySet[Any]) -> QuerySet[Any]:
    """The same rows, each carrying the number of rows in the whole result (on SQLite; not for a
    broad search, whose page stops early)."""
    if connections[qs.db].vendor != "sqlite" or BROAD in qs.query.annotations:
        return qs
    return qs.annotate(**{TOTAL: Window(Count("*"))})


def search_paginator(qs: QuerySet[Any], per_page: int) -> Paginator:
    """The paginator for a search: counting with the page, or up to ``COUNT_CAP`` for a broad
    search."""
    if BROAD in qs.query.annotations:
        return CappedPaginator(qs, per_page)
    return CountedPaginator(counted_in_page(qs), per_page)


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` rows (``SELECT count(*) FROM (… LIMIT cap + 1)``): a broad
    search stops counting once it knows there are more; ``capped`` says so to the pager."""

    cap = COUNT_CAP
    capped = False

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)


class CountedPaginator(Paginator):
    """A paginator for ``counted_in_page`` querysets: the page query also gives the count."""

    def get_page(self, number: Any) -> Page:
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        if TOTAL not in self.object_list.query.annotations:
            return super().get_page(number)
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if rows:
            first = rows[0]  # a model instance, or a dict of ``values()``
            self.count = first[TOTAL] if isinstance(first, dict) else getattr(first, TOTAL)
            return self._get_page(rows, number, self)
        return super().get_page(number)  # past the end (or nothing found): count, last page


class CountedPagination(LimitOffsetPagination):
    """The API's limit/offset paging, counting with the page when the queryset allows."""

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: Any, **params: Any
    ) -> Any:
        if TOTAL not in queryset.query.annotations:
            return super().paginate_queryset(queryset, pagination, request, **params)
        offset = pagination.offset
        limit = min(pagination.limit, self.max_limit)
        rows = list(queryset[offset : offset + limit])
        count = getattr(rows[0], TOTAL) if rows else (queryset.count() if offset else 0)
        return {self.items_attribute: rows, "count": count}
