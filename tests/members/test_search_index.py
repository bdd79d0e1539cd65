"""Whole-city member search through an index: an FTS5 trigram table on SQLite (migration 0005),
the pg_trgm GIN index on PostgreSQL (0003). The results are exactly the old LIKE's; the index
keeps in step with every writer; what a user types is never read as FTS5 syntax."""

from __future__ import annotations

import datetime as dt
import importlib
import random
from types import SimpleNamespace

import pytest
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from dangjian.core import crypto, idcard
from dangjian.core.bulk import Table
from dangjian.core.search import fold_query, search_key
from dangjian.members.models import Member, State, Status
from dangjian.members.selectors import FTS_PENDING, FTS_TABLE, members_visible, search_filter
from dangjian.members.services import member_update
from dangjian.roster import reader, services
from dangjian.roster.columns import detect

from ..factories import make_member
from ..roster.files import good_rows, xlsx

SQLITE = connection.vendor == "sqlite"
only_sqlite = pytest.mark.skipif(not SQLITE, reason="the FTS5 table is SQLite's")
only_postgres = pytest.mark.skipif(SQLITE, reason="pg_trgm is PostgreSQL's")
fts_migration = importlib.import_module("dangjian.members.migrations.0005_member_search_fts")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧蕭單单欧阳司马"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英華华國国龍龙鳳凤東东紅红"
ODD = [
    'O"Brien',
    "张 OR 李",
    "王AND刘",
    "NEAR陈",
    "赵*",
    "^孙",
    "Anna李",
    "ÉCOLE吴",
    "（全角）周",
    "ＡＢＣ徐",
    "阿卜杜·热合曼",
    "100%张",
    "_下划线",
]


def _names(rng: random.Random, n: int) -> list[str]:
    names = list(ODD)
    while len(names) < n:
        surname = rng.choice(SURNAMES)
        if rng.random() < 0.1:
            surname += rng.choice(SURNAMES)
        names.append(surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 3)))))
    return names


def bulk_members(org, names: list[str], *, seed: int = 1) -> list[int]:
    """Members written as the roster import and the city generator write them: executemany on
    SQLite, COPY on PostgreSQL — no ORM, no save(), only the table's triggers."""
    table = Table(Member, timezone.now())
    rng = random.Random(seed)
    ids = []
    for i, name in enumerate(names):
        birth = dt.date(1950 + i % 40, 1 + i % 12, 1 + i % 28)
        number = idcard.synthetic(birth_date=birth, gender="M", rng=rng)
        pk = table.take_pk()
        ids.append(pk)
        table.add(
            id=pk,
            name=name,
            gender="M",
            birth_date=birth,
            id_cipher=crypto.encrypt(number),
            id_hash=crypto.blind_index(f"{number}-{seed}-{i}"),  # unique in the run
            id_masked=idcard.mask(number),
            joined_on=dt.date(2000, 7, 1),
            status=Status.FULL,
            state=State.ACTIVE,
            org_id=org.pk,
            search_key=search_key(name),
        )
    table.write(table.take_rows())
    # the keys were chosen here, not drawn from PostgreSQL's sequence: move it past them, or the
    # next member the ORM saves would be given one of these ids
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Member]):
            cursor.execute(statement)
    return ids


def old_match(q: str) -> set[int]:
    """What the search box matched before the index: a LIKE over ``search_key``."""
    return set(
        Member.objects.filter(search_key__contains=fold_query(q)).values_list("pk", flat=True)
    )


def new_match(q: str) -> set[int]:
    return set(Member.objects.filter(search_filter(q)).values_list("pk", flat=True))


