"""The six-month list (rule member.no_org_life, art. 9): the window's boundary, excused versus
unexcused leave, pending or refused leave, new members, the meetings missed, local numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.core import rules
from dangjian.meetings import services
from dangjian.meetings.models import LeaveRequest, LeaveState, MeetingKind
from dangjian.meetings.selectors.mine import add_months
from dangjian.meetings.selectors.nolife import no_life_list
from dangjian.meetings.services import Mark
from dangjian.members.models import Status
from dangjian.orgs.models import OrgKind
from tests.factories import make_member, make_org

from .factories import make_meeting

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
N = rules.value("member.no_org_life", "months")
START = add_months(TODAY, -N)


def hold(org, date, *marks, topic=None, kind=MeetingKind.BRANCH_GENERAL):
    m = make_meeting(org=org, date=date, topic=topic, kind=kind)
    services.attendance_record(meeting=m, marks=list(marks), acting_user=None)
    return m


def listed(cast, org=None, today=TODAY) -> dict[str, object]:
    result = no_life_list(user=cast.comm_a_sec, org=org or cast.branch_a, today=today)
    return {r.name: r for r in result.rows}


def test_attending_on_the_day_exactly_n_months_ago_keeps_a_member_off_the_list(cast):
    # The window [today − N months, today] includes both ends.
    hold(cast.branch_a, START)
    assert "张三" not in listed(cast)


def test_one_day_more_puts_the_member_on_the_list(cast):
    hold(cast.branch_a, START - dt.timedelta(days=1))
    rows = listed(cast)
    assert "张三" in rows
    assert rows["张三"].last_attended == START - dt.timedelta(days=1)


def test_the_same_member_is_listed_the_day_after(cast):
    hold(cast.branch_a, START)
    assert "张三" not in listed(cast, today=TODAY)
    # seen from the next day, the same attendance is one day too old
    assert "张三" in listed(cast, today=TODAY + dt.timedelta(days=1))


def test_a_member_who_never_attended_is_listed_as_never(cast):
    rows = listed(cast)
    assert rows["张三"].last_attended is None


def test_excused_leave_counts_as_attendance_and_unexcused_absence_does_not(cast):
    excused = make_member(org=cast.branch_a, name="请假者")
    absent = make_member(org=cast.branch_a, name="缺席者")
    hold(
        cast.branch_a,
        TODAY - dt.timedelta(days=20),
        Mark(status="excused", member_id=excused.pk, reason="住院"),
        Mark(status="absent", member_id=absent.pk),
    )
    rows = listed(cast)
    assert "请假者" not in rows and "张三" not in rows
    assert "缺席者" in rows


@pytest.mark.parametrize("state", [LeaveState.PENDING, LeaveState.REFUSED])
def test_a_pending_or_refused_leave_does_not_count(cast, state):
    m = hold(
        cast.branch_a,
        TODAY - dt.timedelta(days=20),
        Mark(status="absent", member_id=cast.member_a.pk),
    )
    LeaveRequest.objects.create(meeting=m, member=cast.member_a, reason="有事", state=state)
    assert "张三" in listed(cast)


def test_approved_leave_recorded_as_excused_counts(cast):
    m = make_meeting(org=cast.branch_a, date=TODAY + dt.timedelta(days=3))
    leave = services.leave_request(meeting=m, member=cast.member_a, reason="出差", acting_user=None)
    services.leave_decide(leave=leave, approve=True, acting_user=None)
    m.date = TODAY - dt.timedelta(days=1)
    m.save(update_fields=["date"])
    services.attendance_record(meeting=m, marks=[], acting_user=None)
    assert "张三" not in listed(cast)


def test_a_member_who_joined_less_than_n_months_ago_is_not_listed(cast):
    make_member(
        org=cast.branch_a,
        name="新党员",
        birth_date=dt.date(1980, 5, 1),
        joined_on=TODAY - dt.timedelta(days=40),
        status=Status.PROBATIONARY,
    )
    old = make_member(
        org=cast.branch_a,
        name="老党员",
        birth_date=dt.date(1960, 1, 1),
        joined_on=dt.date(1990, 7, 1),
    )
    rows = listed(cast)
    assert "新党员" not in rows and old.name in rows


def test_a_member_who_moved_into_the_branch_recently_is_not_listed(cast):
    make_member(
        org=cast.branch_a,
        name="转入者",
        birth_date=dt.date(1960, 1, 1),
        joined_on=dt.date(1990, 7, 1),
        date=TODAY - dt.timedelta(days=40),
    )
    assert "转入者" not in listed(cast)


def test_inactive_members_are_not_listed(cast):
    from dangjian.members.models import Member, State

    gone = make_member(org=cast.branch_a, name="已去世")
    Member.objects.filter(pk=gone.pk).update(state=State.DECEASED)
    assert "已去世" not in listed(cast)


def test_the_meetings_missed_are_listed_absent_and_unrecorded(cast):
    before = hold(cast.branch_a, START - dt.timedelta(days=3), topic="窗口之前的会")
    absent = hold(
        cast.branch_a,
        TODAY - dt.timedelta(days=60),
        Mark(status="absent", member_id=cast.member_a.pk),
        topic="缺席的会",
    )
    unrecorded = make_meeting(
        org=cast.branch_a, date=TODAY - dt.timedelta(days=30), topic="未登记的会"
    )
    make_meeting(
        org=cast.branch_a, date=TODAY - dt.timedelta(days=20), topic="取消的会", cancelled=True
    )
    make_meeting(
        org=cast.branch_a,
        kind=MeetingKind.BRANCH_COMMITTEE,
        date=TODAY - dt.timedelta(days=25),
        topic="支委会",
    )
    make_meeting(org=cast.branch_a_2, date=TODAY - dt.timedelta(days=10), topic="别的支部")
    row = listed(cast)["张三"]
    assert row.last_attended == before.date
    assert [(m.topic, m.recorded) for m in row.missed] == [
        ("缺席的会", True),
        ("未登记的会", False),
    ]
    assert [m.meeting_id for m in row.missed] == [absent.pk, unrecorded.pk]


def test_a_group_meeting_counts_as_missed_only_for_the_members_living_where_it_covers(cast):
    from dangjian.members.models import Member
    from dangjian.orgs.models import PlaceKind
    from dangjian.orgs.services import org_cover_places
    from tests.factories import make_place

    home = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="101室"
    )
    other_building = make_place(
        parent=cast.building_a.parent, community=cast.comm_a, kind=PlaceKind.BUILDING, name="9号楼"
    )
    group_9 = make_org(parent=cast.branch_a, kind=OrgKind.GROUP, name="9号楼党小组", code="G9")
    org_cover_places(org=group_9, places=[other_building], acting_user=None)
    org_cover_places(org=cast.group_a, places=[cast.building_a], acting_user=None)
    Member.objects.filter(pk=cast.member_a.pk).update(household=home)
    day = TODAY - dt.timedelta(days=9)
    make_meeting(org=cast.group_a, kind=MeetingKind.GROUP, date=day, topic="1号楼小组会")
    make_meeting(org=group_9, kind=MeetingKind.GROUP, date=day, topic="9号楼小组会")
    missed = [m.topic for m in listed(cast)["张三"].missed]
    assert "1号楼小组会" in missed and "9号楼小组会" not in missed


def test_a_community_lists_all_its_branches_grouped(cast):
    make_member(org=cast.branch_a_2, name="二支部党员")
    result = no_life_list(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)
    names = {s.org.name: [r.name for r in s.rows] for s in result.sections}
    assert "张三" in names[cast.branch_a.name]
    assert "二支部党员" in names[cast.branch_a_2.name]
    assert "李四" not in str(names)


@pytest.fixture
def three_months_in_comm_a(cast, settings):
    settings.DANGJIAN_RULES = {"orgs": {cast.comm_a.code: {"member.no_org_life": {"months": 3}}}}
    rules.reset_cache()
    yield 3
    rules.reset_cache()


def test_a_locality_override_of_months_changes_the_list(cast, three_months_in_comm_a):
    four_months_ago = add_months(TODAY, -4)
    hold(cast.branch_a, four_months_ago)
    rows = listed(cast)
    assert "张三" in rows and rows["张三"].months == 3
    rules.reset_cache()


def test_without_the_override_the_same_attendance_is_enough(cast):
    hold(cast.branch_a, add_months(TODAY, -4))
    assert N > 4 and "张三" not in listed(cast)
