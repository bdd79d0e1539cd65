"""Votes at a branch general meeting (rule meeting.general_vote): refused without a quorum;
passed only by yes votes MORE than half of the full members due to attend — probationary
members neither count nor vote."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.models import AuditEntry
from dangjian.meetings import services
from dangjian.meetings.models import MeetingKind
from dangjian.meetings.services import Mark
from dangjian.meetings.services_votes import vote_record
from dangjian.members.models import Status
from tests.factories import make_member, make_org

from .factories import make_meeting

pytestmark = pytest.mark.django_db


def _branch(cast, full: int, probationary: int = 1):
    branch = make_org(parent=cast.comm_a, name="表决测试支部")
    fulls = [make_member(org=branch, name=f"正式{i}") for i in range(full)]
    for i in range(probationary):
        make_member(org=branch, name=f"预备{i}", status=Status.PROBATIONARY)
    return branch, fulls


def _meeting(branch, fulls, absent: int):
    m = make_meeting(org=branch, kind=MeetingKind.BRANCH_GENERAL, date=dt.date(2026, 3, 1))
    marks = [Mark(status="absent", member_id=f.pk) for f in fulls[:absent]]
    services.attendance_record(meeting=m, marks=marks, acting_user=None)
    return m


def _vote(m, yes, no=0, abstain=0, motion="接收预备党员"):
    return vote_record(meeting=m, motion=motion, yes=yes, no=no, abstain=abstain, acting_user=None)


def test_of_four_full_members_two_present_is_no_quorum_and_the_vote_is_refused(cast):
    branch, fulls = _branch(cast, 4)
    m = _meeting(branch, fulls, absent=2)
    with pytest.raises(ValidationError) as exc:
        _vote(m, yes=2)
    text = str(exc.value)
    assert "应到 4 人" in text and "实到 2 人" in text and "不能进行表决" in text


def test_of_four_three_present_is_a_quorum(cast):
    branch, fulls = _branch(cast, 4)
    assert _vote(_meeting(branch, fulls, absent=1), yes=3).passed


def test_two_yes_of_four_due_is_exactly_half_and_fails_three_passes(cast):
    branch, fulls = _branch(cast, 4)
    m = _meeting(branch, fulls, absent=0)
    under = _vote(m, yes=1, no=3)
    at = _vote(m, yes=2, no=2)
    over = _vote(m, yes=3, no=1)
    assert (under.passed, at.passed, over.passed) == (False, False, True)
    assert at.expected == 4 and at.needed == 3


def test_yes_counts_against_those_due_to_attend_not_those_present(cast):
    branch, fulls = _branch(cast, 5)
    m = _meeting(branch, fulls, absent=1)  # 4 present of 5 due
    assert not _vote(m, yes=2, no=1, abstain=1).passed  # 2 of 5 is not more than half
    assert _vote(m, yes=3, no=1).passed


def test_probationary_members_do_not_count_among_those_due(cast):
    branch, fulls = _branch(cast, 3, probationary=3)
    v = _vote(_meeting(branch, fulls, absent=0), yes=2)
    assert (v.expected, v.present, v.passed) == (3, 3, True)


def test_more_votes_than_full_members_present_are_refused(cast):
    branch, fulls = _branch(cast, 4)
    m = _meeting(branch, fulls, absent=1)
    with pytest.raises(ValidationError) as exc:
        _vote(m, yes=3, no=1)
    assert "多于" in str(exc.value)


def test_a_vote_needs_the_attendance_first_and_a_general_meeting(cast):
    branch, fulls = _branch(cast, 3)
    m = make_meeting(org=branch, kind=MeetingKind.BRANCH_GENERAL, date=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError) as exc:
        _vote(m, yes=3)
    assert "考勤" in str(exc.value)
    other = make_meeting(org=branch, kind=MeetingKind.THEME_DAY, date=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError):
        _vote(other, yes=1)


def test_a_locality_may_ask_for_two_thirds(cast, override):
    override({"orgs": {"CA": {"meeting.general_vote": {"approve_fraction": 2 / 3}}}})
    branch, fulls = _branch(cast, 6)
    m = _meeting(branch, fulls, absent=0)
    assert not _vote(m, yes=4, no=2).passed  # 4 of 6 is exactly two thirds
    assert _vote(m, yes=5, no=1).passed


def test_the_vote_is_audited(cast):
    branch, fulls = _branch(cast, 3)
    v = _vote(_meeting(branch, fulls, absent=0), yes=3)
    assert AuditEntry.objects.filter(object_id=str(v.pk), action=AuditEntry.Action.CREATE).exists()


def test_a_secretary_of_another_community_cannot_record_a_vote(cast):
    branch, fulls = _branch(cast, 3)
    m = _meeting(branch, fulls, absent=0)
    with pytest.raises(ValidationError):
        vote_record(meeting=m, motion="x", yes=3, no=0, abstain=0, acting_user=cast.comm_b_sec)
