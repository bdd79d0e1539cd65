"""Rows made on a thread of their own while the caller writes (``core.bulk.built_ahead``), the
new members' ids drawn before they are written (``reserve_ids``), and rows made a column at a
time (``Table.by_column``, ``CreatedAudit.by_column``) and made ready for SQLite's INSERTs on the
builder thread (``Table.ready``)."""

from __future__ import annotations

import datetime as dt
import decimal
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dangjian.core.bulk import ROWS_PER_INSERT, CreatedAudit, Ready, Table, built_ahead
from dangjian.members.models import Member, MemberCategory, Status
from dangjian.members.services_bulk import reserve_ids
from tests.factories import make_member


def _bulk_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "bulk-builder"]


def test_it_gives_every_item_made_in_order_and_leaves_no_thread():
    made_on: set[str] = set()

    def make(i: int) -> int:
        made_on.add(threading.current_thread().name)
        return i * i

    assert list(built_ahead(make, range(50))) == [i * i for i in range(50)]
    assert made_on == {"bulk-builder"}
    assert _bulk_threads() == []


def _until(check, seconds: float = 10.0) -> None:
    end = time.monotonic() + seconds
    while not check() and time.monotonic() < end:
        time.sleep(0.01)


def test_it_makes_the_next_item_while_the_caller_holds_one_and_not_further_ahead():
    started: list[int] = []

    def make(i: int) -> int:
        started.append(i)
        return i

    items = built_ahead(make, range(10))
    assert next(items) == 0
    # the caller "writes" item 0: item 1 is made meanwhile, item 2 is not
    _until(lambda: len(started) >= 2)
    time.sleep(0.2)
    assert started == [0, 1]
    assert next(items) == 1
    _until(lambda: len(started) >= 3)
    time.sleep(0.2)
    assert started == [0, 1, 2]
    items.close()
    assert _bulk_threads() == []


def test_an_error_in_making_is_raised_in_the_callers_thread():
    def make(i: int) -> int:
        if i == 3:
            raise ValueError("第 3 块出错")
        return i

    got = []
    with pytest.raises(ValueError, match="第 3 块出错"):
        for item in built_ahead(make, range(10)):
            got.append(item)
    assert got == [0, 1, 2]
    assert _bulk_threads() == []


def test_a_caller_that_stops_early_stops_the_thread():
    started: list[int] = []

    def make(i: int) -> int:
        started.append(i)
        return i

    with pytest.raises(RuntimeError):
        for item in built_ahead(make, range(1000)):
            if item == 2:
                raise RuntimeError("写入失败")
    assert _bulk_threads() == []
    assert len(started) <= 4  # it stopped instead of making the remaining items


def test_reserved_ids_are_the_ones_the_rows_get_and_a_deleted_members_id_is_not_reused(cast):
    gone = make_member(org=cast.branch_a, name="已删除")
    gone_id = gone.pk
    gone.delete()
    ids = list(reserve_ids(3))
    assert len(ids) == 3 and len(set(ids)) == 3 and min(ids) > gone_id
    # a member registered the ordinary way afterwards gets none of them
    later = make_member(org=cast.branch_a, name="之后登记")
    assert later.pk not in ids and later.pk > gone_id
    assert list(reserve_ids(0)) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's AUTOINCREMENT counter")
def test_on_sqlite_the_counter_is_moved_on_even_for_a_table_that_never_had_a_row(cast):
    with connection.cursor() as cur:
        cur.execute("DELETE FROM sqlite_sequence WHERE name = %s", [Member._meta.db_table])
    highest = Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert list(reserve_ids(2)) == [highest + 1, highest + 2]
    assert list(reserve_ids(1)) == [highest + 3]


def test_rows_by_column_take_the_defaults_and_refuse_what_is_no_column():
    table = Table(Member, timezone.now())
    rows = table.by_column(each={"id": [1, 2], "name": ["甲", "乙"]}, same={"phone": "139"})
    names = table.names
    assert [r[names.index("name")] for r in rows] == ["甲", "乙"]
    assert {r[names.index("phone")] for r in rows} == {"139"}
    assert {r[names.index("ethnicity")] for r in rows} == {"汉族"}
    assert rows[0] == table.row(id=1, name="甲", phone="139")
    with pytest.raises(ValueError, match="org"):
        table.by_column(each={"org": [None]})
    with pytest.raises(ValueError, match="lengths"):
        table.by_column(each={"id": [1, 2], "name": ["甲"]})
    cats = Table(MemberCategory, timezone.now(), with_pk=False)
    assert cats.by_column(each={"member_id": [], "category": []}) == []