def index_out_of_step() -> list[tuple]:
    """Members the FTS table does not hold with their key and that are not noted as pending, and
    rows of it with no member."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT m.id, m.search_key, s.search_key FROM members_member m "
            f"LEFT JOIN {FTS_TABLE} s ON s.rowid = m.id "
            f"WHERE s.search_key IS NOT (m.{fts_migration.INDEXED}) "
            f"AND m.id NOT IN (SELECT member_id FROM {FTS_PENDING}) "
            f"UNION ALL SELECT s.rowid, NULL, s.search_key FROM {FTS_TABLE} s "
            f"WHERE s.rowid NOT IN (SELECT id FROM members_member)"
        )
        return cur.fetchall()


def flush() -> None:
    """Move the pending members into the FTS table, as the trigger does every thousand."""
    with connection.cursor() as cur:
        for sql in fts_migration.FLUSH.split(";"):
            if sql.strip():
                cur.execute(sql)


def pending() -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {FTS_PENDING}")
        return cur.fetchone()[0]


@pytest.fixture(autouse=True)
def fts_whenever_it_serves(monkeypatch):
    """The test city is tiny, so every query names a large share of it and the planner would
    read the keys instead; here the FTS table answers whatever it can, to be compared with the
    LIKE. (The planner's own test puts the share back.)"""
    from dangjian.members import selectors

    monkeypatch.setattr(selectors, "DENSE_SHARE", float("inf"))


def test_the_index_gives_exactly_the_old_matches(cast):
    rng = random.Random(21)
    names = _names(rng, 500)
    ids = bulk_members(cast.branch_a, names[:400])
    if SQLITE:
        flush()  # most members in the FTS table, some still pending, some renamed since
        assert pending() == 0
    bulk_members(cast.branch_a, names[400:], seed=7)
    for pk, name in zip(ids[:20], names[480:], strict=True):
        Member.objects.filter(pk=pk).update(name=name, search_key=search_key(name))
    if SQLITE:
        assert pending() == 120
    keys = [search_key(n) for n in names]
    queries = [*ODD, 'o"brien', "or 李", "and", "near", "*", "école", "abc", "ＡＢＣ", "·热合"]
    queries += ["張三", "欧阳", "ouyang", "zhang", "li", "zs", "单", "dan", "shan", "%张", "_下"]
    for _ in range(300):
        key = rng.choice(keys)
        start = rng.randrange(len(key))
        queries.append(key[start : start + rng.randint(1, 8)])
    for q in queries:
        if not fold_query(q):
            continue
        assert new_match(q) == old_match(q), q
    # the comparison is not vacuous: most queries find someone, some find several
    assert sum(bool(old_match(q)) for q in queries) > len(queries) * 0.6


def test_fts_operators_and_quotes_in_the_box_are_plain_text(cast):
    ids = bulk_members(cast.branch_a, ['o"brien', "张or李", "near陈", "赵*钱", "孙and"])
    obrien, or_name, near, star, and_ = ids
    assert new_match('o"brien') == {obrien}
    assert new_match("张OR李") == {or_name}
    assert new_match("ＯＲ李") == {or_name}
    assert new_match("NEAR陈") == {near}
    assert new_match("赵*钱") == {star}
    assert new_match("*钱") == {star}
    assert new_match("孙AND") == {and_}
    assert new_match('"""') == set()
    assert new_match('a" OR "b') == set()


def test_traditional_and_full_width_queries_find_the_member(cast):
    (pk,) = bulk_members(cast.branch_a, ["张三丰"])
    for q in ("張三豐", "张三丰", "ＳＡＮＦＥＮＧ", "zhang san feng", "ZSF", "sanfeng"):
        assert new_match(q) == {pk}, q


def test_the_list_search_still_respects_the_scope(cast):
    bulk_members(cast.branch_a, ["欧阳修远"], seed=2)
    bulk_members(cast.branch_b, ["欧阳修近"], seed=3)
    mine = [m.name for m in members_visible(user=cast.comm_a_sec, q="欧阳修")]
    assert mine == ["欧阳修远"]
    assert [m.name for m in members_visible(user=cast.outsider, q="欧阳修")] == []


def test_a_member_saved_after_bulk_written_ones_gets_a_key_of_its_own(cast):
    ids = bulk_members(cast.branch_a, ["上官一", "上官二"], seed=9)
    later = make_member(org=cast.branch_a, name="上官三")
    assert later.pk > max(ids)


@only_sqlite
def test_after_all_migrations_the_triggers_are_there(db):
    """A later migration that re-makes members_member on SQLite drops the triggers: it must
    install them again (see migration 0005)."""
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        triggers = {name for (name,) in cur.fetchall()}
    assert {f"{FTS_TABLE}_{t}" for t in ("ai", "au", "ad", "flush")} <= triggers


@only_sqlite
def test_the_index_follows_registration_rename_and_deletion(cast):
    assert index_out_of_step() == []
    member = make_member(org=cast.branch_a, name="司马光明")
    assert new_match("司马光") == {member.pk}
    member_update(member, data={"name": "司徒光明"}, acting_user=cast.comm_a_sec)
    assert new_match("司马光") == set()
    assert new_match("司徒光") == {member.pk}
    assert new_match("situguang") == {member.pk}
    Member.objects.filter(pk=member.pk).update(search_key=search_key("上官光明"))
    assert new_match("shangguan") == {member.pk}
    (gone,) = bulk_members(cast.branch_a, ["东方不败"], seed=4)
    assert new_match("东方不") == {gone}
    Member.objects.filter(pk=gone).delete()
    assert new_match("东方不") == set()
    assert index_out_of_step() == []


@only_sqlite
def test_the_roster_imports_bulk_path_is_indexed(cast):
    sheet = reader.read(xlsx(good_rows(30, branch="文化东路第一楼栋党支部")), "名册.xlsx")
    out = services.import_rows(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        headers=sheet.headers,
        rows=sheet.rows,
        mapping=detect(sheet.headers),
        filename="名册.xlsx",
        header_row=sheet.header_row,
        dry_run=False,
        today=dt.date(2026, 11, 24),
    )
    assert out.ok and out.created == 30
    assert index_out_of_step() == []
    assert len(new_match("导入0001")) == 10
    assert len(new_match("daoru")) == 30


@only_sqlite
def test_the_migration_fills_the_index_from_existing_members(cast):
    bulk_members(cast.branch_a, _names(random.Random(5), 50), seed=5)
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {FTS_TABLE}")
        cur.execute(f"DELETE FROM {FTS_PENDING}")
    assert index_out_of_step() != []
    fts_migration.install_member_search(None, SimpleNamespace(connection=connection))
    assert index_out_of_step() == []
    assert pending() == 0


@only_sqlite
def test_every_thousand_written_members_move_into_the_fts_table_at_once(cast):
    flush()
    names = _names(random.Random(8), 2500)
    bulk_members(cast.branch_a, names, seed=8)
    assert pending() == 500  # two moves of a thousand: 2,000 in the FTS table, 500 pending
    assert index_out_of_step() == []
    for q in ("zhang", "王伟", "张秀英", names[1234], names[-1]):
        assert new_match(q) == old_match(q), q


@only_sqlite
def test_sqlite_plans_a_long_query_through_the_fts_index(cast, monkeypatch):
    from dangjian.members import selectors

    bulk_members(cast.branch_a, _names(random.Random(6), 50), seed=6)
    # within a street the scope's own rows are cheaper to read than the FTS table's answer
    scoped = members_visible(user=cast.comm_a_sec, q="zhangwei").explain()
    assert "VIRTUAL TABLE" not in scoped, scoped
    # a whole city (the test city is small: make its scope count as wide)
    monkeypatch.setattr(selectors, "SMALL_SCOPE_ORGS", 0)
    monkeypatch.setattr(selectors, "WIDE_SCOPE_ORGS", 0)
    plan = members_visible(user=cast.admin, q="zhangwei").explain()
    assert "VIRTUAL TABLE INDEX" in plan, plan
    assert "USING INTEGER PRIMARY KEY" in plan, plan  # members fetched by id, not scanned
    # two characters: the trigrams they begin, from the vocabulary, then those members by id
    short = members_visible(user=cast.admin, q="zw").explain()
    assert "VIRTUAL TABLE INDEX" in short, short
    assert "USING INTEGER PRIMARY KEY" in short, short


@only_sqlite
def test_two_characters_find_the_same_members_as_the_like_at_the_end_of_a_key_too(cast):
    """ "zs" is the last two characters of 张三's key: the space the FTS table adds after every
    key makes them begin a trigram too."""
    ids = bulk_members(cast.branch_a, ["张三", "赵爽", "王伟", "王伟强", "李四"], seed=11)
    flush()  # in the FTS table, not just pending (which every search reads anyway)
    zhangsan, zhaoshuang, wangwei, wangweiqiang, _lisi = ids
    mine = set(ids)  # the cast has members of its own
    assert new_match("zs") == old_match("zs")
    assert new_match("zs") & mine == {zhangsan, zhaoshuang}
    assert new_match("王伟") & mine == old_match("王伟") & mine == {wangwei, wangweiqiang}
    assert new_match("ww") & mine == old_match("ww") & mine == {wangwei, wangweiqiang}
    assert new_match("qz") == old_match("qz") == set()  # no trigram begins with it
    assert new_match("Zs") == new_match("zs")  # folded like the keys


@only_sqlite
def test_a_common_query_reads_the_keys_and_a_rare_one_the_fts_table(cast, monkeypatch):
    from dangjian.members import selectors

    monkeypatch.setattr(selectors, "DENSE_SHARE", 0.3)
    monkeypatch.setattr(selectors, "SMALL_SCOPE_ORGS", 0)
    monkeypatch.setattr(selectors, "WIDE_SCOPE_ORGS", 0)
    flush()
    bulk_members(cast.branch_a, [f"张{c}" for c in "一二三四五六七八九十"] + ["欧阳修"], seed=12)
    flush()
    common = members_visible(user=cast.admin, q="zhang").explain()  # 10 of 11 and more
    assert "VIRTUAL TABLE" not in common, common
    rare = members_visible(user=cast.admin, q="欧阳").explain()  # one member of 11
    assert "VIRTUAL TABLE INDEX" in rare, rare
    assert [m.name for m in members_visible(user=cast.admin, q="欧阳")] == ["欧阳修"]
    assert len(list(members_visible(user=cast.admin, q="zhang"))) >= 10


@only_postgres
def test_postgres_answers_the_like_from_the_trigram_index(cast):
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'member_search_trgm'")
        if cur.fetchone() is None:
            pytest.skip("pg_trgm could not be created on this server")
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")
        plan = Member.objects.filter(search_filter("zhangwei")).order_by().values("pk").explain()
    assert "Bitmap Index Scan on member_search_trgm" in plan, plan
