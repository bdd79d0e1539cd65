"""SQLite plan hints (core.sqlplan): a street's query starts from its organisations, not from a
date range of the whole county; the answers are the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q

from dangjian.core import sqlplan
from dangjian.meetings.models import Meeting
from dangjian.orgs.models import OrgKind


def test_renamed_moves_every_condition_on_the_field_and_keeps_the_rest():
    q = Q(kind__in=["a"], date__gte=dt.date(2026, 1, 1)) | ~Q(date=dt.date(2026, 5, 1))
    out = sqlplan.renamed(q, "date", "_day")
    assert out.connector == q.connector and out.children[1].negated
    assert ("_day__gte", dt.date(2026, 1, 1)) in out.children[0].children
    assert ("kind__in", ["a"]) in out.children[0].children
    assert out.children[1].children == [("_day", dt.date(2026, 5, 1))]
    assert sqlplan.renamed(Q(dated=1), "date", "_day").children == [("dated", 1)]


def test_only_a_county_is_wide(cast):
    assert sqlplan.is_wide(cast.county)
    assert not any(sqlplan.is_wide(o) for o in (cast.street_a, cast.comm_a, cast.branch_a))
    assert cast.county.kind == OrgKind.COUNTY


def test_the_same_meetings_either_way_and_sqlite_leaves_the_date_index_aside(cast):
    from tests.meetings.factories import make_meeting

    for day in (dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 3, 1)):
        make_meeting(org=cast.branch_a, date=day)
    rng = {"_day__gte": dt.date(2026, 1, 1), "_day__lte": dt.date(2026, 12, 31)}
    found = {}
    for wide in (False, True):
        qs = (
            Meeting.objects.alias(
                _day=sqlplan.day_alias("date", using=Meeting.objects.db, wide=wide)
            )
            .filter(org__path__startswith=cast.street_a.path, **rng)
            .order_by()
        )
        found[wide] = sorted(qs.values_list("date", flat=True))
        if connection.vendor == "sqlite" and not wide:
            assert "meetings_me_date" not in qs.explain()  # the (date, org) index is not used
    assert found[False] == found[True] == [dt.date(2026, 1, 1), dt.date(2026, 3, 1)]


@pytest.mark.parametrize("vendor_only", ["postgresql"])
def test_postgres_gets_the_plain_column(vendor_only):
    if connection.vendor != vendor_only:
        pytest.skip("PostgreSQL only")
    assert str(sqlplan.day_alias("date", using="default")) == "F(date)"
