"""Each cadence rule against real meetings, at the period boundaries; what does not count;
locality overrides from the rules file."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dangjian.core import rules
from dangjian.meetings import cadence as cad
from dangjian.meetings import services
from dangjian.meetings.models import BodyKind, MeetingKind
from dangjian.meetings.selectors.cadence import cadence_for_org, cadence_rollup
from dangjian.orgs.models import Organisation
from tests.factories import make_member
from tests.meetings.factories import make_body, make_meeting

D = dt.date
END_2025 = D(2025, 12, 31)
AFTER = D(2026, 1, 2)  # the whole of 2025 is past


def _cells(result, check_id):
    line = next(x for x in result.evaluation.lines if x.check.id == check_id)
    return {c.period.key: c for c in line.cells}


def _grid(cast, org, today=AFTER, user=None):
    return cadence_for_org(user=user or cast.admin, org=org, year=2025, today=today)


def test_a_general_meeting_on_31_march_counts_for_q1_and_on_1_april_for_q2(cast):
    m1 = make_meeting(org=cast.branch_a, kind=MeetingKind.BRANCH_GENERAL, date=D(2025, 3, 31))
    make_meeting(org=cast.branch_a, kind=MeetingKind.BRANCH_GENERAL, date=D(2025, 4, 1))
    cells = _cells(_grid(cast, cast.branch_a), "meeting.branch_general")
    assert cells["2025-Q1"].status == cad.DONE
    assert cells["2025-Q1"].meetings == [(m1.pk, D(2025, 3, 31))]
    assert cells["2025-Q2"].status == cad.DONE
    assert cells["2025-Q3"].status == cad.OVERDUE


def test_a_meeting_held_today_on_the_last_day_of_a_quarter_counts_for_it(cast):
    make_meeting(org=cast.branch_a, kind=MeetingKind.PARTY_LECTURE, date=D(2025, 3, 31))
    cells = _cells(_grid(cast, cast.branch_a, today=D(2025, 3, 31)), "meeting.party_lecture")
    assert cells["2025-Q1"].status == cad.DONE
    assert cells["2025-Q2"].status == cad.UPCOMING


@pytest.mark.parametrize(
    ("kind", "check", "last", "first", "keys"),
    [
        (
            MeetingKind.THEME_DAY,
            "meeting.theme_day",
            D(2025, 1, 31),
            D(2025, 2, 1),
            ("2025-01", "2025-02"),
        ),
        (
            MeetingKind.PARTY_LECTURE,
            "meeting.party_lecture",
            D(2025, 6, 30),
            D(2025, 7, 1),
            ("2025-Q2", "2025-Q3"),
        ),
    ],
)
def test_branch_rules_count_a_meeting_in_the_period_of_its_date(
    cast, kind, check, last, first, keys
):
    make_meeting(org=cast.branch_a, kind=kind, date=last)
    cells = _cells(_grid(cast, cast.branch_a), check)
    assert cells[keys[0]].status == cad.DONE and cells[keys[1]].status == cad.OVERDUE
    make_meeting(org=cast.branch_a, kind=kind, date=first)
    cells = _cells(_grid(cast, cast.branch_a), check)
    assert cells[keys[1]].status == cad.DONE


@pytest.mark.parametrize("kind", [MeetingKind.ORG_LIFE, MeetingKind.MEMBER_APPRAISAL])
def test_yearly_branch_rules_count_31_december_for_that_year_and_1_january_for_the_next(cast, kind):
    check = f"meeting.{kind}"
    make_meeting(org=cast.branch_a, kind=kind, date=D(2026, 1, 1))
    assert _cells(_grid(cast, cast.branch_a), check)["2025"].status == cad.OVERDUE
    make_meeting(org=cast.branch_a, kind=kind, date=END_2025)
    assert _cells(_grid(cast, cast.branch_a), check)["2025"].status == cad.DONE


def test_the_committee_rule_does_not_apply_below_the_threshold_and_applies_from_it(cast):
    need = rules.value("org.branch_committee_threshold", "min_full_members")
    for _i in range(need - 1):
        make_member(org=cast.branch_a_2)
    line = next(
        x
        for x in _grid(cast, cast.branch_a_2).evaluation.lines
        if x.check.id == "meeting.branch_committee"
    )
    assert not line.applicable and "不设支部委员会" in line.reason
    make_member(org=cast.branch_a_2)
    make_meeting(org=cast.branch_a_2, kind=MeetingKind.BRANCH_COMMITTEE, date=D(2025, 11, 30))
    cells = _cells(_grid(cast, cast.branch_a_2), "meeting.branch_committee")
    assert cells["2025-11"].status == cad.DONE and cells["2025-12"].status == cad.OVERDUE


def test_a_group_holds_a_group_meeting_every_month(cast):
    make_meeting(org=cast.group_a, kind=MeetingKind.GROUP, date=D(2025, 5, 31))
    result = _grid(cast, cast.group_a, today=D(2025, 6, 1))
    assert [x.check.id for x in result.evaluation.lines] == ["meeting.group"]
    cells = _cells(result, "meeting.group")
    assert (cells["2025-05"].status, cells["2025-06"].status) == (cad.DONE, cad.DUE)
    assert cells["2025-04"].status == cad.OVERDUE


def test_the_joint_council_counts_only_the_communitys_own_joint_body(cast):
    joint = make_body(org=cast.comm_a, kind=BodyKind.JOINT)
    council = make_body(org=cast.comm_a, kind=BodyKind.MEMBER_COUNCIL, name="党员议事会")
    make_meeting(org=cast.comm_a, kind=MeetingKind.COUNCIL, body=joint, date=D(2025, 1, 31))
    make_meeting(org=cast.comm_a, kind=MeetingKind.COUNCIL, body=council, date=D(2025, 2, 1))
    cells = _cells(_grid(cast, cast.comm_a), "council.joint")
    assert cells["2025-01"].status == cad.DONE and cells["2025-02"].status == cad.OVERDUE


def test_coordination_on_30_june_counts_for_the_first_half_and_1_july_for_the_second(cast):
    body = make_body(org=cast.street_b, kind=BodyKind.COORDINATION, name="协调委员会")
    make_meeting(org=cast.street_b, kind=MeetingKind.COUNCIL, body=body, date=D(2025, 6, 30))
    cells = _cells(_grid(cast, cast.street_b), "council.coordination")
    assert (cells["2025-H1"].status, cells["2025-H2"].status) == (cad.DONE, cad.OVERDUE)
    make_meeting(org=cast.street_b, kind=MeetingKind.COUNCIL, body=body, date=D(2025, 7, 1))
    assert _cells(_grid(cast, cast.street_b), "council.coordination")["2025-H2"].status == cad.DONE


def test_guidance_on_31_december_counts_for_that_year_not_1_january_after(cast):
    body = make_body(org=cast.county, kind=BodyKind.GUIDANCE, name="指导委员会")
    make_meeting(org=cast.county, kind=MeetingKind.COUNCIL, body=body, date=D(2026, 1, 1))
    assert _cells(_grid(cast, cast.county), "council.guidance")["2025"].status == cad.OVERDUE
    make_meeting(org=cast.county, kind=MeetingKind.COUNCIL, body=body, date=END_2025)
    assert _cells(_grid(cast, cast.county), "council.guidance")["2025"].status == cad.DONE


def test_county_leaders_visit_and_sit_in_a_joint_meeting_every_quarter(cast):
    joint = make_body(org=cast.comm_a, kind=BodyKind.JOINT)
    leader = services.leader_link_create(
        acting_user=None, community=cast.comm_a, name="王县长", since=D(2024, 1, 1)
    )
    make_meeting(org=cast.comm_a, kind=MeetingKind.LEADER_VISIT, date=D(2025, 3, 31))  # no leader
    make_meeting(
        org=cast.comm_a, kind=MeetingKind.LEADER_VISIT, date=D(2025, 4, 1), leaders=[leader]
    )
    make_meeting(
        org=cast.comm_a,
        kind=MeetingKind.COUNCIL,
        body=joint,
        date=D(2025, 3, 31),
        leaders=[leader],
    )
    result = _grid(cast, cast.comm_a)
    visits = _cells(result, "council.county_leaders.visits")
    meetings = _cells(result, "council.county_leaders.meetings")
    assert (visits["2025-Q1"].status, visits["2025-Q2"].status) == (cad.OVERDUE, cad.DONE)
    assert (meetings["2025-Q1"].status, meetings["2025-Q2"].status) == (cad.DONE, cad.OVERDUE)
    need = rules.value("council.county_leaders", "leaders_per_community")
    assert (result.leaders.linked, result.leaders.required) == (1, need)
    assert not result.leaders.ok


def test_a_leader_link_ended_or_not_yet_started_is_not_counted(cast):
    for since, until in (
        (D(2024, 1, 1), D(2025, 6, 30)),
        (D(2026, 1, 1), None),
        (D(2025, 1, 1), None),
    ):
        services.leader_link_create(
            acting_user=None, community=cast.comm_a, name="李县长", since=since, until=until
        )
    assert _grid(cast, cast.comm_a).leaders.linked == 1


def test_cancelled_and_future_meetings_do_not_count(cast):
    make_meeting(
        org=cast.branch_a, kind=MeetingKind.BRANCH_GENERAL, date=D(2025, 2, 1), cancelled=True
    )
    make_meeting(org=cast.branch_a, kind=MeetingKind.BRANCH_GENERAL, date=D(2025, 5, 20))
    cells = _cells(_grid(cast, cast.branch_a, today=D(2025, 5, 19)), "meeting.branch_general")
    assert cells["2025-Q1"].status == cad.OVERDUE  # cancelled
    assert cells["2025-Q2"].status == cad.DUE and cells["2025-Q2"].count == 0  # not held yet


def test_meetings_of_another_organisation_do_not_count(cast):
    make_meeting(org=cast.branch_a_2, kind=MeetingKind.BRANCH_GENERAL, date=D(2025, 2, 1))
    cells = _cells(_grid(cast, cast.branch_a), "meeting.branch_general")
    assert cells["2025-Q1"].status == cad.OVERDUE


# ---- locality overrides -----------------------------------------------------------------------
@pytest.fixture
def override(tmp_path, settings):
    def write(data):
        path = tmp_path / "rules.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        settings.DANGJIAN_RULES_FILE = str(path)
        rules.reset_cache()

    yield write
    rules.reset_cache()


def test_a_locality_override_changes_the_outcome_for_that_community_only(cast, override):
    for org in (cast.branch_a, cast.branch_b):
        make_meeting(org=org, kind=MeetingKind.BRANCH_GENERAL, date=D(2025, 2, 1))
    assert (
        _cells(_grid(cast, cast.branch_a), "meeting.branch_general")["2025-Q1"].status == cad.DONE
    )
    override({"orgs": {"CA": {"meeting.branch_general": {"min_count": 2}}}})
    assert (
        _cells(_grid(cast, cast.branch_a), "meeting.branch_general")["2025-Q1"].status
        == cad.OVERDUE
    )
    assert (
        _cells(_grid(cast, cast.branch_b), "meeting.branch_general")["2025-Q1"].status == cad.DONE
    )
    # the roll-up reads the same numbers without asking per organisation
    rollup = cadence_rollup(user=cast.admin, root=cast.county, year=2025, today=AFTER)
    by_org = {r.org.pk: r for r in rollup.rows}
    line_a = next(
        x
        for x in by_org[cast.branch_a.pk].evaluation.lines
        if x.check.id == "meeting.branch_general"
    )
    assert line_a.required == 2
    done_a = by_org[cast.branch_a.pk].evaluation.done
    done_b = by_org[cast.branch_b.pk].evaluation.done
    assert (done_a, done_b) == (0, 1)


def test_a_locality_may_change_the_period_of_a_rule(cast, override):
    override({"default": {"meeting.theme_day": {"period": "quarter"}}})
    make_meeting(org=cast.branch_a, kind=MeetingKind.THEME_DAY, date=D(2025, 1, 10))
    cells = _cells(_grid(cast, cast.branch_a), "meeting.theme_day")
    assert list(cells) == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert cells["2025-Q1"].status == cad.DONE


# ---- lights and the roll-up ---------------------------------------------------------------------
def _all_branch_meetings(org, day):
    for kind in (
        MeetingKind.BRANCH_GENERAL,
        MeetingKind.PARTY_LECTURE,
        MeetingKind.THEME_DAY,
        MeetingKind.ORG_LIFE,
        MeetingKind.MEMBER_APPRAISAL,
    ):
        make_meeting(org=org, kind=kind, date=day)


def test_lights_red_amber_green_and_the_rollup_totals_count_every_organisation(cast):
    today = D(2025, 1, 20)
    _all_branch_meetings(cast.branch_a, D(2025, 1, 5))  # green: everything due is done
    make_meeting(org=cast.group_a, kind=MeetingKind.GROUP, date=D(2025, 1, 6))  # green
    make_meeting(org=cast.branch_a_2, kind=MeetingKind.THEME_DAY, date=D(2025, 1, 7))  # amber
    Organisation.objects.filter(pk=cast.comm_a2.pk).update(established_on=D(2025, 2, 1))
    lights = {
        o: _grid(cast, o, today=today).light
        for o in (cast.branch_a, cast.group_a, cast.branch_a_2, cast.comm_a)
    }
    assert lights == {
        cast.branch_a: cad.GREEN,
        cast.group_a: cad.GREEN,
        cast.branch_a_2: cad.AMBER,
        cast.comm_a: cad.AMBER,
    }
    r = cadence_rollup(user=cast.street_sec, root=cast.street_a, year=2025, today=today)
    # street_a (amber: its coordination half-year is due), comm_a, comm_a2 (not yet
    # established: green), branch_a, branch_a_2, group_a
    assert r.totals == {cad.RED: 0, cad.AMBER: 3, cad.GREEN: 3}
    assert {x.org.pk for x in r.rows} == {
        cast.street_a.pk,
        cast.comm_a.pk,
        cast.comm_a2.pk,
        cast.branch_a.pk,
        cast.branch_a_2.pk,
        cast.group_a.pk,
    }
    later = cadence_rollup(user=cast.street_sec, root=cast.street_a, year=2025, today=D(2025, 3, 5))
    assert later.totals[cad.RED] == 5 and later.totals[cad.GREEN] == 0
    assert later.rows[0].light == cad.RED  # worst first


def test_the_rollup_filters_by_light_but_keeps_the_totals_of_all(cast):
    _all_branch_meetings(cast.branch_a, D(2025, 1, 5))
    r = cadence_rollup(
        user=cast.street_sec, root=cast.street_a, year=2025, today=D(2025, 1, 20), light=cad.GREEN
    )
    assert {x.light for x in r.rows} == {cad.GREEN}
    assert sum(r.totals.values()) == 6
