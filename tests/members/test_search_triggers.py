"""The SQLite search index survives a migration that re-makes the members table: after every
``migrate`` the members app puts back whatever FTS trigger of migration 0005 is missing and
re-copies the members the FTS table lost in the meantime."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate

from dangjian.members.apps import ensure_member_search
from dangjian.members.models import Member
from dangjian.members.selectors import FTS_PENDING, FTS_TABLE, search_filter

from ..factories import make_member
from .test_search_index import bulk_members, flush, index_out_of_step

SQLITE = connection.vendor == "sqlite"
only_sqlite = pytest.mark.skipif(not SQLITE, reason="the FTS5 table is SQLite's")
TRIGGERS = {f"{FTS_TABLE}_{t}" for t in ("ai", "au", "ad", "flush")}


def triggers() -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cur.fetchall()} & TRIGGERS


def found(q: str) -> set[int]:
    return set(Member.objects.filter(search_filter(q)).values_list("pk", flat=True))


def send_post_migrate() -> None:
    config = apps.get_app_config("members")
    post_migrate.send(
        sender=config,
        app_config=config,
        verbosity=0,
        interactive=False,
        using=connection.alias,
        apps=apps,
        plan=[],
    )


@pytest.fixture
def in_step(cast):
    """The index as a fresh database has it. Django's flush after a transactional test on this
    worker empties the members table but not the FTS table or its pending list (they are no
    models), so a stale pending note could name the id a new member here gets."""
    if SQLITE:
        ensure_member_search()
        flush()
        assert index_out_of_step() == []
    return cast


@only_sqlite
def test_a_dropped_trigger_is_back_after_migrate_and_new_members_are_found(cast, in_step):
    assert triggers() == TRIGGERS
    with connection.cursor() as cur:
        cur.execute(f"DROP TRIGGER {FTS_TABLE}_ai")
    assert triggers() == TRIGGERS - {f"{FTS_TABLE}_ai"}
    unseen = make_member(org=cast.branch_a, name="慕容复兴")  # written while the trigger is gone
    assert found("慕容复") == set()
    send_post_migrate()
    assert triggers() == TRIGGERS
    assert found("慕容复") == {unseen.pk}  # re-copied into the FTS table
    later = make_member(org=cast.branch_a, name="慕容博远")
    assert found("murongbo") == {later.pk}
    assert found("慕容") == {unseen.pk, later.pk}
    assert index_out_of_step() == []


@only_sqlite
def test_every_trigger_is_put_back_and_the_lost_writes_re_copied(cast, in_step):
    kept = bulk_members(cast.branch_a, ["诸葛亮明", "诸葛瑾瑜"], seed=41)
    flush()
    with connection.cursor() as cur:
        for name in TRIGGERS:
            cur.execute(f"DROP TRIGGER {name}")
    # what a re-made table misses: new members, renames, deletions
    (new,) = bulk_members(cast.branch_a, ["诸葛诞生"], seed=42)
    Member.objects.filter(pk=kept[0]).update(name="司马懿德", search_key="司马懿德 simayide smyd")
    Member.objects.filter(pk=kept[1]).delete()
    assert len(index_out_of_step()) == 3
    assert ensure_member_search() == 2  # the new member and the renamed one
    assert triggers() == TRIGGERS
    assert index_out_of_step() == []
    assert found("zhuge") == {new}
    assert found("simayi") == {kept[0]}
    assert ensure_member_search() == 0  # nothing more to do; the triggers there are kept
    assert triggers() == TRIGGERS


@only_sqlite
def test_before_migration_0005_nothing_is_made(cast):
    with connection.cursor() as cur:
        for name in TRIGGERS:
            cur.execute(f"DROP TRIGGER {name}")
        cur.execute(f"DROP TABLE {FTS_PENDING}")
        cur.execute(f"DROP TABLE {FTS_TABLE}")
    assert ensure_member_search() == 0
    assert triggers() == set()
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
        assert cur.fetchone() is None


@pytest.mark.skipif(SQLITE, reason="PostgreSQL has its trigram index instead")
def test_postgres_has_nothing_to_put_back(cast):
    make_member(org=cast.branch_a, name="慕容复兴")
    assert ensure_member_search() == 0
    send_post_migrate()
    assert found("murongfu") == found("MURONGFU") != set()
