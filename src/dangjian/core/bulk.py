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
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice, repeat
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from django.db import connection, models
from django.db.models import Max

T = TypeVar("T")
R = TypeVar("R")

BATCH = 2000  # rows per executemany on SQLite
#: rows per INSERT statement on SQLite (fewer when the columns would pass SQLite's parameter cap):
#: a roster import's whole chunk of members in one statement; 1,000 rather than 200 inserts the
#: members ~18 % faster (100,000 members with their search trigger: 2.4 → 2.0 CPU-s)
ROWS_PER_INSERT = 1000
#: what SQLite allows when the connection cannot say (its compile-time default before 3.32)
_SQLITE_DEFAULT_MAX_PARAMS = 999


def _sqlite_max_params() -> int:
    import sqlite3

    raw = getattr(connection, "connection", None)
    try:
        return raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # Python ≥ 3.11
    except (AttributeError, sqlite3.Error):
        return _SQLITE_DEFAULT_MAX_PARAMS


class Ready(NamedTuple):
    """Rows of one table made ready for SQLite (``Table.ready``): the parameters of each
    INSERT of ``ROWS_PER_INSERT`` rows, then those of the shorter last one."""

    full: list[list[Any]]
    rest: list[Any]
    count: int
    per: int  # rows per INSERT in ``full``


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
        self._fields = dict(zip(self.names, fields, strict=True))
        # a row by attname → the tuple of every column, in C (a one-column table: a 1-tuple)
        getter = itemgetter(*self.names)
        self._pick: Callable[[dict[str, Any]], tuple[Any, ...]] = (
            getter if len(self.names) > 1 else lambda d: (getter(d),)
        )
        self.rows: list[tuple[Any, ...]] = []
        self.next_pk: int | None = None
        # what ``ready`` needs to know of the database, read here (on the thread holding the
        # connection): ``ready`` runs on a thread of its own
        self.vendor = connection.vendor
        self._dates = [
            i
            for i, f in enumerate(fields)
            if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
        ]
        self._per = 0  # rows per INSERT, once the connection is open (else SQLite's old cap)
        self._inserts: dict[int, str] = {}
        if self.vendor == "sqlite" and getattr(connection, "connection", None) is not None:
            self._per = self._rows_per_insert()

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

    def by_column(
        self,
        *,
        each: dict[str, Sequence[Any]],
        same: dict[str, Any] | None = None,
    ) -> list[tuple[Any, ...]]:
        """Rows made a column at a time (in C): ``each`` holds a value per row for its column
        (every sequence as long, values as the database takes them), ``same`` one value for
        every row (made ready for the database here); the other columns get their defaults. A name that is no column of the table is an error, not ignored."""
        same = same or {}
        unknown = (each.keys() | same.keys()) - set(self.names)
        if unknown:
            raise ValueError(f"not columns of {self.model.__name__}: {sorted(unknown)}")
        lengths = {len(values) for values in each.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        n = lengths.pop() if lengths else 0
        # a value for every row is made ready for the database once, as the defaults are (on
        # SQLite a datetime is then written as the ORM writes it, not by the driver's adapter)
        ready = {k: self._fields[k].get_db_prep_save(v, connection) for k, v in same.items()}
        columns = [
            each[name] if name in each else repeat(ready.get(name, self.defaults[name]), n)
            for name in self.names
        ]
        return list(zip(*columns, strict=True))

    def add(self, **values: Any) -> None:
        self.rows.append(self.row(**values))

    def take_rows(self) -> list[tuple[Any, ...]]:
        rows, self.rows = self.rows, []
        return rows

    def _insert(self, rows: int, *, keep: bool = False) -> str:
        """SQLite's INSERT of ``rows`` rows, with qmark placeholders; with ``keep`` (the full
        statement, used again and again) made once, so sqlite3 finds it prepared by its text."""
        sql = self._inserts.get(rows)
        if sql is None:
            quote = connection.ops.quote_name
            one = "(" + ", ".join(["?"] * len(self.columns)) + ")"
            sql = (
                f"INSERT INTO {quote(self.model._meta.db_table)} "
                f"({', '.join(quote(c) for c in self.columns)}) VALUES " + ", ".join([one] * rows)
            )
            if keep:
                self._inserts[rows] = sql
        return sql

    def _rows_per_insert(self) -> int:
        return max(1, min(ROWS_PER_INSERT, _sqlite_max_params() // len(self.columns)))

    def ready(self, rows: Sequence[tuple[Any, ...]]) -> Ready | Sequence[tuple[Any, ...]]:
        """``rows`` made ready for ``write`` without the database, so on a thread of its own
        (``built_ahead``): on SQLite the parameters of each many-row INSERT, a date as the text
        Django's adapter would make of it (``isoformat``) — the thread that writes then only
        steps SQLite, which releases the GIL; elsewhere the rows as they are."""
        if self.vendor != "sqlite":
            return rows
        width = len(self.columns)
        per = self._per or max(1, min(ROWS_PER_INSERT, _SQLITE_DEFAULT_MAX_PARAMS // width))
        flat = [value for row in rows for value in row]
        for i in self._dates:
            for p in range(i, len(flat), width):
                value = flat[p]
                if type(value) is dt.date:
                    flat[p] = value.isoformat()
        step = per * width
        whole = len(rows) // per * step
        return Ready(
            [flat[k : k + step] for k in range(0, whole, step)], flat[whole:], len(rows), per
        )

    def write(self, rows: Iterable[tuple[Any, ...]] | Ready) -> int:
        """Insert ``rows`` on the current thread's connection. ``rows`` may be a generator: on
        PostgreSQL a writer thread sends while the next rows are made and the server inserts;
        or what ``ready`` made of them."""
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        n = 0
        with connection.cursor() as cur:
            connection.validate_no_broken_transaction()  # as Django's cursor would
            if isinstance(rows, Ready):
                # straight to sqlite3, with its own placeholders: Django's cursor would rewrite
                # each %s of a statement of a thousand rows on every call (3 ms a call, a second
                # per hundred thousand members); its errors are still Django's
                raw = cur.cursor
                with connection.wrap_database_errors:
                    if rows.full:
                        sqlite3.Cursor.executemany(
                            raw, self._insert(rows.per, keep=True), rows.full
                        )
                    if rows.rest:
                        left = len(rows.rest) // len(self.columns)
                        sqlite3.Cursor.execute(raw, self._insert(left), rows.rest)
                return rows.count
            if connection.vendor == "postgresql":
                from psycopg.copy import QueuedLibpqWriter

                raw = cur.cursor
                sql = f"COPY {table} ({cols}) FROM STDIN"
                # the database's refusal raised as Django's error, as by Django's cursor
                with (
                    connection.wrap_database_errors,
                    raw.copy(sql, writer=QueuedLibpqWriter(raw)) as copy,
                ):
                    for row in rows:
                        copy.write_row(row)
                        n += 1
            else:
                # one executemany of the same many-row statement for BATCH rows: the statement is
                # made and prepared once, not once per row or per statement (and straight to
                # sqlite3, as for ``Ready`` rows)
                per = self._rows_per_insert()
                raw = cur.cursor
                it = iter(rows)
                while batch := list(islice(it, max(per, BATCH // per * per))):
                    whole = len(batch) // per * per
                    with connection.wrap_database_errors:
                        if whole:
                            sqlite3.Cursor.executemany(
                                raw,
                                self._insert(per, keep=True),
                                [
                                    [value for row in batch[i : i + per] for value in row]
                                    for i in range(0, whole, per)
                                ],
                            )
                        if whole < len(batch):
                            rest = batch[whole:]
                            sqlite3.Cursor.execute(
                                raw,
                                self._insert(len(rest)),
                                [value for row in rest for value in row],
                            )
                    n += len(batch)
        return n


#: rows for several tables, written in this order (parents before children)
Batch = list[tuple[Table, Iterable[tuple[Any, ...]] | Ready]]


def write(batch: Batch) -> None:
    """Write a batch's rows, table after table, on the current thread's connection."""
    for table, rows in batch:
        table.write(rows)


_END = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def built_ahead(make: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """``make(item)`` for each item, in order, each made on a thread of its own while the caller
    writes the one before: SQLite releases the GIL while it steps (libpq while it sends), so
    making rows and inserting them overlap — on SQLite, where the inserts run in this process,
    they are about a third of an import's time.

    The caller's thread keeps its connection and its transaction to itself (Django's connections
    are not for two threads at once); ``make`` must not use the database — what it needs is read
    before. An error in ``make`` is raised here, in the caller's thread, so the caller's
    transaction rolls back as if it had made the rows itself; when the caller stops early (an
    error in its writing) the thread is stopped and waited for. The next item is made only once
    the caller is done with the one before: two at most are held at a time."""
    ready: queue.Queue[Any] = queue.Queue()
    # an item may be made while the caller holds the one before, not further ahead: the caller
    # coming back for the next item frees a place
    free = threading.Semaphore(2)
    stop = threading.Event()

    def run() -> None:
        try:
            for item in items:
                free.acquire()
                if stop.is_set():
                    return
                ready.put(make(item))
        except BaseException as exc:  # raised in the caller's thread
            ready.put(_Failed(exc))
            return
        ready.put(_END)

    thread = threading.Thread(target=run, name="bulk-builder", daemon=True)
    thread.start()
    try:
        while (made := ready.get()) is not _END:
            if isinstance(made, _Failed):
                raise made.error
            yield made
            free.release()
    finally:
        stop.set()
        free.release()  # a thread waiting for its turn sees the stop
        thread.join()


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

    def by_column(self, rows: Sequence[tuple[Any, ...]], names: Sequence[str]) -> list[str]:
        """What ``self(row)`` gives for each of ``rows`` (tuples of the columns ``names``, as
        ``Table`` makes them), made a column at a time: a column whose values are all of one
        type is written with that type's template in one pass, and one that holds the same value
        throughout (a default, the organisation, 汉族) is written once."""
        if not rows:
            return []
        n = len(rows)
        where = {name: i for i, name in enumerate(names)}
        columns = list(zip(*rows, strict=True))
        pieces: list[list[str | None] | tuple[str, ...]] = []
        for attname, template, secret in self.parts:
            i = where.get(attname)
            if i is None:
                continue  # as self(row): a value not given is None, left out
            column = columns[i]
            kinds = set(map(type, column))
            nulls = type(None) in kinds
            kinds.discard(type(None))
            if not kinds:
                continue
            if secret:
                pieces.append([None if v is None else template for v in column])
                continue
            to_json = _JSON_OF.get(kinds.pop()) if len(kinds) == 1 else None
            if to_json is None:  # mixed types, or one without a template: the generic way
                pieces.append([None if v is None else _one(self, {attname: v}) for v in column])
            elif nulls:
                pieces.append([None if v is None else f"{template}{to_json(v)}}}" for v in column])
            elif column.count(column[0]) == n:
                pieces.append((f"{template}{to_json(column[0])}}}",) * n)
            else:
                pieces.append([f"{template}{to_json(v)}}}" for v in column])
        return ["{" + ", ".join(filter(None, row)) + "}" for row in zip(*pieces, strict=True)]


def _one(created: CreatedAudit, row: dict[str, Any]) -> str:
    """The piece of ``created(row)`` of the one column ``row`` names."""
    return created(row)[1:-1]
