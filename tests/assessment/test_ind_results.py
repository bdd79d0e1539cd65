"""Indicators of 工作业绩好 (assessment/indicators/results.py) against hand-counted records: each
record listed is a real record of community A with its page, the boundaries of each rule, community
B's records never counted, a locality's changed rule changing the figure, and the number of
queries independent of the number of records.

Every test measures a past year (or passes its own ``today``) so the figures do not depend on the
day the suite runs.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.assessment.indicators import Ctx
from dangjian.checkin.models import CheckIn, Pairing
from dangjian.cobuild.models import StarRating
from dangjian.core import rules
from dangjian.households.models import Difficulty, Kind
from dangjian.mediation.models import Case
from dangjian.orgs.models import PlaceKind
from tests.assessment.both_paths import measured
from tests.factories import make_member, make_place
from tests.grid.visits_fixtures import add_visits, corridor_in, make_household
from tests.meetings.factories import make_unit

YEAR = 2025
_n = itertools.count(1)


def measure(key, community, *, today=dt.date(YEAR + 1, 3, 1)):
    return measured(key, Ctx.of(community, YEAR, today))


@pytest.fixture
def local_rules(settings):
    def apply(default=None, orgs=None):
        settings.DANGJIAN_RULES = {"default": default or {}, "orgs": orgs or {}}
        rules.reset_cache()

    yield apply
    settings.DANGJIAN_RULES = None
    rules.reset_cache()


def _max_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


# ---- 共驻共建星级 ------------------------------------------------------------------------------
def _rate(unit, stars, year=YEAR):
    return StarRating.objects.create(
        unit=unit, year=year, proposed=stars, stars=stars, decided_on=dt.date(year, 12, 1)
    )


def test_cobuild_counts_decided_stars_and_the_proposal_of_units_not_yet_rated(cast):
    a = make_unit(community=cast.comm_a, name="甲单位")
    b = make_unit(community=cast.comm_a, name="乙单位")
    make_unit(community=cast.comm_a, name="丙单位")
    other = make_unit(community=cast.comm_b, name="外社区单位")
    _rate(a, 3)  # good_from is 3: met at the boundary
    _rate(b, 2)
    _rate(a, 5, year=YEAR - 1)  # another year: not counted
    _rate(other, 5)
    m = measure("results.cobuild", cast.comm_a)
    by = {r.label: r for r in m.records}
    assert set(by) == {"甲单位", "乙单位", "丙单位"}
    assert (by["甲单位"].earned, by["甲单位"].ok) == (3, True)
    assert (by["乙单位"].earned, by["乙单位"].ok) == (2, False)
    # 丙 has no decision: the proposal counts (at least one star), said so in the note
    assert by["丙单位"].earned == 1 and "建议" in by["丙单位"].note and not by["丙单位"].ok
    assert by["甲单位"].url == f"/cobuild/units/{a.pk}/"
    assert m.numerator == 6 and m.denominator == 15


def test_cobuild_good_from_and_max_follow_the_communitys_local_rule(cast, local_rules):
    _rate(make_unit(community=cast.comm_a, name="甲单位"), 3)
    local_rules(orgs={cast.comm_a.code: {"cobuild.stars": {"good_from": 4, "max": 6}}})
    m = measure("results.cobuild", cast.comm_a)
    assert not m.records[0].ok and m.denominator == 6


def test_cobuild_without_units_is_not_scored(cast):
    assert measure("results.cobuild", cast.comm_a).ratio is None


# ---- 片区走访 ----------------------------------------------------------------------------------
@pytest.fixture
def areas(cast):
    grid_a = cast.building_a.parent
    grid_a2 = make_place(
        parent=cast.place_a, community=cast.comm_a, kind=PlaceKind.GRID, name="第二网格"
    )
    grid_b = make_place(
        parent=cast.place_b, community=cast.comm_b, kind=PlaceKind.GRID, name="乙网格"
    )
    return {
        "a": (grid_a, make_household(cast.corridor_a, "101室")),
        "a2": (grid_a2, make_household(corridor_in(grid_a2, "9号楼"), "901室")),
        "b": (grid_b, make_household(corridor_in(grid_b), "乙101室")),
    }


def test_grid_visits_counts_each_area_and_month_ended_by_the_day(cast, areas):
    (_, home_a), (_, home_a2), (_, home_b) = areas["a"], areas["a2"], areas["b"]
    add_visits(home_a, cast.comm_a_sec, [dt.date(YEAR, 1, 31), dt.date(YEAR, 3, 1)])
    add_visits(home_a2, cast.comm_a_sec, [dt.date(YEAR, 1, 1), dt.date(YEAR, 2, 28)])
    add_visits(home_b, cast.comm_b_sec, [dt.date(YEAR, 2, 10)])
    m = measure("results.grid_visits", cast.comm_a, today=dt.date(YEAR, 3, 15))
    # January and February of two areas; March is not over yet
    assert [(r.label, r.ok) for r in m.records] == [
        ("第一网格 1月", True),
        ("第一网格 2月", False),
        ("第二网格 1月", True),
        ("第二网格 2月", True),
    ]
    assert (m.numerator, m.denominator) == (3, 4)
    assert f"area={areas['a'][0].pk}" in m.records[0].url and "month=2025-01" in m.records[0].url


def test_grid_visits_counts_a_month_on_its_last_day(cast, areas):
    add_visits(areas["a"][1], cast.comm_a_sec, [dt.date(YEAR, 2, 28)])
    on_last = measure("results.grid_visits", cast.comm_a, today=dt.date(YEAR, 2, 28))
    before = measure("results.grid_visits", cast.comm_a, today=dt.date(YEAR, 2, 27))
    assert on_last.denominator == 4 and before.denominator == 2


def test_grid_visits_needs_the_rules_number_of_visits(cast, areas, local_rules):
    add_visits(areas["a"][1], cast.comm_a_sec, [dt.date(YEAR, 1, 5)])
    local_rules(default={"grid.area_visits": {"min_count": 2}})
    m = measure("results.grid_visits", cast.comm_a, today=dt.date(YEAR, 2, 1))
    assert [r.ok for r in m.records] == [False, False]


# ---- 矛盾纠纷按时办结 ----------------------------------------------------------------------------
def _case(community, place, received, *, kind="mediation", closed=None):
    return Case.objects.create(
        community=community,
        place=place,
        kind=kind,
        category="neighbour",
        received_on=received,
        summary="测试纠纷",
        deadline=received + dt.timedelta(days=60 if kind == "petition" else 30),
        state="closed" if closed else "received",
        outcome="success" if closed else "",
        closed_on=closed,
    )


def test_cases_counts_those_due_or_closed_in_the_year_on_time_when_closed_by_the_deadline(
    cast, areas
):
    home, home_b = areas["a"][1], areas["b"][1]
    d = dt.date
    on_time = _case(cast.comm_a, home, d(YEAR, 3, 1), closed=d(YEAR, 3, 31))  # the 30th day
    late = _case(cast.comm_a, home, d(YEAR, 3, 1), closed=d(YEAR, 4, 1))
    _case(cast.comm_a, home, d(YEAR, 11, 15), kind="petition")  # due next year, open
    open_due = _case(cast.comm_a, home, d(YEAR - 1, 12, 15))  # due 14 Jan, still open
    _case(cast.comm_a, home, d(YEAR - 1, 11, 1), closed=d(YEAR - 1, 11, 20))  # last year's
    closed_late = _case(
        cast.comm_a, home, d(YEAR - 1, 9, 1), kind="petition", closed=d(YEAR, 1, 10)
    )
    _case(cast.comm_b, home_b, d(YEAR, 3, 1))  # community B
    m = measure("results.cases", cast.comm_a)
    got = {r.url: r.ok for r in m.records}
    assert got == {
        f"/mediation/{on_time.pk}/": True,
        f"/mediation/{late.pk}/": False,
        f"/mediation/{open_due.pk}/": False,
        f"/mediation/{closed_late.pk}/": False,
    }
    assert (m.numerator, m.denominator) == (1, 4)


def test_a_case_not_yet_due_is_not_counted_while_the_year_runs(cast, areas):
    _case(cast.comm_a, areas["a"][1], dt.date(YEAR, 3, 1))  # due 31 March
    assert not measure("results.cases", cast.comm_a, today=dt.date(YEAR, 3, 30)).records
    assert len(measure("results.cases", cast.comm_a, today=dt.date(YEAR, 3, 31)).records) == 1


def test_a_case_keeps_the_deadline_it_was_given_as_the_ledger_does(cast, areas, local_rules):
    case = _case(cast.comm_a, areas["a"][1], dt.date(YEAR, 3, 1), closed=dt.date(YEAR, 4, 1))
    assert measure("results.cases", cast.comm_a).ratio == 0
    # a locality that changes its days later changes new cases' deadlines, not this one's: the
    # case ledger and the 待办 judge it by its stored deadline, and so does the indicator
    local_rules(orgs={cast.comm_a.code: {"grid.case_deadline": {"mediation": 31}}})
    assert measure("results.cases", cast.comm_a).ratio == 0
    assert "调解 31 日" in measure("results.cases", cast.comm_a).note
    Case.objects.filter(pk=case.pk).update(deadline=dt.date(YEAR, 4, 1))
    assert measure("results.cases", cast.comm_a).ratio == 1


# ---- 困难家庭结对 ------------------------------------------------------------------------------
def _checkin(cast, community, on=dt.date(YEAR - 1, 1, 1), ended=None):
    m = make_member(org=cast.branch_b, name=f"结对党员{next(_n)}")
    return CheckIn.objects.create(member=m, community=community, checked_in_on=on, ended_on=ended)


def _pair(checkin, home, since=dt.date(YEAR, 1, 1), until=None):
    return Pairing.objects.create(checkin=checkin, household=home, since=since, until=until)


def test_households_counts_each_household_in_difficulty_during_the_year_with_its_pairings(cast):
    homes = [make_household(cast.corridor_a, f"{i}01室") for i in range(1, 7)]
    d = dt.date
    for h in homes[:5]:
        Difficulty.objects.create(household=h, kind=Kind.ALONE, since=d(YEAR, 2, 1))
    Difficulty.objects.create(household=homes[0], kind=Kind.DISABLED, since=d(YEAR, 3, 1))
    # ended last year: not on the year's register
    Difficulty.objects.create(
        household=homes[5], kind=Kind.ALONE, since=d(YEAR - 2, 1, 1), until=d(YEAR - 1, 12, 31)
    )
    ci = _checkin(cast, cast.comm_a)
    _pair(ci, homes[0])  # paired: met (one row though two difficulties)
    _pair(ci, homes[1], until=d(YEAR, 6, 30))  # the pairing ended in June: not met at year end
    _pair(_checkin(cast, cast.comm_a, ended=d(YEAR, 5, 1)), homes[2])  # the member left
    _pair(ci, homes[3], since=d(YEAR + 1, 1, 2))  # paired only next year
    _pair(ci, homes[5])
    # homes[4] has no pairing
    m = measure("results.households", cast.comm_a)
    got = {r.url: r.ok for r in m.records}
    assert got == {
        f"/households/{homes[0].pk}/": True,
        f"/households/{homes[1].pk}/": False,
        f"/households/{homes[2].pk}/": False,
        f"/households/{homes[3].pk}/": False,
        f"/households/{homes[4].pk}/": False,
    }
    assert (m.numerator, m.denominator) == (1, 5)
    assert "1单元" in m.records[0].label  # where the household is, never its difficulty
    assert all("独居" not in r.note for r in m.records)


def test_a_household_whose_difficulty_ended_counts_its_pairing_on_that_day(cast):
    home = make_household(cast.corridor_a, "101室")
    Difficulty.objects.create(
        household=home, kind=Kind.ALONE, since=dt.date(YEAR, 1, 1), until=dt.date(YEAR, 6, 30)
    )
    _pair(_checkin(cast, cast.comm_a), home, until=dt.date(YEAR, 6, 30))
    m = measure("results.households", cast.comm_a)
    assert [r.ok for r in m.records] == [True] and m.records[0].day == dt.date(YEAR, 6, 30)


def test_households_need_the_rules_number_of_members(cast, local_rules):
    home = make_household(cast.corridor_a, "101室")
    Difficulty.objects.create(household=home, kind=Kind.ALONE, since=dt.date(YEAR, 1, 1))
    _pair(_checkin(cast, cast.comm_a), home)
    assert measure("results.households", cast.comm_a).ratio == 1
    local_rules(default={"households.pairing": {"min_members": 2}})
    assert measure("results.households", cast.comm_a).ratio == 0


def test_community_bs_household_is_never_counted_for_a(cast):
    grid_b = make_place(parent=cast.place_b, community=cast.comm_b, kind=PlaceKind.GRID)
    home_b = make_household(corridor_in(grid_b), "乙101室")
    Difficulty.objects.create(household=home_b, kind=Kind.ALONE, since=dt.date(YEAR, 1, 1))
    assert measure("results.households", cast.comm_a).records == []
    assert len(measure("results.households", cast.comm_b).records) == 1


# ---- queries do not grow with the records --------------------------------------------------
def _grow(cast, areas, n):
    home = areas["a"][1]
    for i in range(n):
        unit = make_unit(community=cast.comm_a)
        _rate(unit, 1 + i % 5)
        h = make_household(cast.corridor_a, f"户{next(_n)}")
        add_visits(h, cast.comm_a_sec, [dt.date(YEAR, 1 + i % 12, 5)])
        Difficulty.objects.create(household=h, kind=Kind.ALONE, since=dt.date(YEAR, 1, 1))
        _pair(_checkin(cast, cast.comm_a), h)
        _case(cast.comm_a, home, dt.date(YEAR, 1 + i % 12, 2), closed=dt.date(YEAR, 1 + i % 12, 9))
        make_place(parent=cast.place_a, community=cast.comm_a, kind=PlaceKind.GRID)


@pytest.mark.parametrize(
    "key", ["results.cobuild", "results.grid_visits", "results.cases", "results.households"]
)
def test_the_number_of_queries_does_not_grow_with_the_records(cast, areas, key):
    _grow(cast, areas, 2)
    few = _max_queries(lambda: measure(key, cast.comm_a))
    _grow(cast, areas, 8)
    m = None

    def run():
        nonlocal m
        m = measure(key, cast.comm_a)

    many = _max_queries(run)
    assert m is not None and len(m.records) >= 8
    assert many == few
