"""Writing many rows fast on a background thread, for the city generator (``city.py``); the rows
themselves are written by ``core.bulk.Table`` (COPY on PostgreSQL, executemany on SQLite).
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from dangjian.core.bulk import Table


@dataclass
class Stats:
    started: float = field(default_factory=time.perf_counter)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def rate(self) -> float:
        return self.total / max(1e-9, time.perf_counter() - self.started)


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
