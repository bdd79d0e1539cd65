"""A member's own pages: upcoming meetings with leave, the leave form, taking leave back, the
attendance record — only their own, whatever id they guess."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.meetings import services
from dangjian.meetings.models import LeaveRequest, LeaveState, MeetingKind
from dangjian.meetings.selectors.mine import add_months
from dangjian.meetings.services import Mark
from tests.factories import make_member

from .factories import make_meeting

pytestmark = pytest.mark.django_db


def _soon(days: int = 7) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def client_as(user) -> Client:
    c = Client()
    c.force_login(user, backend="dangjian.accounts.backends.ModelBackend")
    return c


@pytest.fixture
def member_client(cast):
    return client_as(cast.member_user)


def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert add_months(dt.date(2026, 11, 23), -6) == dt.date(2026, 5, 23)
    assert add_months(dt.date(2026, 8, 31), -6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 8, 31), -6) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 1, 15), -12) == dt.date(2025, 1, 15)
    assert add_months(dt.date(2026, 3, 31), 1) == dt.date(2026, 4, 30)


def test_the_member_sees_the_upcoming_meetings_of_their_branch_and_not_of_others(
    cast, member_client
):
    make_meeting(org=cast.branch_a, date=_soon(), topic="本支部下周党员大会", place="社区三楼")
    make_meeting(org=cast.branch_a_2, date=_soon(), topic="隔壁支部的会")
    make_meeting(org=cast.branch_b, date=_soon(), topic="乙社区的会")
    make_meeting(org=cast.branch_a, date=_soon(-3), topic="已经开过的会")
    make_meeting(org=cast.branch_a, date=_soon(2), topic="取消的会", cancelled=True)
    r = member_client.get("/meetings/mine/")
    text = r.content.decode()
    assert r.status_code == 200
    assert "本支部下周党员大会" in text and "社区三楼" in text
    for hidden in ("隔壁支部的会", "乙社区的会", "已经开过的会", "取消的会"):
        assert hidden not in text


def test_the_member_sees_community_wide_meetings_and_their_study_group_but_not_committees(
    cast, member_client
):
    make_meeting(org=cast.comm_a, kind=MeetingKind.PARTY_LECTURE, date=_soon(), topic="社区党课")
    make_meeting(org=cast.branch_a, kind=MeetingKind.BRANCH_COMMITTEE, date=_soon(), topic="支委会")
    group = services.study_group_create(
        acting_user=None, org=cast.comm_a, name="离退休学习组", members=[cast.member_a]
    )
    make_meeting(
        org=cast.comm_a, kind=MeetingKind.STUDY, study_group=group, date=_soon(), topic="学习会"
    )
    other = services.study_group_create(acting_user=None, org=cast.comm_a, name="在职学习组")
    make_meeting(
        org=cast.comm_a, kind=MeetingKind.STUDY, study_group=other, date=_soon(), topic="别组学习"
    )
    text = member_client.get("/meetings/mine/").content.decode()
    assert "社区党课" in text and "学习会" in text
    assert "支委会" not in text and "别组学习" not in text


def test_a_user_without_a_member_record_gets_a_friendly_message(cast):
    for url in ("/meetings/mine/", "/meetings/mine/attendance/"):
        r = client_as(cast.comm_a_sec).get(url)
        assert r.status_code == 200
        assert "还没有关联党员档案" in r.content.decode()


def test_the_member_asks_for_leave_with_a_reason(cast, member_client):
    m = make_meeting(org=cast.branch_a, date=_soon(), topic="主题党日")
    r = member_client.post(f"/meetings/mine/{m.pk}/leave/", {"reason": ""})
    assert r.status_code == 200 and "请填写请假原因" in r.content.decode()
    r = member_client.post(f"/meetings/mine/{m.pk}/leave/", {"reason": "住院治疗"})
    assert r.status_code == 302
    leave = LeaveRequest.objects.get(meeting=m, member=cast.member_a)
    assert leave.state == LeaveState.PENDING and leave.reason == "住院治疗"
    text = member_client.get("/meetings/mine/").content.decode()
    assert "待批准" in text and "撤回请假" in text


def test_asking_twice_keeps_what_was_typed_and_says_why(cast, member_client):
    m = make_meeting(org=cast.branch_a, date=_soon())
    services.leave_request(meeting=m, member=cast.member_a, reason="出差", acting_user=None)
    r = member_client.post(f"/meetings/mine/{m.pk}/leave/", {"reason": "再请一次"})
    text = r.content.decode()
    assert r.status_code == 200 and "已经为这次会议请过假" in text and "再请一次" in text


def test_the_member_withdraws_their_leave(cast, member_client):
    m = make_meeting(org=cast.branch_a, date=_soon())
    leave = services.leave_request(meeting=m, member=cast.member_a, reason="出差", acting_user=None)
    r = member_client.post(f"/meetings/mine/leave/{leave.pk}/withdraw/")
    assert r.status_code == 302
    leave.refresh_from_db()
    assert leave.state == LeaveState.WITHDRAWN
    text = member_client.get("/meetings/mine/").content.decode()
    assert "已撤回请假" in text  # the message, once
    assert f"/mine/leave/{leave.pk}/withdraw/" not in text and "待批准" not in text


def test_another_members_leave_and_meeting_are_404_for_the_member(cast, member_client):
    other = make_member(org=cast.branch_a_2, name="王五")
    m = make_meeting(org=cast.branch_a_2, date=_soon())
    leave = services.leave_request(meeting=m, member=other, reason="王五的理由", acting_user=None)
    assert member_client.get(f"/meetings/mine/{m.pk}/leave/").status_code == 404
    assert member_client.post(f"/meetings/mine/{m.pk}/leave/", {"reason": "x"}).status_code == 404
    assert member_client.post(f"/meetings/mine/leave/{leave.pk}/withdraw/").status_code == 404
    leave.refresh_from_db()
    assert leave.state == LeaveState.PENDING
    assert not LeaveRequest.objects.filter(member=cast.member_a).exists()


def test_a_secretary_cannot_use_the_member_pages_on_someone_elses_leave(cast):
    m = make_meeting(org=cast.branch_a, date=_soon())
    leave = services.leave_request(meeting=m, member=cast.member_a, reason="出差", acting_user=None)
    for who in (cast.comm_a_sec, cast.comm_b_sec):
        c = client_as(who)
        assert c.post(f"/meetings/mine/leave/{leave.pk}/withdraw/").status_code == 404
        assert c.get(f"/meetings/mine/{m.pk}/leave/").status_code == 404


def test_the_attendance_record_shows_the_last_year_with_totals(cast, member_client):
    today = timezone.localdate()
    held = [
        make_meeting(org=cast.branch_a, date=today - dt.timedelta(days=d), topic=f"会{d}")
        for d in (10, 40, 70)
    ]
    old = make_meeting(org=cast.branch_a, date=add_months(today, -13), topic="一年多以前的会")
    statuses = [
        Mark(status="present"),
        Mark(status="excused", member_id=cast.member_a.pk, reason="生病"),
        Mark(status="absent", member_id=cast.member_a.pk),
    ]
    for meeting, mark in zip(held, statuses, strict=True):
        services.attendance_record(
            meeting=meeting, marks=[mark] if mark.member_id else [], acting_user=None
        )
    services.attendance_record(meeting=old, marks=[], acting_user=None)
    other = make_meeting(org=cast.branch_b, date=today - dt.timedelta(days=5), topic="乙社区的会")
    services.attendance_record(meeting=other, marks=[], acting_user=None)
    r = member_client.get("/meetings/mine/attendance/")
    text = r.content.decode()
    assert "会10" in text and "会40" in text and "会70" in text and "生病" in text
    assert "一年多以前的会" not in text and "乙社区的会" not in text
    totals = r.context["record"].totals
    assert totals == {"present": 1, "excused": 1, "absent": 1}


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request of a session renews it; measure the next one
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_upcoming_list_has_constant_queries(cast, member_client):
    def count(n: int) -> int:
        for i in range(n):
            m = make_meeting(org=cast.branch_a, date=_soon(i + 1), topic=f"会议{n}-{i}")
            if i % 2:
                services.leave_request(
                    meeting=m, member=cast.member_a, reason="有事", acting_user=None
                )
        return _queries(member_client, "/meetings/mine/")

    assert count(5) == count(45)


def test_the_attendance_record_has_constant_queries(cast, member_client):
    today = timezone.localdate()

    def count(n: int) -> int:
        for i in range(n):
            m = make_meeting(org=cast.branch_a, date=today - dt.timedelta(days=i + 1))
            services.attendance_record(meeting=m, marks=[], acting_user=None)
        return _queries(member_client, "/meetings/mine/attendance/")

    assert count(5) == count(45)


def test_the_member_sees_the_meetings_of_the_group_covering_their_home_only(cast, member_client):
    from dangjian.members.models import Member
    from dangjian.orgs.models import OrgKind, PlaceKind
    from dangjian.orgs.services import org_cover_places
    from tests.factories import make_org, make_place

    home = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="101室"
    )
    elsewhere = make_place(
        parent=cast.building_a.parent, community=cast.comm_a, kind=PlaceKind.BUILDING, name="9号楼"
    )
    group_9 = make_org(parent=cast.branch_a, kind=OrgKind.GROUP, name="9号楼党小组", code="G9")
    org_cover_places(org=group_9, places=[elsewhere], acting_user=None)
    org_cover_places(org=cast.group_a, places=[cast.building_a], acting_user=None)
    Member.objects.filter(pk=cast.member_a.pk).update(household=home)
    make_meeting(org=cast.group_a, kind=MeetingKind.GROUP, date=_soon(), topic="1号楼小组会")
    make_meeting(org=group_9, kind=MeetingKind.GROUP, date=_soon(), topic="9号楼小组会")
    text = member_client.get("/meetings/mine/").content.decode()
    assert "1号楼小组会" in text and "9号楼小组会" not in text
