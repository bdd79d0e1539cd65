"""The import reports how far it has written (``import_rows(progress=…)``): after each written
chunk, the members written so far of those to create — nothing for a dry run or a refused file —
and a failure while writing still writes nothing."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, transaction

from dangjian.core.models import AuditEntry
from dangjian.members import services_bulk
from dangjian.members.models import Member, MemberEvent
from dangjian.roster import reader, services
from dangjian.roster.columns import detect

from .files import good_rows, xlsx
from .test_import_speed_paths import BRANCH, TODAY, run


def test_it_reports_each_written_chunk_with_the_members_written_so_far(cast, monkeypatch):
    monkeypatch.setattr(services, "WRITE_CHUNK", 7)
    seen: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:
        # what is reported as written is in the (uncommitted) transaction already
        seen.append((done, total, Member.objects.filter(name__startswith="导入").count()))

    out = run(cast, xlsx(good_rows(23, branch=BRANCH)), progress=progress)
    assert out.ok and out.created == 23
    assert seen == [(7, 23, 7), (14, 23, 14), (21, 23, 21), (23, 23, 23)]


def test_a_rerun_of_the_same_file_reports_only_the_members_it_creates(cast, monkeypatch):
    monkeypatch.setattr(services, "WRITE_CHUNK", 5)
    assert run(cast, xlsx(good_rows(6, branch=BRANCH))).created == 6
    seen: list[tuple[int, int]] = []
    out = run(cast, xlsx(good_rows(9, branch=BRANCH)), progress=lambda d, t: seen.append((d, t)))
    assert (out.created, out.skipped) == (3, 6)
    assert seen == [(3, 3)]


def test_a_dry_run_and_a_refused_file_report_nothing(cast):
    seen: list[tuple[int, int]] = []
    assert run(cast, xlsx(good_rows(4, branch=BRANCH)), dry_run=True, progress=seen.append).ok
    bad = good_rows(4, branch=BRANCH)
    bad[2][4] = "123"  # an ID number that is none
    assert not run(cast, xlsx(bad), progress=seen.append).ok
    assert seen == []


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


def test_released_rows_are_emptied_only_when_the_members_are_written(cast):
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
    assert not release(bad).ok and len(bad) == 3  # refused: the page shows them again
    assert release(rows).created == 3 and rows == []
