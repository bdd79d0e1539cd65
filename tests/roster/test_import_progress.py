"""The import reports how far it has got (``import_rows(progress=…)``): after each chunk, the rows
of the file checked so far — and, while the file is good, their members written — of all its
rows; nothing for a dry run. A problem in a later chunk rolls back the chunks written before it
(every problem still reported), and a failure while writing still writes nothing."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from dangjian.core.models import AuditEntry
from dangjian.members import services_bulk
from dangjian.members.models import Member, MemberEvent
from dangjian.roster import reader, services
from dangjian.roster.columns import detect
from dangjian.roster.models import ImportRun

from .files import good_rows, xlsx
from .test_import_speed_paths import BRANCH, TODAY, run


def test_it_reports_each_chunk_with_the_rows_checked_and_written_so_far(cast, monkeypatch):
    monkeypatch.setattr(services, "WRITE_CHUNK", 7)
    seen: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:
        # what is reported as written is in the (uncommitted) transaction already
        seen.append((done, total, Member.objects.filter(name__startswith="导入").count()))

    out = run(cast, xlsx(good_rows(23, branch=BRANCH)), progress=progress)
    assert out.ok and out.created == 23
    assert seen == [(7, 23, 7), (14, 23, 14), (21, 23, 21), (23, 23, 23)]


def test_a_rerun_reports_its_rows_checked_and_writes_only_the_new_members(cast, monkeypatch):
    monkeypatch.setattr(services, "WRITE_CHUNK", 5)
    assert run(cast, xlsx(good_rows(6, branch=BRANCH))).created == 6
    seen: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total, Member.objects.filter(name__startswith="导入").count()))

    out = run(cast, xlsx(good_rows(9, branch=BRANCH)), progress=progress)
    assert (out.created, out.skipped) == (3, 6)
    # the first five rows are on the register (skipped), the next four hold three new members
    assert seen == [(5, 9, 6), (9, 9, 9)]


def test_a_dry_run_reports_nothing_and_a_refused_file_its_rows_checked(cast, monkeypatch):
    monkeypatch.setattr(services, "WRITE_CHUNK", 2)
    seen: list[tuple[int, int]] = []
    assert run(cast, xlsx(good_rows(4, branch=BRANCH)), dry_run=True, progress=seen.append).ok
    assert seen == []
    bad = good_rows(5, branch=BRANCH)
    bad[2][4] = "123"  # an ID number that is none, in the second chunk
    before = (Member.objects.count(), MemberEvent.objects.count(), AuditEntry.objects.count())
    written: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:
        written.append((done, total, Member.objects.count() - before[0]))

    out = run(cast, xlsx(bad), progress=progress)
    assert not out.ok and [p.row for p in out.problems] == [5]
    # the first chunk was written before the problem was found, then rolled back
    assert written == [(2, 5, 2), (4, 5, 2), (5, 5, 2)]
    assert (Member.objects.count(), MemberEvent.objects.count(), AuditEntry.objects.count()) == (
        before
    )


def test_problems_in_later_chunks_roll_back_what_was_written_and_are_all_reported(
    cast, monkeypatch
):
    monkeypatch.setattr(services, "WRITE_CHUNK", 3)
    rows = good_rows(10, branch=BRANCH)
    rows[4][4] = "123"  # second chunk
    rows[8][3] = "abc"  # third chunk: a date that cannot be read
    rows[9] = [10, *rows[0][1:]]  # fourth chunk: the first row again
    before = (
        Member.objects.count(),
        MemberEvent.objects.count(),
        AuditEntry.objects.count(),
        ImportRun.objects.count(),
    )
    out = run(cast, xlsx(rows))
    assert [(p.row, p.column) for p in out.problems] == [
        (7, "公民身份号码"),
        (11, "出生年月"),
        (12, "公民身份号码"),
    ]
    assert "与第 3 行的身份证号重复" in out.problems[2].reason
    assert out.created == 0 and out.run is None
    assert (
        Member.objects.count(),
        MemberEvent.objects.count(),
        AuditEntry.objects.count(),
        ImportRun.objects.count(),
    ) == before
    # nothing of it is left: the same file, corrected, imports every row
    assert run(cast, xlsx(good_rows(10, branch=BRANCH))).created == 10


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's sequence may have gaps")
def test_ids_reserved_for_rows_not_written_are_given_back_on_sqlite(cast, monkeypatch):
    monkeypatch.setattr(services, "WRITE_CHUNK", 4)
    assert run(cast, xlsx(good_rows(6, branch=BRANCH))).created == 6
    bad = good_rows(3, branch=BRANCH)
    bad[1][4] = "123"
    assert not run(cast, xlsx(bad)).ok  # refused: its reservation is rolled back
    out = run(cast, xlsx(good_rows(11, branch=BRANCH)))  # six on the register already
    assert (out.created, out.skipped) == (5, 6)
    ids = sorted(Member.objects.filter(name__startswith="导入").values_list("pk", flat=True))
    assert ids == list(range(ids[0], ids[0] + 11))  # one after another, no gap
    # the next member registered otherwise takes the next id
    with connection.cursor() as cur:
        cur.execute("SELECT seq FROM sqlite_sequence WHERE name = 'members_member'")
        assert cur.fetchone()[0] == Member.objects.order_by("-pk").values_list("pk", flat=True)[0]


@pytest.mark.parametrize("where", ["writing", "making"])
def test_a_third_chunk_that_fails_leaves_nothing_written(cast, monkeypatch, where):
    monkeypatch.setattr(services, "WRITE_CHUNK", 4)
    calls = {"writing": 0, "making": 0}
    real_write, real_make = services.write, services_bulk.BulkRegister.make

    def write(batch):
        calls["writing"] += 1
        if where == "writing" and calls["writing"] == 3:
            raise DatabaseError("磁盘已满")
        real_write(batch)

    def make(self, **kw):
        calls["making"] += 1
        if where == "making" and calls["making"] == 3:
            raise ValueError("无法加密")
        return real_make(self, **kw)

    monkeypatch.setattr(services, "write", write)
    monkeypatch.setattr(services_bulk.BulkRegister, "make", make)
    before = (Member.objects.count(), MemberEvent.objects.count(), AuditEntry.objects.count())
    seen: list[tuple[int, int]] = []
    with pytest.raises((DatabaseError, ValueError)), transaction.atomic():
        run(cast, xlsx(good_rows(11, branch=BRANCH)), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(4, 11), (8, 11)]  # two chunks were written, then rolled back
    assert (Member.objects.count(), MemberEvent.objects.count(), AuditEntry.objects.count()) == (
        before
    )
    assert not [t for t in threading.enumerate() if t.name == "bulk-builder"]


def test_released_rows_are_let_go_once_checked_and_kept_by_a_dry_run(cast):
    sheet = reader.read(xlsx(good_rows(3, branch=BRANCH)), "名册.xlsx")

    def release(rows, **kw):
        return services.import_rows(
            acting_user=cast.comm_a_sec,
            org=cast.comm_a,
            headers=sheet.headers,
            rows=rows,
            mapping=detect(sheet.headers),
            filename="名册.xlsx",
            header_row=sheet.header_row,
            today=TODAY,
            release_rows=True,
            **kw,
        )

    rows = list(sheet.rows)
    assert release(rows, dry_run=True).ok and rows == sheet.rows  # a preview keeps them
    bad = [list(r) for r in sheet.rows]
    bad[1][4] = "123"
    assert not release(bad).ok and bad == [None, None, None]  # let go once checked
    assert release(rows).created == 3 and rows == []
