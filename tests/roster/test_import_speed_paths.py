"""The roster import's fast paths (issue 21 item 2) give exactly what the plain paths gave: the
audit JSON built from templates, the many-row INSERTs on SQLite (every row written, every trigger
fired), the import written in chunks, the dates and categories read once per distinct text, the
ID checksum summed over bytes, the short texts of a sheet kept once."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import random

import pytest
from django.db import connection
from django.utils import timezone

from dangjian.core import audit, idcard
from dangjian.core.bulk import ROWS_PER_INSERT, CreatedAudit, Table
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member, MemberCategory, MemberEvent, Status
from dangjian.members.services_bulk import _created
from dangjian.roster import reader, services
from dangjian.roster.columns import detect

from ..members.test_search_index import bulk_members, flush, index_out_of_step, pending
from .files import HEADERS, good_rows, person_id, xlsx

TODAY = dt.date(2026, 11, 24)
SQLITE = connection.vendor == "sqlite"
BRANCH = "文化东路第一楼栋党支部"


def run(cast, data, **kw):
    """Import the sheet ``data`` into community A as its secretary (``kw``: dry_run, progress…)."""
    sheet = reader.read(data, "名册.xlsx")
    return services.import_rows(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        headers=sheet.headers,
        rows=sheet.rows,
        mapping=detect(sheet.headers),
        filename="名册.xlsx",
        header_row=sheet.header_row,
        today=TODAY,
        **kw,
    )


def _generic(row: dict) -> str:
    """The audit JSON the way ``bulk_register`` built it before the templates."""
    name_of = {f.attname: f.name for f in Member._meta.concrete_fields}
    return json.dumps(_created({name_of[a]: v for a, v in row.items()}), ensure_ascii=False)


def test_the_audit_json_from_templates_is_the_generic_one_for_every_kind_of_value():
    table = Table(Member, timezone.now())
    created = CreatedAudit(Member)
    base = dict(
        table.defaults,
        id=7,
        name="张三",
        birth_date=dt.date(1960, 3, 1),
        joined_on=dt.date(1985, 3, 1),
        id_cipher="v1234abcd:AAAA",
        id_hash="f" * 64,
        id_masked="9001**********123X",
        search_key="张三 zhangsan zs",
        org_id=3,
    )
    odd = [
        {},
        {"full_on": None, "phone": "", "address": None},
        {"name": 'O"Brien\\王\n\t\u0001', "work_unit": "😀 emoji and 𠀀"},
        {"status": Status.PROBATIONARY},  # a TextChoices member: a str subclass
        {"version": 3, "household_id": 12, "user_id": None},
        {"phone": 13800000000, "address": 1.5, "work_unit": float("nan")},
        {"ethnicity": True, "education": False},
        {"address": decimal.Decimal("12.50"), "work_unit": dt.datetime(2026, 1, 2, 3, 4, 5)},
        {"work_unit": dt.time(8, 30), "id_cipher": "", "id_hash": None},
    ]
    for change in odd:
        row = {**base, **change}
        assert created(row) == _generic(row), change


def test_an_import_written_in_chunks_is_whole_and_audited_like_the_generic_path(cast, monkeypatch):
    monkeypatch.setattr(services, "WRITE_CHUNK", 7)
    out = run(cast, xlsx(good_rows(23, branch=BRANCH)))
    assert out.ok and out.created == 23
    members = list(Member.objects.filter(name__startswith="导入").order_by("pk"))
    assert [m.name for m in members] == [f"导入{i:05d}" for i in range(23)]
    assert len({m.id_hash for m in members}) == 23
    for m in members:
        assert list(m.categories.values_list("category", flat=True)) == ["retired"]
        (event,) = MemberEvent.objects.filter(member=m)
        assert (event.kind, event.date, event.categories) == (
            "registered",
            m.joined_on,
            ["retired"],
        )
        entry = AuditEntry.objects.get(
            object_id=str(m.pk), action="create", content_type__model="member"
        )
        assert entry.changes == audit.diff({}, audit.snapshot(m))
        assert entry.scope_path == cast.branch_a.path
    if SQLITE:
        assert index_out_of_step() == []


@pytest.mark.parametrize("n", [1, ROWS_PER_INSERT, ROWS_PER_INSERT + 1, 2 * ROWS_PER_INSERT + 3])
def test_many_row_inserts_write_every_row_and_fire_the_search_triggers(cast, n):
    names = [f"{'王李张刘陈'[i % 5]}测{i}" for i in range(n)]
    if SQLITE:
        flush()
    ids = bulk_members(cast.branch_a, names, seed=n)
    rows = dict(Member.objects.filter(pk__in=ids).values_list("pk", "name"))
    assert rows == dict(zip(ids, names, strict=True))
    if SQLITE:
        assert pending() == n % 1000  # the trigger noted each row; a thousand move at once
        assert index_out_of_step() == []


def test_a_table_row_takes_the_defaults_of_the_columns_not_named():
    table = Table(MemberCategory, timezone.now(), with_pk=False)
    assert table.row(member_id=5, category="retired", unknown="ignored") == (5, "retired")
    table = Table(Member, timezone.now(), with_pk=False)
    row = table.row(name="甲")
    assert row[table.names.index("name")] == "甲"
    assert row[table.names.index("ethnicity")] == "汉族" and row[table.names.index("version")] == 1


def _line(i: int, *, birth: str, cats: str = "离退休") -> list:
    b = dt.date(1970, 1, 1) + dt.timedelta(days=i)
    return [i, f"重复{i}", "男", birth, person_id(b, "M", i), "1999-7-1", "", "", "", cats, BRANCH]


def test_the_same_bad_text_is_reported_on_every_row_that_holds_it(cast):
    rows = [
        _line(1, birth="1970.01"),
        _line(2, birth="1970年13月"),
        _line(3, birth="1970.01", cats="离退休、外星"),
        _line(4, birth="1970年13月", cats="离退休、外星"),
    ]
    out = run(cast, xlsx(rows), dry_run=True)
    got = [(p.row, p.column, p.reason) for p in out.problems]
    bad_date = "无法识别的日期“1970年13月”，请写成 1985-03-01 或 1985.03。"
    bad_cat = "无法识别的党员类别“外星”。"
    assert (4, "出生年月", bad_date) in got and (6, "出生年月", bad_date) in got
    assert (5, "党员类别", bad_cat) in got and (6, "党员类别", bad_cat) in got
    assert not any(r == 3 for r, _c, _m in got)  # 1970.01 agrees with the ID's 1970-01-02


def test_a_date_cell_and_the_same_date_as_text_are_read_alike(cast):
    b = dt.date(1970, 1, 2)
    rows = [
        [1, "日期格", "男", b, person_id(b, "M", 1), dt.date(1999, 7, 1), "", "", "", "", BRANCH],
        [2, "日期字", "男", "1970-01-02", person_id(b, "M", 2), "1999-7-1", "", "", "", "", BRANCH],
    ]
    out = run(cast, xlsx(rows))
    assert out.ok and out.created == 2
    got = dict(Member.objects.filter(name__startswith="日期").values_list("name", "joined_on"))
    assert got == {"日期格": dt.date(1999, 7, 1), "日期字": dt.date(1999, 7, 1)}


@pytest.mark.skipif(not SQLITE, reason="SQLite's page cache")
def test_the_page_cache_is_as_it_was_after_an_import(cast):
    def cache_size() -> int:
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size")
            return cur.fetchone()[0]

    before = cache_size()
    assert run(cast, xlsx(good_rows(3, branch=BRANCH))).created == 3
    assert cache_size() == before


def test_the_id_checksum_over_bytes_is_the_standards_sum():
    rng = random.Random(21)
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    for _ in range(5000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
        assert idcard.check_char(first17) == "10X98765432"[total % 11]
    assert idcard.check_char("１１０１０５１９４９１２３１００２") == idcard.check_char(
        "11010519491231002"
    )
    assert idcard.normalise(" １１０１０５ 19491231\u3000002ｘ ") == "11010519491231002X"
    assert idcard.normalise("11010519491231002x") == "11010519491231002X"
    assert idcard.normalise(None) == ""


def test_short_texts_of_a_sheet_are_kept_once_and_read_as_written():
    rows = [
        [i, f"名{i % 3}", "男", "1970.01", f"9001011970010{i:05d}", "1999-7-1", "本科"]
        for i in range(50)
    ]
    sheet = reader.read(xlsx(rows, headers=HEADERS[:7]), "名册.xlsx")
    assert [r[6] for r in sheet.rows] == ["本科"] * 50
    assert len({id(r[6]) for r in sheet.rows}) == 1  # one 本科 for the fifty cells
    assert len({id(r[4]) for r in sheet.rows}) == 50  # ID numbers are not kept once
    assert [r[1] for r in sheet.rows] == [f"名{i % 3}" for i in range(50)]
