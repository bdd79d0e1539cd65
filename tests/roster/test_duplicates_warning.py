"""Issue 20 item 4 in the roster import: a likely duplicate — the same name and birth date under
another ID number, within the file or against the register — is a warning shown before importing
(preview and command line), never an error: the secretary checks it and can still import."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.members.models import Member
from tests.factories import make_member

from .files import person_id, xlsx
from .test_import import run

NAME = "叶尔江·沙吾提"
BIRTH = dt.date(1970, 5, 5)
BRANCH = "文化东路第一楼栋党支部"


def line(name, birth, seed, *, gender="M", branch=BRANCH):
    return [
        seed,
        name,
        "男" if gender == "M" else "女",
        birth.isoformat(),
        person_id(birth, gender, seed),
        "2000-07-01",
        "高中",
        "",
        "",
        "",
        branch,
    ]


# ---- within the file ----------------------------------------------------------------------
def test_same_name_and_birth_with_another_id_in_the_file_is_a_warning(cast):
    out = run(cast, xlsx([line(NAME, BIRTH, 1), line("张明", BIRTH, 2), line(NAME, BIRTH, 3)]))
    assert out.ok and out.to_create == 3
    assert [(w.row, w.column) for w in out.warnings] == [(5, "姓名")]
    assert "与第 3 行姓名、出生日期相同，身份证号不同" in out.warnings[0].reason


def test_the_warning_does_not_stop_the_import(cast):
    out = run(cast, xlsx([line(NAME, BIRTH, 1), line(NAME, BIRTH, 3)]), dry_run=False)
    assert out.ok and out.created == 2 and len(out.warnings) == 1
    assert Member.objects.filter(name=NAME, birth_date=BIRTH).count() == 2


def test_same_name_with_another_birth_date_is_no_warning(cast):
    out = run(cast, xlsx([line(NAME, BIRTH, 1), line(NAME, BIRTH + dt.timedelta(days=1), 2)]))
    assert out.ok and out.warnings == []


def test_same_birth_date_with_another_name_is_no_warning(cast):
    out = run(cast, xlsx([line(NAME, BIRTH, 1), line("叶尔江", BIRTH, 2)]))
    assert out.ok and out.warnings == []


def test_the_same_id_twice_is_the_duplicate_error_not_a_warning(cast):
    out = run(cast, xlsx([line(NAME, BIRTH, 1), line(NAME, BIRTH, 1)]))
    assert not out.ok and out.warnings == []
    assert [(p.row, p.reason) for p in out.problems] == [(4, "与第 3 行的身份证号重复。")]


def test_a_name_typed_with_another_dot_is_the_same_name(cast):
    out = run(cast, xlsx([line("叶尔江·沙吾提", BIRTH, 1), line("叶尔江•沙吾提", BIRTH, 3)]))
    assert [w.row for w in out.warnings] == [4]


def test_every_later_row_of_a_three_is_warned_against_the_first(cast):
    out = run(cast, xlsx([line(NAME, BIRTH, 1), line(NAME, BIRTH, 3), line(NAME, BIRTH, 6)]))
    assert [w.row for w in out.warnings] == [4, 5]
    assert all("第 3 行" in w.reason for w in out.warnings)


# ---- against the register -----------------------------------------------------------------
def test_a_member_on_the_register_with_the_same_name_and_birth_is_a_warning(cast):
    on = make_member(org=cast.branch_a, name=NAME, birth_date=BIRTH, gender="M")
    out = run(cast, xlsx([line("张明", BIRTH, 2), line(NAME, BIRTH, 3)]))
    assert out.ok and out.to_create == 2
    assert [(w.row, w.column) for w in out.warnings] == [(4, "姓名")]
    reason = out.warnings[0].reason
    assert cast.branch_a.name in reason and on.id_masked in reason
    assert "在册党员中已有同名、出生日期相同" in reason


def test_the_register_with_another_birth_date_is_no_warning(cast):
    make_member(org=cast.branch_a, name=NAME, birth_date=BIRTH - dt.timedelta(days=365))
    out = run(cast, xlsx([line(NAME, BIRTH, 3)]))
    assert out.ok and out.warnings == []


def test_the_same_person_on_the_register_is_skipped_without_a_warning(cast):
    first = run(cast, xlsx([line(NAME, BIRTH, 3)]), dry_run=False)
    assert first.created == 1
    again = run(cast, xlsx([line(NAME, BIRTH, 3)]))
    assert again.ok and again.skipped == 1 and again.warnings == []


def test_a_member_of_another_community_is_not_looked_at(cast):
    make_member(org=cast.branch_b, name=NAME, birth_date=BIRTH, gender="M")
    out = run(cast, xlsx([line(NAME, BIRTH, 3)]))
    assert out.ok and out.warnings == []
    assert cast.branch_b.name not in str([w.reason for w in out.warnings])


def test_a_transferred_out_member_is_still_a_warning_with_the_state(cast):
    on = make_member(org=cast.branch_a, name=NAME, birth_date=BIRTH, gender="M")
    Member.objects.filter(pk=on.pk).update(state="transferred_out")
    out = run(cast, xlsx([line(NAME, BIRTH, 3)]))
    assert len(out.warnings) == 1 and "已转出" in out.warnings[0].reason


def test_the_register_check_costs_the_same_for_many_rows(cast):
    make_member(org=cast.branch_a, name=NAME, birth_date=BIRTH, gender="M")

    def queries(n: int) -> tuple[int, list[int]]:
        rows = [line(f"新人{i}", BIRTH + dt.timedelta(days=i), 10 + i) for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            out = run(cast, xlsx([*rows, line(NAME, BIRTH, 3)]), dry_run=True)
        return len(ctx.captured_queries), [w.row for w in out.warnings]

    queries(2)  # the first check reads what is cached afterwards (rules, …)
    small, big = queries(2), queries(60)
    assert small[1] == [5] and big[1] == [63]
    assert small[0] == big[0]


# ---- preview and command line -------------------------------------------------------------
def _text(r) -> str:
    return re.sub(r"\s+", " ", r.content.decode())


def test_the_preview_shows_the_warning_and_asks_before_importing(
    cast, client_for, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    c = client_for(cast.comm_a_sec)
    data = xlsx([line(NAME, BIRTH, 1), line(NAME, BIRTH, 3)])
    r = c.post("/roster/", {"org": cast.comm_a.pk, "file": SimpleUploadedFile("名册.xlsx", data)})
    page = _text(c.get(r.url))
    assert 'id="likely-duplicates"' in page and "第 4 行" in page
    assert "全部检查通过" in page
    assert re.search(r'id="confirm-import" data-confirm="有 1 行可能与别人是同一个人', page)
    done = _text(c.post(r.url, {}, follow=True))
    assert "导入完成：新建 2 名党员" in done


def test_the_preview_of_a_file_without_likely_duplicates_has_no_warning(
    cast, client_for, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    c = client_for(cast.comm_a_sec)
    data = xlsx([line(NAME, BIRTH, 1), line("张明", BIRTH, 3)])
    r = c.post("/roster/", {"org": cast.comm_a.pk, "file": SimpleUploadedFile("名册.xlsx", data)})
    page = _text(c.get(r.url))
    assert "likely-duplicates" not in page and 'data-confirm="有' not in page


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_command_line_lists_the_warnings(cast, tmp_path, dry_run):
    f = tmp_path / "名册.xlsx"
    f.write_bytes(xlsx([line(NAME, BIRTH, 1), line(NAME, BIRTH, 3)]))
    out = io.StringIO()
    call_command("import-members", str(f), org=cast.comm_a.code, dry_run=dry_run, stdout=out)
    text = out.getvalue()
    assert "提醒：1 行可能与别人是同一个人" in text
    assert "第 4 行\t姓名\t与第 3 行姓名、出生日期相同" in text
    assert ("检查通过" if dry_run else "导入完成") in text
