"""Writing many rows fast: COPY on PostgreSQL, executemany on SQLite, on a background thread.

Used by the city generator (``city.py``); kept apart because it knows nothing of the domain.
"""

from __future__ import annotations

import enum
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Max


@dataclass
class Stats:
    started: float = field(default_factory=time.perf_counter)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def rate(self) -> float:
        return self.total / max(1e-9, time.perf_counter() - self.started)


class Table:
    """Rows for one table, written with COPY (PostgreSQL) or executemany (SQLite), not the ORM:
    building a million model instances costs more than the database's whole share of the work.

    Every concrete column of the model is written; columns a row does not name get the model
    field's default, so a column added to a model later does not break the generator.
    """

    def __init__(self, model: type[models.Model], now: Any) -> None:
        self.model = model
        fields = model._meta.concrete_fields
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
        self.next_pk = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def take_pk(self) -> int:
        pk = self.next_pk
        self.next_pk += 1
        return pk

    def add(self, **values: Any) -> None:
        d = self.defaults
        self.rows.append(tuple(values[n] if n in values else d[n] for n in self.names))

    def take_rows(self) -> list[tuple[Any, ...]]:
        rows, self.rows = self.rows, []
        return rows

    def write(self, rows: list[tuple[Any, ...]]) -> int:
        """Insert ``rows`` on the current thread's connection."""
        if not rows:
            return 0
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
        return len(rows)


Batch = list[tuple[Table, list[tuple[Any, ...]]]]


class Writer:
    """Writes batches, each in one transaction, parents before children.

    Started with ``background=True`` it writes on a thread of its own (its own connection) while
    the generator makes the next batch: both drivers release the GIL while the database works,
    so generating and writing overlap. Inside an open transaction (tests) it writes inline, on
    the caller's connection, so the caller sees the rows and no second connection waits on a lock.
    """

    def __init__(self, *, background: bool, stats: Stats) -> None:
        self.stats = stats
        self.error: BaseException | None = None
        self.tuned = False
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._run, daemon=True) if background else None
        if self.thread:
            self.thread.start()

    def _write(self, batch: Batch) -> None:
        if connection.vendor == "sqlite" and not self.tuned:
            # SQLite's default page cache is 2 MB: once the indexes outgrow it, every insert
            # with a random key (the ID-number hash, the search key) reads pages back. A large
            # cache for this connection only keeps a million-member load from slowing down.
            with connection.cursor() as cur:
                cur.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB
            self.tuned = True
        with transaction.atomic():
            for table, rows in batch:
                n = table.write(rows)
                name = table.model._meta.model_name
                self.stats.rows[name] = self.stats.rows.get(name, 0) + n

    def _run(self) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        self._write(batch)
                    except BaseException as exc:  # reported to the generating thread
                        self.error = exc
        finally:
            connection.close()

    def put(self, batch: Batch) -> None:
        if self.error is not None:
            raise self.error
        if self.thread is None:
            self._write(batch)
        else:
            self.queue.put(batch)

    def finish(self) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error
