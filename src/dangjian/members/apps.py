"""The members app. After every ``migrate`` (and test-database set-up) it makes sure the SQLite
search index of migration 0005 is whole: a later migration that re-makes ``members_member``
drops its triggers without a word, and members written then would be missing from it."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_migrate

#: Members re-copied into the FTS table per statement when it has fallen out of step.
REFILL_CHUNK = 500


def _fts_migration() -> Any:
    return importlib.import_module("dangjian.members.migrations.0005_member_search_fts")


def ensure_member_search(using: str = DEFAULT_DB_ALIAS) -> int:
    """Re-create whatever of migration 0005's FTS triggers is missing (``IF NOT EXISTS``: the
    ones there are left alone) and bring the FTS table up to date for the members it does not
    hold with their current key; returns how many members were re-copied. Does nothing on
    PostgreSQL, and on SQLite where 0005 has not made the table (not migrated that far, or an
    SQLite without the trigram tokenizer)."""
    conn = connections[using]
    if conn.vendor != "sqlite":
        return 0
    m = _fts_migration()
    table, pending = m.TABLE, m.PENDING
    with transaction.atomic(using=using), conn.cursor() as cur:
        cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        if cur.fetchone() is None:
            return 0
        for sql in m.CREATE:
            cur.execute(
                sql.replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1)
                .replace("CREATE VIRTUAL TABLE ", "CREATE VIRTUAL TABLE IF NOT EXISTS ", 1)
                .replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1)
            )
        # Members the table does not hold with their key (pending ones are read by every search
        # anyway), then rows of members that are gone.
        cur.execute(
            f"SELECT m.id FROM members_member m LEFT JOIN {table} s ON s.rowid = m.id "
            f"WHERE s.search_key IS NOT (m.{m.INDEXED}) "
            f"AND m.id NOT IN (SELECT member_id FROM {pending})"
        )
        ids = [pk for (pk,) in cur.fetchall()]
        for i in range(0, len(ids), REFILL_CHUNK):
            chunk = ids[i : i + REFILL_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cur.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", chunk)
            cur.execute(
                f"INSERT INTO {table}(rowid, search_key) "
                f"SELECT id, {m.INDEXED} FROM members_member WHERE id IN ({marks})",
                chunk,
            )
        cur.execute(f"DELETE FROM {table} WHERE rowid NOT IN (SELECT id FROM members_member)")
    return len(ids)


def _after_migrate(sender: AppConfig, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    ensure_member_search(using)


class MembersConfig(AppConfig):
    name = "dangjian.members"
    verbose_name = "党员信息库"

    def ready(self) -> None:
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="members.ensure_search")
