"""Monthly visit coverage per area (rule grid.area_visits) and the key households' visits."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.grid import selectors_visits as sel
from dangjian.grid.models import KeyHousehold
from dangjian.meetings.cadence import AMBER, GREEN, RED

from .visits_fixtures import add_visits, corridor_in, make_household, vw_fixture  # noqa: F401

TODAY = dt.date(2025, 6, 15)


def _row(cov, area):
    return next(r for r in cov.rows if r.area == area)


def _lights(row):
    return [c.light for c in row.cells]


def test_a_month_with_a_visit_is_green_without_one_red_and_the_current_month_amber(cast, vw):
    add_visits(vw.home_a, vw.cadre_a, [dt.date(2025, 1, 31), dt.date(2025, 3, 1)])
    add_visits(vw.home_a_2, vw.cadre_a, [dt.date(2025, 3, 2)])
    add_visits(vw.home_a, vw.cadre_a, [dt.date(2024, 2, 10), dt.date(2025, 6, 16)])  # not this
    cov = sel.coverage(user=vw.secretary, community=cast.comm_a, year=2025, today=TODAY)
    row = _row(cov, vw.grid_a)
    assert _lights(row) == [GREEN, RED, GREEN, RED, RED, AMBER, *[None] * 6]
    march = row.cells[2]
    assert (march.visits, march.households) == (2, 2)
    assert (row.light, row.missed) == (RED, 3)
    assert cov.light == RED
    assert cov.required == 1


def test_the_current_month_turns_green_with_its_first_visit(cast, vw):
    days = [dt.date(2025, m, 1) for m in range(1, 6)]
    add_visits(vw.home_a, vw.cadre_a, days)
    row = _row(
        sel.coverage(user=vw.secretary, community=cast.comm_a, year=2025, today=TODAY), vw.grid_a
    )
    assert row.light == AMBER
    add_visits(vw.home_a, vw.cadre_a, [TODAY])
    row = _row(
        sel.coverage(user=vw.secretary, community=cast.comm_a, year=2025, today=TODAY), vw.grid_a
    )
    assert (row.light, row.cells[5].light) == (GREEN, GREEN)


def test_the_rule_number_comes_from_the_rules_table(cast, vw, settings):
    from dangjian.core import rules

    settings.DANGJIAN_RULES = {"default": {"grid.area_visits": {"min_count": 2}}}
    rules.reset_cache()
    try:
        add_visits(vw.home_a, vw.cadre_a, [dt.date(2025, 1, 5)])
        cov = sel.coverage(user=vw.secretary, community=cast.comm_a, year=2025, today=TODAY)
        assert cov.required == 2
        assert _row(cov, vw.grid_a).cells[0].light == RED
    finally:
        settings.DANGJIAN_RULES = None
        rules.reset_cache()


def test_a_cadre_sees_only_their_own_area(cast, vw):
    add_visits(vw.home_a2, vw.cadre_a2, [dt.date(2025, 1, 5)])
    cov = sel.coverage(user=vw.cadre_a, community=cast.comm_a, year=2025, today=TODAY)
    assert [r.area for r in cov.rows] == [vw.grid_a]
    assert all(c.visits == 0 for c in cov.rows[0].cells)
    cov = sel.coverage(user=vw.secretary, community=cast.comm_a, year=2025, today=TODAY)
    assert [r.area for r in cov.rows] == [vw.grid_a, vw.grid_a2]


def test_a_key_household_visited_only_by_others_is_flagged(cast, vw):
    for h in (vw.home_a, vw.home_a_2, vw.home_a2):
        KeyHousehold.objects.create(household=h, reason="独居", since=dt.date(2025, 1, 1))
    add_visits(vw.home_a, vw.cadre_a, [dt.date(2025, 2, 1)])
    add_visits(vw.home_a, vw.secretary, [dt.date(2024, 12, 1)], by_secretary=True)  # before
    add_visits(vw.home_a_2, vw.secretary, [dt.date(2025, 3, 1)], by_secretary=True)
    rows = sel.key_households(
        user=vw.secretary, community=cast.comm_a, start=dt.date(2025, 1, 1), end=TODAY
    )
    state = {r.mark.household: (r.state, r.flagged, r.by_secretary, r.by_others) for r in rows}
    assert state[vw.home_a] == (sel.OTHERS_ONLY, True, 0, 1)
    assert state[vw.home_a_2] == (sel.SECRETARY, False, 1, 0)
    assert state[vw.home_a2] == (sel.NOT_VISITED, True, 0, 0)
    assert rows[-1].mark.household == vw.home_a_2  # the flagged come first
    mine = sel.key_households(
        user=vw.cadre_a, community=cast.comm_a, start=dt.date(2025, 1, 1), end=TODAY
    )
    assert {r.mark.household for r in mine} == {vw.home_a, vw.home_a_2}


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_coverage_and_key_households_cost_the_same_for_one_area_and_many(cast, vw):
    def run():
        sel.coverage(user=vw.secretary, community=cast.comm_a, year=2025, today=TODAY)
        sel.key_households(
            user=vw.secretary, community=cast.comm_a, start=dt.date(2025, 1, 1), end=TODAY
        )

    add_visits(vw.home_a, vw.cadre_a, [dt.date(2025, 1, 5)])
    run()  # the user's scope is then cached, as it is for the rest of a request
    small = _count(run)
    assert small <= 3
    for i in range(6):
        from dangjian.orgs.models import PlaceKind
        from tests.factories import make_place

        grid = make_place(
            parent=cast.place_a, community=cast.comm_a, kind=PlaceKind.GRID, name=f"加网格{i}"
        )
        h = make_household(corridor_in(grid), f"加户{i}")
        add_visits(h, vw.cadre_a, [dt.date(2025, m, 3) for m in range(1, 7)])
        KeyHousehold.objects.create(household=h, reason="独居", since=dt.date(2025, 1, 1))
    assert _count(run) == small
