"""The year's funds against the rules: each community's office-and-activity funds against
``funds.office_activity`` by community type (county-seat town ≥ 60,000, other towns ≥ 50,000),
the street's special fund against ``funds.street_special`` (≥ 300,000) — at the boundaries, with
a locality's override, rolled up per street/town and county, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core import rules
from dangjian.funds import selectors
from dangjian.orgs.models import Organisation, OrgKind
from tests.factories import make_org

from . import conftest as h


def _give(cast, cats, org, amount, purpose="office_activity", **kw):
    return h.record(
        cast,
        cats,
        org=org,
        direction="in",
        amount=str(amount),
        purpose=purpose,
        date=kw.pop("date", dt.date(h.LAST_YEAR, 3, 1)),
        user=cast.admin,
        **kw,
    )


def _seat(cast):
    Organisation.objects.filter(pk=cast.street_b.pk).update(is_county_seat=True)


def _report(cast, org=None):
    return selectors.fund_vs_rule(user=cast.admin, org=org or cast.county, year=h.LAST_YEAR)


def _row(report, org):
    return next(r for r in report.rows if r.org.pk == org.pk)


@pytest.mark.parametrize(
    ("seat", "amount", "short"),
    [
        (False, 49999, 1),
        (False, 50000, 0),
        (True, 59999, 1),
        (True, 60000, 0),
    ],
)
def test_office_and_activity_funds_at_the_boundary(cast, cats, seat, amount, short):
    if seat:
        _seat(cast)
    org = cast.comm_b if seat else cast.comm_a
    _give(cast, cats, org, amount - 1)
    _give(cast, cats, org, 1, date=dt.date(h.LAST_YEAR, 12, 31))
    row = _row(_report(cast), org)
    assert row.county_seat is seat
    assert row.required == (60000 if seat else 50000)
    assert row.received == amount
    assert row.shortfall == short
    assert row.rule_id == "funds.office_activity"
    assert row.rule_title == "社区办公和活动经费" and "002" in row.rule_source


def test_only_this_years_live_office_funds_count(cast, cats):
    _give(cast, cats, cast.comm_a, 50000, date=dt.date(h.LAST_YEAR - 1, 12, 31))
    _give(cast, cats, cast.comm_a, 40000, purpose="")  # allocated, but not marked as office funds
    voided = _give(cast, cats, cast.comm_a, 50000)
    from dangjian.funds.services import entry_void

    entry_void(acting_user=cast.admin, entry=voided, reason="录错")
    assert _row(_report(cast), cast.comm_a).shortfall == 50000


@pytest.mark.parametrize(("amount", "short"), [(299999, 1), (300000, 0)])
def test_the_street_special_fund_at_the_boundary(cast, cats, amount, short):
    _give(cast, cats, cast.street_a, amount, purpose="street_special")
    special = next(r for r in _report(cast).specials if r.org.pk == cast.street_a.pk)
    assert (special.required, special.received, special.shortfall) == (300000, amount, short)
    assert special.rule_title == "街道党建工作专项经费" and "001" in special.rule_source


def test_a_locality_override_changes_the_shortfall_without_code_changes(cast, cats, settings):
    _seat(cast)
    _give(cast, cats, cast.comm_a, 50000)
    _give(cast, cats, cast.comm_b, 60000)
    assert _row(_report(cast), cast.comm_a).shortfall == 0
    settings.DANGJIAN_RULES = {
        "default": {"funds.office_activity": {"other_town_yuan": 55000}},
        "orgs": {"SB": {"funds.office_activity": {"county_seat_yuan": 62000}}},
    }
    rules.reset_cache()
    try:
        report = _report(cast)
        assert _row(report, cast.comm_a).shortfall == 5000
        assert _row(report, cast.comm_b).shortfall == 2000
    finally:
        settings.DANGJIAN_RULES = None
        rules.reset_cache()


def test_shortfalls_roll_up_per_street_and_county(cast, cats):
    _seat(cast)
    _give(cast, cats, cast.comm_a, 45000)  # short 5,000
    _give(cast, cats, cast.comm_a2, 50000)  # met
    _give(cast, cats, cast.comm_b, 10000)  # short 50,000
    report = _report(cast)
    by_town = {g.town.pk: g for g in report.groups}
    a, b = by_town[cast.street_a.pk], by_town[cast.street_b.pk]
    assert {r.org.pk for r in a.rows} == {cast.comm_a.pk, cast.comm_a2.pk}
    assert (a.shortfall, a.short_count) == (5000, 1)
    assert (b.shortfall, b.short_count) == (50000, 1)
    assert (report.shortfall, report.short_count) == (55000, 2)
    assert report.special_shortfall == 600000
    # a street secretary sees their own street only
    mine = selectors.fund_vs_rule(user=cast.street_sec, org=cast.street_a, year=h.LAST_YEAR)
    assert {r.org.pk for r in mine.rows} == {cast.comm_a.pk, cast.comm_a2.pk}


def test_the_report_page_names_rules_and_takes_a_fixed_number_of_queries(
    cast, cats, client_for, django_assert_max_num_queries
):
    _give(cast, cats, cast.comm_a, 1000)
    c = client_for(cast.admin)
    url = f"/funds/rules/?org={cast.county.pk}&year={h.LAST_YEAR}"
    with CaptureQueriesContext(connection) as first:
        page = c.get(url).content.decode()
    assert "社区办公和活动经费" in page and "49000.00" in page and "文化东路社区党委" in page
    for i in range(6):
        town = make_org(parent=cast.county, kind=OrgKind.TOWN, name=f"新镇{i}", code=f"NT{i}")
        comm = make_org(
            parent=town, kind=OrgKind.COMMUNITY_COMMITTEE, name=f"新社区{i}", code=f"NC{i}"
        )
        _give(cast, cats, comm, 100 + i)
    with django_assert_max_num_queries(len(first)):
        page = c.get(url).content.decode()
    assert "新社区5" in page
    assert Decimal("0") == 0
