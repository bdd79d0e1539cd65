"""Writing many validated rows fast: COPY on PostgreSQL, multi-row INSERTs on SQLite — not the
ORM, since building a hundred thousand model instances costs more than the database's whole share
of the work. Used by the roster import (``members.services_bulk``) and the city generator.

Why several rows per INSERT on SQLite rather than ``executemany`` of one-row INSERTs: a table with
a trigger (``members_member`` keeps its FTS index in step that way) makes every INSERT statement
open a statement journal and copy each page it touches into it first — once per statement. One
statement per row paid that per row (~30 µs a member: three times the insert itself); one
statement per ``ROWS_PER_INSERT`` rows pays it once for them all. The triggers still fire for
every row, exactly as before.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
from collections.abc import Callable, Iterable
from itertools import islice
from operator import itemgetter
from typing import Any

from django.db import connection, models
from django.db.models import Max

BATCH = 2000  # rows per executemany on SQLite
#: rows per INSERT statement on SQLite (fewer when the columns would pass SQLite's parameter cap)
ROWS_PER_INSERT = 200
#: what SQLite allows when the connection cannot say (its compile-time default before 3.32)
_SQLITE_DEFAULT_MAX_PARAMS = 999


def _sqlite_max_params() -> int:
    import sqlite3

    raw = getattr(connection, "connection", None)
    try:
        return raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # Python ≥ 3.11
    except (AttributeError, sqlite3.Error):
        return _SQLITE_DEFAULT_MAX_PARAMS


class Table:
    """Rows for one table, written with COPY (PostgreSQL) or executemany (SQLite), not the ORM:
    building a million model instances costs more than the database's whole share of the work.

    Every concrete column of the model is written; columns a row does not name get the model
    field's default, so a column added to a model later does not break the generator.
    """

    def __init__(self, model: type[models.Model], now: Any, *, with_pk: bool = True) -> None:
        """``with_pk=False``: the primary key is left to the database (its sequence, or SQLite's
        rowid) — for writers that share the table with others; else every row names its key."""
        self.model = model
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.names = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        defaults = []
        for f in fields:
            value = (
                now
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                else f.get_default()
            )
            if isinstance(value, enum.Enum):
                value = value.value
            defaults.append(f.get_db_prep_save(value, connection))
        self.defaults = dict(zip(self.names, defaults, strict=True))
        # a row by attname → the tuple of every column, in C (a one-column table: a 1-tuple)
        getter = itemgetter(*self.names)
        self._pick: Callable[[dict[str, Any]], tuple[Any, ...]] = (
            getter if len(self.names) > 1 else lambda d: (getter(d),)
        )
        self.rows: list[tuple[Any, ...]] = []
        self.next_pk: int | None = None

    def take_pk(self) -> int:
        """The next key after the table's largest (for a generator writing alone)."""
        if self.next_pk is None:
            self.next_pk = (self.model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        pk = self.next_pk
        self.next_pk += 1
        return pk

    def row(self, **values: Any) -> tuple[Any, ...]:
        """A row of every column, by attname; the columns not named get their defaults."""
        return self._pick({**self.defaults, **values})

    def add(self, **values: Any) -> None:
        self.rows.append(self.row(**values))

    def take_rows(self) -> list[tuple[Any, ...]]:
        rows, self.rows = self.rows, []
        return rows

    def write(self, rows: Iterable[tuple[Any, ...]]) -> int:
        """Insert ``rows`` on the current thread's connection. ``rows`` may be a generator: on
        PostgreSQL a writer thread sends while the next rows are made and the server inserts."""
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        n = 0
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                from psycopg.copy import QueuedLibpqWriter

                raw = cur.cursor
                sql = f"COPY {table} ({cols}) FROM STDIN"
                with raw.copy(sql, writer=QueuedLibpqWriter(raw)) as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
            else:
                # one executemany of the same many-row statement for BATCH rows: the statement is
                # converted and prepared once, not once per row or per statement
                per = max(1, min(ROWS_PER_INSERT, _sqlite_max_params() // len(self.columns)))
                one = "(" + ", ".join(["%s"] * len(self.columns)) + ")"
                head = f"INSERT INTO {table} ({cols}) VALUES "
                full = head + ", ".join([one] * per)
                it = iter(rows)
                while batch := list(islice(it, max(per, BATCH // per * per))):
                    whole = len(batch) // per * per
                    if whole:
                        cur.executemany(
                            full,
                            [
                                [value for row in batch[i : i + per] for value in row]
                                for i in range(0, whole, per)
                            ],
                        )
                    if whole < len(batch):
                        rest = batch[whole:]
                        cur.execute(
                            head + ", ".join([one] * len(rest)),
                            [value for row in rest for value in row],
                        )
                    n += len(batch)
        return n


# --- the audit entry of a new row, as JSON text --------------------------------------------------

#: a value's JSON by its exact type, as ``json.dumps(audit.plain(value), ensure_ascii=False)``
#: writes it (json.encoder.encode_basestring is the C function json.dumps uses for text)
_JSON_OF: dict[type, Callable[[Any], str]] = {
    str: json.encoder.encode_basestring,  # type: ignore[attr-defined]
    int: int.__repr__,
    bool: lambda v: "true" if v else "false",
    dt.date: lambda v: f'"{v.isoformat()}"',
    dt.datetime: lambda v: f'"{v.isoformat()}"',
    dt.time: lambda v: f'"{v.isoformat()}"',
    decimal.Decimal: lambda v: json.encoder.encode_basestring(str(v)),  # type: ignore[attr-defined]
}


class CreatedAudit:
    """The ``changes`` of a new row's audit entry as JSON text — exactly
    ``json.dumps(audit.diff({}, audit.snapshot(obj)), ensure_ascii=False)`` (tested equal) —
    built from the row's values by attname with string templates, one per column: at a hundred
    thousand rows the generic path (a dict of dicts, then the JSON encoder) costs more than the
    INSERTs. A value of any other type (an enum, a float …) takes the generic path."""

    def __init__(self, model: type[models.Model]) -> None:
        from dangjian.core import audit

        self._plain = audit.plain
        self.parts: list[tuple[str, str, bool]] = []  # (attname, template, secret)
        for f in sorted(model._meta.concrete_fields, key=lambda f: f.name):
            if f.name in audit.SKIP_FIELDS:
                continue
            key = json.dumps(f.name)
            if f.name in audit.SECRET_FIELDS:
                masked = json.dumps({"before": "***", "after": "***(已修改)"}, ensure_ascii=False)
                self.parts.append((f.attname, f"{key}: {masked}", True))
            else:
                self.parts.append((f.attname, f'{key}: {{"before": null, "after": ', False))

    def __call__(self, row: dict[str, Any]) -> str:
        out = []
        json_of, get = _JSON_OF.get, row.get
        for attname, template, secret in self.parts:
            value = get(attname)
            if value is None:
                continue
            if secret:
                out.append(template)
                continue
            to_json = json_of(type(value))
            text = (
                to_json(value)
                if to_json is not None
                else json.dumps(self._plain(value), ensure_ascii=False)
            )
            out.append(f"{template}{text}}}")
        return "{" + ", ".join(out) + "}"
