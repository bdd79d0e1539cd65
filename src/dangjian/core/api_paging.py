"""Limit/offset paging whose page of rows is turned into the API's items by a function — for
lists whose items carry what is computed in Python for the page's rows only (alerts, what is
due next, this year's figures)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja.pagination import LimitOffsetPagination


def mapped_pagination(items: Callable[[list[Any]], list[Any]]) -> type[LimitOffsetPagination]:
    """A pagination class that gives ``items(rows_of_the_page)`` as the page's items."""

    class Mapped(LimitOffsetPagination):
        def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any):
            out = super().paginate_queryset(queryset, pagination, request, **params)
            out[self.items_attribute] = items(list(out[self.items_attribute]))
            return out

    return Mapped
