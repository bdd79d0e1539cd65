"""Search keys are lower case throughout, so a name with Latin letters is found whatever case is
typed — on PostgreSQL too, whose LIKE (unlike SQLite's) tells upper from lower case. Migration
0006 (and development 0002) rewrite the keys written before."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core.search import search_key
from dangjian.development.models import Candidate
from dangjian.development.selectors import candidates_visible
from dangjian.members.models import Member
from dangjian.members.selectors import members_visible, search_filter

from ..development.factories import make_candidate
from ..factories import make_member
from .test_search_index import bulk_members, index_out_of_step

SQLITE = connection.vendor == "sqlite"
members_0006 = importlib.import_module("dangjian.members.migrations.0006_search_key_lower_case")
development_0002 = importlib.import_module(
    "dangjian.development.migrations.0002_search_key_lower_case"
)
QUERIES = ["anna", "ANNA", "Anna", "aNNa", "Ａｎｎａ", "NNA", "nn", "NN", "anna li", "ANNALI"]


def found(q: str) -> set[int]:
    return set(Member.objects.filter(search_filter(q)).values_list("pk", flat=True))


def test_the_key_is_lower_case_and_folded_like_a_query():
    assert search_key("Anna李") == "anna李 li l"
    assert search_key("ÉCOLE吴") == "école吴 wu w"
    assert search_key("ＡＢＣ 徐") == "abc徐 xu x"
    assert search_key("张三") == "张三 zhangsan zs"


def test_a_latin_name_is_found_by_lower_and_upper_case(cast):
    registered = make_member(org=cast.branch_a, name="AnnaLi李")
    (imported,) = bulk_members(cast.branch_a, ["Anna李"], seed=31)
    for q in QUERIES:
        if q.replace(" ", "").lower().startswith("annali"):
            assert found(q) == {registered.pk}, q
        else:
            assert found(q) == {registered.pk, imported}, q
        mine = {m.pk for m in members_visible(user=cast.comm_a_sec, q=q)}
        assert mine == found(q), q
        assert not members_visible(user=cast.comm_b_sec, q=q).exists(), q


def _run(migration) -> None:
    migration.recompute_search_keys(apps, SimpleNamespace(connection=connection))


def test_the_migration_rewrites_the_old_mixed_case_keys(cast):
    han = make_member(org=cast.branch_a, name="欧阳娜娜")  # before: bulk ids are max + 1
    latin, ecole = bulk_members(cast.branch_a, ["Anna李", "ÉCOLE吴"], seed=32)
    # as the keys were written before: the name's own case
    Member.objects.filter(pk=latin).update(search_key="Anna李 li l")
    Member.objects.filter(pk=ecole).update(search_key="ÉCOLE吴 wu w")
    if connection.vendor == "postgresql":
        assert latin not in found("anna")  # the bug: PostgreSQL's LIKE tells the case
    _run(members_0006)
    keys = dict(Member.objects.values_list("pk", "search_key"))
    assert keys[latin] == "anna李 li l"
    assert keys[ecole] == "école吴 wu w"
    assert keys[han.pk] == "欧阳娜娜 ouyangnana oynn"
    for q in ("anna", "ANNA", "anna李"):
        assert found(q) == {latin}, q
    assert found("ÉCOLE") == found("école") == {ecole}
    if SQLITE:
        assert index_out_of_step() == []  # the FTS triggers followed the rewrite


def test_the_migration_writes_nothing_when_no_key_changes(cast):
    bulk_members(cast.branch_a, ["王伟", "李娜", "anna李"], seed=33)
    with CaptureQueriesContext(connection) as ctx:
        _run(members_0006)
    assert not [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_candidates_are_found_by_either_case_too(cast):
    c = make_candidate(org=cast.branch_a, name="Anna李")
    assert c.search_key == "anna李 li l"
    Candidate.objects.filter(pk=c.pk).update(search_key="Anna李 li l")
    _run(development_0002)
    c.refresh_from_db()
    assert c.search_key == "anna李 li l"
    for q in ("anna", "ANNA", "Ａｎｎａ李", "li"):
        assert [x.pk for x in candidates_visible(user=cast.comm_a_sec, q=q)] == [c.pk], q
    assert not candidates_visible(user=cast.comm_b_sec, q="anna").exists()
