"""Count several querysets in one SQL statement.

``count_all([qs1, qs2, …])`` gives ``[qs1.count(), qs2.count(), …]`` — the same numbers — from
one statement ``SELECT (SELECT COUNT(*) FROM (<qs1>) t0), (SELECT COUNT(*) FROM (<qs2>) t1), …``
built by each queryset's own SQL compiler: the querysets' parameters are passed as parameters,
in order, and nothing else goes into the SQL text. Used where a page shows many small counts
(the home page's 待办 panel): one round trip to the database instead of one per count.

Each queryset is read on the database it would be read on by itself (``qs.db``, so the
database router decides); querysets read on different databases are counted in one statement
per database. A queryset that can match nothing (``.none()``, ``pk__in=[]``) costs no SQL.
Works on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet, Value
from django.db.models.sql import Query


def count_all(querysets: Sequence[QuerySet]) -> list[int]:
    """``[qs.count() for qs in querysets]`` in one statement per database (usually one)."""
    out = [0] * len(querysets)
    by_db: dict[str, list[tuple[int, str, tuple]]] = {}
    for i, qs in enumerate(querysets):
        using = qs.db
        try:
            sql, params = _counted_query(qs.query).get_compiler(using=using).as_sql()
        except EmptyResultSet:
            continue  # matches nothing: 0 without asking the database
        by_db.setdefault(using, []).append((i, sql, tuple(params)))
    for using, parts in by_db.items():
        sql = "SELECT " + ", ".join(
            f"(SELECT COUNT(*) FROM ({part}) AS t{n})" for n, (_i, part, _p) in enumerate(parts)
        )
        params = [p for _i, _sql, ps in parts for p in ps]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        for (i, _sql, _p), n in zip(parts, row, strict=True):
            out[i] = int(n)
    return out


def _counted_query(query: Query) -> Query:
    """The query whose rows are counted: ordering dropped where it cannot change which rows
    there are (as ``QuerySet.count`` does), and — when no DISTINCT, grouping, slice or
    combination depends on the selected columns — one constant column instead of them (as
    ``QuerySet.exists`` does), so the database reads no column it does not need."""
    q = query.clone()
    q.clear_ordering(force=False)
    if q.is_empty():
        raise EmptyResultSet
    if not (q.distinct or q.is_sliced or q.combinator or q.group_by is not None):
        q.clear_select_clause()
        q.add_annotation(Value(1), "one")
    return q
