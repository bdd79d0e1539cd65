"""Plan hints for SQLite, which plans a subtree's query without knowing how the rows spread.

A page of one community or street asks for "its meetings (events, …) of this year": a range on
the organisations' path and a range on the date. With an index on the date, SQLite reads the
date range of the whole city and throws away what is not in the subtree — at 1,000,000 members
tens to hundreds of milliseconds for a community of a few hundred. ``+date`` keeps the same
value but takes the date's index out of the planner's hands, so the query starts from the
subtree's organisations and reads their rows through the (organisation, …) indexes.

PostgreSQL plans from statistics and gets none of this (``+date`` is not even valid there).
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import DateField, F, Func, Q


class Unindexed(Func):
    """``+column``: SQLite's way to keep a condition from being answered through an index."""

    template = "+%(expressions)s"


def is_wide(org: Any) -> bool:
    """Whether a subtree is a whole county: there a year's date range is a small part of the
    subtree's rows and the date's index is the better start; a street or anything below is
    better read from its organisations."""
    from dangjian.orgs.models import OrgKind

    return org.kind == OrgKind.COUNTY


def day_alias(field: str, *, using: str, wide: bool = False, output_field: Any = None) -> F | Func:
    """The expression to ``alias()`` a date ``field`` as for a subtree's query: ``+field`` on
    SQLite for a narrow subtree, the field itself for a wide one and on other databases."""
    if wide or connections[using].vendor != "sqlite":
        return F(field)
    return Unindexed(F(field), output_field=output_field or DateField())


def renamed(q: Q, field: str, alias: str) -> Q:
    """``q`` with every condition on ``field`` (``date__gte`` …) put on ``alias`` instead."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(renamed(child, field, alias))
            continue
        key, value = child
        if key == field or key.startswith(f"{field}__"):
            key = alias + key[len(field) :]
        out.children.append((key, value))
    return out