def test_the_audit_json_made_a_column_at_a_time_is_the_one_made_a_row_at_a_time():
    table = Table(Member, timezone.now())
    created = CreatedAudit(Member)
    base = dict(table.defaults, name="张三", birth_date=dt.date(1960, 3, 1), org_id=3)
    changes = [
        {},
        {"full_on": dt.date(1990, 1, 1), "phone": None},  # a column of dates and Nones
        {"name": 'O"Brien\\王\n\t\u0001', "work_unit": "😀 and 𠀀"},
        {"status": Status.PROBATIONARY},  # a str subclass among plain strs: the generic way
        {"version": 3, "household_id": 12, "user_id": None},
        {"phone": 13800000000, "address": 1.5, "work_unit": float("nan")},
        {"ethnicity": True, "education": False},  # bools among strs
        {"address": decimal.Decimal("12.50"), "work_unit": dt.datetime(2026, 1, 2, 3, 4, 5)},
        {"work_unit": dt.time(8, 30), "id_cipher": "", "id_hash": None},
        {"id_cipher": "v1:AAAA", "id_hash": "f" * 64},
    ]
    dicts = [{**base, "id": i + 1, **change} for i, change in enumerate(changes)]
    rows = [table.row(**d) for d in dicts]
    assert created.by_column(rows, table.names) == [created(d) for d in dicts]
    # one kind of row only: every column the same value or one type throughout
    same = [table.row(**{**base, "id": i}) for i in (1, 2, 3)]
    assert created.by_column(same, table.names) == [
        created(dict(zip(table.names, r, strict=True))) for r in same
    ]
    assert created.by_column([], table.names) == []


@pytest.mark.parametrize("n", [1, ROWS_PER_INSERT, ROWS_PER_INSERT + 1, 2 * ROWS_PER_INSERT + 3])
def test_rows_made_ready_on_another_thread_are_written_as_the_rows_themselves(cast, n):
    table = Table(Member, timezone.now())
    pks = list(reserve_ids(2 * n))

    def rows(tag: str, ids: list[int]) -> list[tuple]:
        return table.by_column(
            each={
                "id": ids,
                "name": [f"{tag}{i}" for i in range(n)],
                "gender": ["M"] * n,
                "birth_date": [dt.date(1960, 1, 1) + dt.timedelta(days=i) for i in range(n)],
                "joined_on": [dt.date(1990, 7, 1)] * n,
                "full_on": [None if i % 2 else dt.date(1991, 7, 1) for i in range(n)],
                "id_hash": [f"{tag}{i:060d}" for i in range(n)],
                "org_id": [cast.branch_a.pk] * n,
                "search_key": [f"{tag}{i} ce ce" for i in range(n)],
            }
        )

    table.write(rows("甲", pks[:n]))
    made: list = []
    thread = threading.Thread(target=lambda: made.append(table.ready(rows("乙", pks[n:]))))
    thread.start()
    thread.join()
    if connection.vendor == "sqlite":
        assert isinstance(made[0], Ready) and made[0].count == n
    assert table.write(made[0]) == n

    def written(tag: str) -> list[tuple]:
        return [
            (name[1:], *rest)
            for name, *rest in Member.objects.filter(name__startswith=tag)
            .order_by("pk")
            .values_list("name", "birth_date", "joined_on", "full_on", "org_id", "state")
        ]

    assert written("乙") == written("甲") and len(written("甲")) == n
    with connection.cursor() as cur:  # dates kept as Django keeps them (text on SQLite)
        cur.execute("SELECT birth_date FROM members_member WHERE id = %s", [pks[n]])
        assert str(cur.fetchone()[0]) == "1960-01-01"


@pytest.mark.parametrize("ready", [True, False])
def test_a_row_the_database_refuses_is_djangos_error_and_writes_nothing(cast, ready):
    table = Table(Member, timezone.now())
    n = ROWS_PER_INSERT + 2  # a full statement and the rest
    rows = table.by_column(
        each={
            "id": list(reserve_ids(n)),
            "name": [f"重号{i}" for i in range(n)],
            "birth_date": [dt.date(1960, 1, 1)] * n,
            "joined_on": [dt.date(1990, 7, 1)] * n,
            "id_hash": [f"{i:064d}" for i in range(n - 1)] + ["0" * 64],  # the first one again
            "org_id": [cast.branch_a.pk] * n,
        }
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        table.write(table.ready(rows) if ready else rows)
    assert not Member.objects.filter(name__startswith="重号").exists()
