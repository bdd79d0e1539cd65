"""Cadence without a database: periods, their boundaries, and statuses from counts."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.meetings import cadence as cad
from dangjian.meetings.models import BodyKind, MeetingKind
from dangjian.orgs.models import OrgKind

D = dt.date


@pytest.mark.parametrize(
    ("day", "kind", "key", "start", "end"),
    [
        (D(2025, 3, 31), cad.QUARTER, "2025-Q1", D(2025, 1, 1), D(2025, 3, 31)),
        (D(2025, 4, 1), cad.QUARTER, "2025-Q2", D(2025, 4, 1), D(2025, 6, 30)),
        (D(2025, 6, 30), cad.HALF, "2025-H1", D(2025, 1, 1), D(2025, 6, 30)),
        (D(2025, 7, 1), cad.HALF, "2025-H2", D(2025, 7, 1), D(2025, 12, 31)),
        (D(2025, 12, 31), cad.YEAR, "2025", D(2025, 1, 1), D(2025, 12, 31)),
        (D(2026, 1, 1), cad.YEAR, "2026", D(2026, 1, 1), D(2026, 12, 31)),
        (D(2024, 2, 29), cad.MONTH, "2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        (D(2025, 12, 31), cad.MONTH, "2025-12", D(2025, 12, 1), D(2025, 12, 31)),
    ],
)
def test_a_day_falls_in_the_period_that_contains_it(day, kind, key, start, end):
    p = cad.period_of(day, kind)
    assert (p.key, p.start, p.end) == (key, start, end)
    assert p.contains(day)


def test_a_year_has_twelve_months_four_quarters_two_halves_and_one_year():
    assert [len(cad.periods_in(2025, k)) for k in cad.PERIOD_KINDS] == [12, 4, 2, 1]
    quarters = cad.periods_in(2025, cad.QUARTER)
    assert [q.end for q in quarters] == [
        D(2025, 3, 31),
        D(2025, 6, 30),
        D(2025, 9, 30),
        D(2025, 12, 31),
    ]
    assert quarters[0].label == "一季度"


def test_an_unknown_period_kind_is_refused():
    with pytest.raises(ValueError):
        cad.period_of(D(2025, 1, 1), "week")


def _held(day, kind, body_kind=None, led=False, pk=1):
    return cad.Held(month=day, kind=kind, body_kind=body_kind, led=led, meetings=((pk, day),))


def _evaluate(org_kind, held, today, **kw):
    checks = cad.checks_for(org_kind)
    counts, found = cad.tally(held, checks, cad.default_numbers)
    return cad.evaluate(
        org_kind=org_kind, year=2025, today=today, counts=counts, meetings=found, **kw
    )


def _line(ev, check_id):
    return next(line for line in ev.lines if line.check.id == check_id)


def test_statuses_follow_today_done_overdue_due_upcoming():
    held = [_held(D(2025, 3, 31), MeetingKind.BRANCH_GENERAL, pk=7)]
    ev = _evaluate(OrgKind.BRANCH, held, today=D(2025, 8, 15), full_members=3)
    cells = _line(ev, "meeting.branch_general").cells
    assert [c.status for c in cells] == [cad.DONE, cad.OVERDUE, cad.DUE, cad.UPCOMING]
    assert cells[0].meetings == [(7, D(2025, 3, 31))]
    assert ev.light == cad.RED


def test_a_branch_below_the_committee_threshold_has_the_committee_rule_not_applicable():
    ev = _evaluate(OrgKind.BRANCH, [], today=D(2025, 1, 10), full_members=6)
    line = _line(ev, "meeting.branch_committee")
    assert not line.applicable and "不足 7 名" in line.reason
    assert {c.status for c in line.cells} == {cad.NA}
    ev = _evaluate(OrgKind.BRANCH, [], today=D(2025, 1, 10), full_members=7)
    assert _line(ev, "meeting.branch_committee").applicable


def test_periods_before_the_organisation_existed_are_not_required():
    ev = _evaluate(OrgKind.GROUP, [], today=D(2025, 5, 20), established_on=D(2025, 3, 10))
    statuses = [c.status for c in _line(ev, "meeting.group").cells[:6]]
    assert statuses == [cad.NA, cad.NA, cad.NA, cad.OVERDUE, cad.DUE, cad.UPCOMING]


def test_the_light_is_amber_when_nothing_is_overdue_but_something_is_due_now():
    held = [_held(D(2025, 1, 5), MeetingKind.GROUP)]
    ev = _evaluate(OrgKind.GROUP, held, today=D(2025, 2, 3))
    assert (ev.light, ev.overdue, ev.due, ev.done) == (cad.AMBER, 0, 1, 1)
    held.append(_held(D(2025, 2, 1), MeetingKind.GROUP))
    assert _evaluate(OrgKind.GROUP, held, today=D(2025, 2, 3)).light == cad.GREEN


def test_a_county_leader_meeting_counts_only_with_a_leader_and_only_in_a_joint_body():
    held = [
        _held(D(2025, 2, 1), MeetingKind.LEADER_VISIT, led=False, pk=1),
        _held(D(2025, 2, 2), MeetingKind.COUNCIL, BodyKind.COORDINATION, led=True, pk=2),
        _held(D(2025, 5, 3), MeetingKind.LEADER_VISIT, led=True, pk=3),
        _held(D(2025, 5, 4), MeetingKind.COUNCIL, BodyKind.JOINT, led=True, pk=4),
    ]
    ev = _evaluate(OrgKind.GENERAL_BRANCH, held, today=D(2025, 6, 30))
    visits = _line(ev, "council.county_leaders.visits").cells
    meetings = _line(ev, "council.county_leaders.meetings").cells
    assert [c.status for c in visits[:2]] == [cad.OVERDUE, cad.DONE]
    assert [c.status for c in meetings[:2]] == [cad.OVERDUE, cad.DONE]
    joint = _line(ev, "council.joint").cells
    assert joint[4].status == cad.DONE and joint[1].status == cad.OVERDUE


def test_a_community_branch_carries_both_branch_and_community_rules():
    ids = {c.id for c in cad.checks_for(OrgKind.COMMUNITY_BRANCH)}
    assert {"meeting.branch_general", "council.joint", "council.county_leaders.visits"} <= ids
    assert {c.id for c in cad.checks_for(OrgKind.TOWN)} == {"council.coordination"}
    assert {c.id for c in cad.checks_for(OrgKind.COUNTY)} == {"council.guidance"}
    assert cad.checks_for(OrgKind.UNIT_ORG) == []


def test_every_check_names_a_rule_of_the_table_with_its_numbers():
    from dangjian.core import rules

    for check in cad.CHECKS:
        values = rules.effective(check.rule_id)
        assert check.count_key in values
        assert cad.period_kind(check, cad.default_numbers) in cad.PERIOD_KINDS
