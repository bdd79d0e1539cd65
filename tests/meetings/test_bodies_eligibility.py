"""Criticism notices and award eligibility (rule council.absence_criticism): counted per unit
per calendar year of the meeting, withdrawn notices left out, locality overrides honoured."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dangjian.core import rules
from dangjian.meetings import services
from dangjian.meetings.models import Criticism, MeetingKind
from dangjian.meetings.selectors import bodies as sel
from dangjian.meetings.services import Mark

from .factories import make_body, make_meeting, make_seat, make_unit

pytestmark = pytest.mark.django_db
D = dt.date


def absent(seat, day, *, body=None):
    """A council of the seat's body on ``day`` where the seat was absent without excuse."""
    meeting = make_meeting(
        org=(body or seat.body).org, kind=MeetingKind.COUNCIL, body=body or seat.body, date=day
    )
    services.attendance_record(
        meeting=meeting, marks=[Mark(status="absent", seat_id=seat.pk)], acting_user=None
    )
    return meeting


def present(meeting, seat):
    services.attendance_record(meeting=meeting, marks=[], acting_user=None)


@pytest.fixture
def seat(cast):
    body = make_body(org=cast.comm_a)
    return make_seat(body=body, unit=make_unit(community=cast.comm_a, head="钱校长"))


@pytest.fixture
def override(tmp_path, settings):
    def write(data):
        path = tmp_path / "rules.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        settings.DANGJIAN_RULES_FILE = str(path)
        rules.reset_cache()

    yield write
    rules.reset_cache()


def test_two_notices_in_one_year_cost_the_unit_and_its_head_that_years_awards(cast, seat):
    absent(seat, D(2025, 3, 10))
    absent(seat, D(2025, 12, 31))
    out = sel.ineligible_units(user=cast.comm_a_sec, year=2025)
    assert [(s.unit_id, s.count, s.heads) for s in out] == [(seat.unit_id, 2, ["钱校长"])]
    assert sel.ineligible_unit_ids(user=cast.comm_a_sec, year=2025) == {seat.unit_id}
    assert sel.ineligible_units(user=cast.comm_a_sec, year=2026) == []


def test_notices_of_31_december_and_1_january_fall_in_different_years(cast, seat):
    absent(seat, D(2025, 12, 31))
    absent(seat, D(2026, 1, 1))
    assert Criticism.objects.filter(seat=seat).count() == 2
    for year in (2025, 2026):
        counts = sel.criticism_counts(user=cast.comm_a_sec, year=year)
        assert counts == {sel.UnitKey("unit", seat.unit_id): 1}
        assert sel.ineligible_units(user=cast.comm_a_sec, year=year) == []


def test_a_withdrawn_notice_does_not_count(cast, seat):
    absent(seat, D(2025, 3, 10))
    second = absent(seat, D(2025, 6, 10))
    assert sel.ineligible_unit_ids(user=cast.comm_a_sec, year=2025) == {seat.unit_id}
    present(second, seat)  # the absence is corrected: the notice is withdrawn, not deleted
    assert Criticism.objects.filter(seat=seat).count() == 2
    assert sel.criticism_counts(user=cast.comm_a_sec, year=2025) == {
        sel.UnitKey("unit", seat.unit_id): 1
    }
    assert sel.ineligible_units(user=cast.comm_a_sec, year=2025) == []


def test_a_locality_override_changes_how_many_notices_cost_the_awards(cast, seat, override):
    absent(seat, D(2025, 3, 10))
    assert sel.ineligible_units(user=cast.comm_a_sec, year=2025) == []
    override({"orgs": {"CA": {"council.absence_criticism": {"notices_to_lose_awards": 1}}}})
    out = sel.ineligible_units(user=cast.comm_a_sec, year=2025)
    assert [(s.unit_id, s.needed) for s in out] == [(seat.unit_id, 1)]
    # another community keeps the default
    body_b = make_body(org=cast.comm_b)
    seat_b = make_seat(body=body_b, unit=make_unit(community=cast.comm_b))
    absent(seat_b, D(2025, 3, 10))
    assert sel.ineligible_unit_ids(user=cast.comm_b_sec, year=2025) == set()


def test_a_unit_is_counted_across_the_bodies_it_sits_on(cast, seat):
    other = make_body(org=cast.comm_a, name="另一个联席会")
    seat2 = make_seat(body=other, unit=seat.unit)
    absent(seat, D(2025, 3, 10))
    absent(seat2, D(2025, 4, 10))
    assert sel.ineligible_unit_ids(user=cast.comm_a_sec, year=2025) == {seat.unit_id}


def test_an_organisation_on_a_body_is_counted_by_its_seat(cast):
    body = make_body(org=cast.comm_a)
    from dangjian.meetings import services_bodies

    seat = services_bodies.seat_add(
        body=body,
        member_org=cast.branch_a,
        head="孙书记",
        joined_on=D(2025, 1, 1),
        acting_user=None,
    )
    absent(seat, D(2025, 3, 10))
    absent(seat, D(2025, 5, 10))
    out = sel.ineligible_units(user=cast.comm_a_sec, year=2025)
    assert [(s.key, s.unit_id, s.heads) for s in out] == [
        (sel.UnitKey("seat", seat.pk), None, ["孙书记"])
    ]


def test_another_community_sees_no_notices(cast, seat):
    absent(seat, D(2025, 3, 10))
    absent(seat, D(2025, 4, 10))
    assert sel.ineligible_units(user=cast.comm_b_sec, year=2025) == []
    assert sel.criticism_counts(user=cast.comm_b_sec, year=2025) == {}


def test_counts_restricted_to_given_units(cast, seat):
    other = make_seat(body=seat.body)
    absent(seat, D(2025, 3, 10))
    absent(other, D(2025, 3, 11))
    counts = sel.criticism_counts(user=cast.comm_a_sec, year=2025, units=[seat.unit])
    assert counts == {sel.UnitKey("unit", seat.unit_id): 1}


def test_standings_cost_the_same_queries_for_5_and_50_units(cast, django_assert_num_queries):
    body = make_body(org=cast.comm_a)

    def run(n):
        seats = [make_seat(body=body) for _ in range(n)]
        meeting = make_meeting(
            org=cast.comm_a, kind=MeetingKind.COUNCIL, body=body, date=D(2025, 2, 1)
        )
        services.attendance_record(
            meeting=meeting,
            marks=[Mark(status="absent", seat_id=s.pk) for s in seats],
            acting_user=None,
        )

    run(5)
    user = cast.comm_a_sec
    sel.standings(user=user, year=2025)  # the scope is cached on the user
    with django_assert_num_queries(1):
        assert len(sel.standings(user=user, year=2025)) == 5
    run(45)
    with django_assert_num_queries(1):
        assert len(sel.standings(user=user, year=2025)) == 50
