"""A query compiled once per process and run again with another key.

Django compiles a queryset to SQL on every evaluation. For most pages that is a small part of
the work, but the query that loads the logged-in user on *every* request (accounts.backends:
the user with their profile and eight subqueries for the header, the scope and the second
factor) took ~8 ms of Python to build and compile against 0.02 ms for SQLite to run it — most
of a bare page's time. ``Prepared`` builds and compiles it once with a placeholder key, keeps
the SQL, and each later call only swaps the key into the parameters, runs the SQL and builds
the instances the way Django's ``ModelIterable`` does (select_related models and annotations
included). The result is the same objects as evaluating the queryset (tested).

Everything else a queryset may carry (prefetches, deferred fields, ``values()``) is refused
when the query is prepared, not silently mishandled.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

#: Stands in for the key while the query is compiled: an integer no table holds as a key, within
#: a 32-bit key's range (Django compiles an out-of-range value to "no rows" on PostgreSQL).
PLACEHOLDER = -1_987_654_321


class Prepared:
    """``build(key, today)`` gives the queryset for one key (filtered by it) on one day; the
    compiled SQL is kept per database alias and day (what ``today`` puts in the SQL changes at
    midnight). ``get`` returns the model instances for another key."""

    def __init__(self, build: Callable[[Any, dt.date], QuerySet]) -> None:
        self._build = build
        self._compiled: dict[tuple[str, dt.date], tuple[Any, str, tuple[Any, ...], list[int]]] = {}
        self._lock = threading.Lock()

    def _compile(self, using: str, today: dt.date) -> tuple[Any, str, tuple[Any, ...], list[int]]:
        key = (using, today)
        compiled = self._compiled.get(key)
        if compiled is not None:
            return compiled
        qs = self._build(PLACEHOLDER, today).using(using)
        if (
            qs._iterable_class is not ModelIterable
            or qs._prefetch_related_lookups
            or qs._known_related_objects
            or qs.query.deferred_loading != (frozenset(), True)
        ):
            raise ValueError("Prepared only serves plain model querysets")
        compiler = qs.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = [i for i, p in enumerate(params) if type(p) is int and p == PLACEHOLDER]
        if not slots:
            raise ValueError("the placeholder key is not among the query's parameters")
        compiled = (compiler, sql, tuple(params), slots)
        with self._lock:
            # one day at a time: yesterday's SQL is dropped with today's first request
            self._compiled = {k: v for k, v in self._compiled.items() if k[1] == today}
            self._compiled[key] = compiled
        return compiled

    def get(self, key: Any, *, today: dt.date, model: type[Model]) -> list[Model]:
        using = router.db_for_read(model)
        compiler, sql, params, slots = self._compile(using, today)
        values = list(params)
        for i in slots:
            values[i] = key
        with connections[using].cursor() as cursor:
            cursor.execute(sql, values)
            rows = cursor.fetchall()
        return list(_instances(compiler, rows, using))


def _instances(compiler: Any, rows: list[tuple[Any, ...]], db: str) -> Any:
    """What ``ModelIterable`` makes of the rows (Django 5.2), for an already compiled query."""
    select, klass_info, annotation_col_map = (
        compiler.select,
        compiler.klass_info,
        compiler.annotation_col_map,
    )
    model_cls = klass_info["model"]
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    init_list = [f[0].target.attname for f in select[start:end]]
    related_populators = get_related_populators(klass_info, select, db)
    for row in compiler.results_iter([rows]):
        obj = model_cls.from_db(db, init_list, row[start:end])
        for populator in related_populators:
            populator.populate(row, obj)
        for attr_name, col_pos in (annotation_col_map or {}).items():
            setattr(obj, attr_name, row[col_pos])
        yield obj
