"""Counting several querysets in one statement (issue 21): the same numbers as ``.count()``."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from dangjian.core.access import subtree_q
from dangjian.core.batchcount import count_all
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _querysets(cast):
    return [
        Member.objects.all(),
        # a join, ordered (the ordering is dropped, the rows are not)
        Member.objects.filter(subtree_q("org__path", cast.comm_a.path)).order_by("org__path"),
        # joins that repeat rows, and the same with DISTINCT
        Organisation.objects.filter(members__isnull=False),
        Organisation.objects.filter(members__isnull=False).distinct(),
        Organisation.objects.filter(members__isnull=False).order_by("-name").distinct(),
        # grouped, with a HAVING on the aggregate
        Organisation.objects.annotate(n=Count("members")).filter(n__gte=2),
        Member.objects.values("org_id").annotate(n=Count("pk")),
        # sliced (ordering kept: it decides the rows)
        Member.objects.order_by("name")[1:3],
        Member.objects.order_by("name")[:0],
        # empty in several ways
        Member.objects.none(),
        Member.objects.filter(pk__in=[]),
        Member.objects.filter(name="nobody"),
        # user text only ever a parameter, with the characters SQL and LIKE care about
        Member.objects.filter(name__contains="%"),
        Member.objects.filter(Q(name__icontains="'); DROP TABLE x; --") | Q(name__contains="_")),
        Member.objects.select_related("org").filter(org__kind=cast.branch_a.kind),
    ]


def _grow(cast):
    for i, org in enumerate([cast.branch_a, cast.branch_a, cast.branch_a_2, cast.branch_b]):
        make_member(org=org, name=f"百分之{i}%")
    make_member(org=cast.branch_a, name="下_划线")


def test_the_counts_are_those_of_count(cast):
    _grow(cast)
    querysets = _querysets(cast)
    expected = [qs.count() for qs in querysets]
    assert any(expected) and 0 in expected
    assert count_all(querysets) == expected


def test_one_statement_for_all_of_them(cast):
    _grow(cast)
    querysets = _querysets(cast)
    with CaptureQueriesContext(connection) as ctx:
        count_all(querysets)
    assert len(ctx.captured_queries) == 1


def test_nothing_to_count_costs_nothing(cast):
    with CaptureQueriesContext(connection) as ctx:
        assert count_all([]) == []
        assert count_all([Member.objects.none(), Member.objects.filter(pk__in=[])]) == [0, 0]
    assert not ctx.captured_queries


def test_the_querysets_are_left_as_they_were(cast):
    _grow(cast)
    qs = Member.objects.order_by("name")
    count_all([qs])
    assert [m.name for m in qs] == sorted(m.name for m in Member.objects.all())
