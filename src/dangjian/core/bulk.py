"""Writing many validated rows fast: COPY on PostgreSQL, executemany on SQLite — not the ORM,
since building a hundred thousand model instances costs more than the database's whole share of
the work. Used by the roster import (``members.services_bulk``) and the city generator."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from itertools import islice
from typing import Any

from django.db import connection, models
from django.db.models import Max

BATCH = 2000  # rows per executemany on SQLite


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
        d = self.defaults
        return tuple(values[n] if n in values else d[n] for n in self.names)

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
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
                it = iter(rows)
                while batch := list(islice(it, BATCH)):
                    cur.executemany(sql, batch)
                    n += len(batch)
        return n
