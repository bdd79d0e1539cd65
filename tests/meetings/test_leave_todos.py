"""Issue 20 item 2: a pending leave request is in the 首页 待办 of the secretaries who may decide
it — the branch's and the community's — until it is decided; never in a sibling branch's or the
member's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.accounts.models import Grant
from dangjian.core.access import forget_scope
from dangjian.core.todos import DANGER, WARNING
from dangjian.meetings import services
from dangjian.meetings.todos_leave import MAX_LINES, todos
from tests.factories import make_member

from .factories import make_meeting

pytestmark = pytest.mark.django_db
BACKEND = "dangjian.accounts.backends.ModelBackend"


def _client(user) -> Client:
    c = Client()
    c.force_login(user, backend=BACKEND)
    return c


@pytest.fixture
def sibling_sec(cast):
    """The secretary of 文化东路离退休党支部, a sibling of the meeting's branch."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="branch_a2_sec", password=cast.password)
    Grant.objects.create(user=user, org=cast.branch_a_2, role=Grant.Role.SECRETARY)
    forget_scope(user)
    return user


@pytest.fixture
def pending(cast):
    day = timezone.localdate() + dt.timedelta(days=5)
    meeting = make_meeting(org=cast.branch_a, date=day, topic="五月主题党日")
    other = make_member(org=cast.branch_a, name="请假人乙")
    a = services.leave_request(
        meeting=meeting, member=cast.member_a, reason="外出探亲", acting_user=None
    )
    b = services.leave_request(meeting=meeting, member=other, reason="值班", acting_user=None)
    return meeting, a, b


def _labels(user, org) -> list[str]:
    return [t.label for t in todos(user=user, org=org, today=timezone.localdate())]


def test_the_branch_and_the_community_secretary_see_one_line_per_meeting(cast, pending):
    meeting, _a, _b = pending
    expected = f"五月主题党日 {meeting.date.isoformat()}：2 人请假待批准"
    assert _labels(cast.branch_sec, cast.branch_a) == [expected]
    items = todos(user=cast.comm_a_sec, org=cast.comm_a, today=timezone.localdate())
    assert [t.label for t in items] == [expected]
    assert items[0].count == 2 and items[0].level == WARNING
    assert items[0].url == f"/meetings/{meeting.pk}/#leave"


def test_not_for_a_sibling_branch_another_community_or_the_member(cast, pending, sibling_sec):
    assert _labels(sibling_sec, cast.branch_a_2) == []
    assert _labels(sibling_sec, cast.comm_a) == []  # no CHANGE on the meeting's branch
    assert _labels(cast.comm_b_sec, cast.comm_b) == []
    assert _labels(cast.member_user, cast.branch_a) == []


def test_the_line_goes_once_every_request_is_decided(cast, pending):
    _meeting, a, b = pending
    services.leave_decide(leave=a, approve=True, acting_user=None)
    assert _labels(cast.branch_sec, cast.branch_a)[0].endswith("：1 人请假待批准")
    services.leave_decide(leave=b, approve=False, acting_user=None)
    assert _labels(cast.branch_sec, cast.branch_a) == []


def test_on_the_meeting_day_an_undecided_request_says_so(cast):
    meeting = make_meeting(org=cast.branch_a, date=timezone.localdate(), topic="当天的会")
    services.leave_request(meeting=meeting, member=cast.member_a, reason="生病", acting_user=None)
    (item,) = todos(user=cast.branch_sec, org=cast.branch_a, today=timezone.localdate())
    assert "会议当天仍未批准" in item.label and item.level == DANGER


def test_the_home_page_shows_it_to_the_secretaries(cast, pending):
    meeting, _a, _b = pending
    line = f"五月主题党日 {meeting.date.isoformat()}：2 人请假待批准"
    for user in (cast.branch_sec, cast.comm_a_sec):
        html = _client(user).get("/").content.decode()
        assert line in html and f"/meetings/{meeting.pk}/#leave" in html
    assert line not in _client(cast.comm_b_sec).get("/").content.decode()


def test_bounded_queries_whatever_the_number_of_meetings(cast):
    day = timezone.localdate() + dt.timedelta(days=3)

    def cost() -> int:
        with CaptureQueriesContext(connection) as ctx:
            todos(user=cast.comm_a_sec, org=cast.comm_a, today=timezone.localdate())
        return len(ctx.captured_queries)

    for i in range(MAX_LINES + 3):
        m = make_meeting(org=cast.branch_a, date=day + dt.timedelta(days=i), topic=f"会{i}")
        services.leave_request(meeting=m, member=cast.member_a, reason="事假", acting_user=None)
    forget_scope(cast.comm_a_sec)
    cost()  # the scope is cached after the first call
    assert cost() <= 2
    items = todos(user=cast.comm_a_sec, org=cast.comm_a, today=timezone.localdate())
    assert len(items) == MAX_LINES + 1
    assert items[-1].label == "另有 3 次会议共 3 人请假待批准"
