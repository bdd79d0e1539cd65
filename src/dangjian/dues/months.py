"""Month arithmetic for dues: months are the first day of the month."""

from __future__ import annotations

import datetime as dt


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    y, m = divmod(month.year * 12 + month.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from ``first`` to ``last``, both included."""
    out, m = [], month_of(first)
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out
