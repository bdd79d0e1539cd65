"""Issue 20 items 2 and 5 on the attendance form: leave (待批准 / 已批准 with the reason) and
members away from home (a mobile member with an activity card, a member on the care list) are
marked on each line; approved leave is preset to 请假, the rest stays visible and is never
silently turned into an absence; the form's query count does not grow with the members."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.care.models import Recipient
from dangjian.meetings.models import LeaveRequest, LeaveState
from dangjian.mobility.models import Outbound, OutboundState
from tests.factories import make_member

from .factories import make_meeting

pytestmark = pytest.mark.django_db
BACKEND = "dangjian.accounts.backends.ModelBackend"


def _client(user) -> Client:
    c = Client()
    c.force_login(user, backend=BACKEND)
    return c


def _checked(member, status: str) -> str:
    return f'id="s_{member.pk}_{status}" value="{status}" autocomplete="off" checked'


def _line(html: str, member) -> str:
    start = html.rindex("<li", 0, html.index(f'data-line="{member.pk}"'))
    return html[start : html.index("</li>", start)]


def _away(member, *, card: bool = True) -> Outbound:
    today = timezone.localdate()
    return Outbound.objects.create(
        member=member,
        left_on=today - dt.timedelta(days=60),
        destination="乌鲁木齐",
        card_no="LD-0001" if card else "",
        card_issued_on=today - dt.timedelta(days=60) if card else None,
        card_valid_until=today + dt.timedelta(days=300) if card else None,
        state=OutboundState.OUT,
    )


def _cared(member, *, situation: str = "", elderly: bool = True) -> Recipient:
    return Recipient.objects.create(
        member=member,
        elderly=elderly,
        weak=not elderly,
        since=timezone.localdate() - dt.timedelta(days=100),
        situation=situation,
    )


def _leave(meeting, member, reason: str, state: str) -> LeaveRequest:
    # the meeting is today: requests made before it, decided (or not) since
    return LeaveRequest.objects.create(meeting=meeting, member=member, reason=reason, state=state)


@pytest.fixture
def meeting(cast):
    return make_meeting(org=cast.branch_a, date=timezone.localdate(), topic="今天的党员大会")


def test_leave_pending_and_approved_are_marked_with_their_reason(cast, meeting):
    waiting = make_member(org=cast.branch_a, name="待批者")
    allowed = make_member(org=cast.branch_a, name="已批者")
    _leave(meeting, waiting, "外出探亲", LeaveState.PENDING)
    _leave(meeting, allowed, "住院治疗", LeaveState.APPROVED)
    html = _client(cast.branch_sec).get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    line = _line(html, waiting)
    assert "待批准：外出探亲" in line and "会议当天仍未批准" in line
    # an undecided request is never turned into an absence (nor silently into leave)
    assert _checked(waiting, "present") in html and _checked(waiting, "absent") not in html
    assert "已批准：住院治疗" in _line(html, allowed)
    assert _checked(allowed, "excused") in html and 'value="住院治疗"' in html
    assert 'id="leave-pending-note"' in html and f"/meetings/{meeting.pk}/#leave" in html
    assert "已批准" not in _line(html, cast.member_a) and "待批准" not in _line(html, cast.member_a)


def test_members_away_from_home_are_marked(cast, meeting):
    mobile = make_member(org=cast.branch_a, name="外出者")
    no_card = make_member(org=cast.branch_a, name="无证外出者")
    back = make_member(org=cast.branch_a, name="已返回者")
    old = make_member(org=cast.branch_a, name="年老者")
    ill = make_member(org=cast.branch_a, name="住院者")
    poor = make_member(org=cast.branch_a, name="困难者")
    _away(mobile)
    _away(no_card, card=False)
    returned = _away(back)
    Outbound.objects.filter(pk=returned.pk).update(
        state=OutboundState.RETURNED, returned_on=timezone.localdate() - dt.timedelta(days=1)
    )
    _cared(old)
    _cared(ill, situation="因心脏病住院", elderly=False)
    Recipient.objects.create(member=poor, hardship=True, since=timezone.localdate())
    html = _client(cast.comm_a_sec).get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    assert "外出（流动党员活动证）" in _line(html, mobile)
    assert "外出（流动党员）" in _line(html, no_card)
    assert "关爱对象（年老体弱）" in _line(html, old)
    assert "关爱对象（住院或病重）" in _line(html, ill)
    for member in (back, poor, cast.member_a):
        assert "data-away" not in _line(html, member)
    assert 'id="away-note"' in html and "4 人外出或在关爱名单上" in html
    # marked, the choice left visible: a highlighted line, not a silent 出席
    assert "border-warning" in _line(html, mobile).split(">", 1)[0]


def test_approved_leave_of_a_member_away_is_preset_to_leave(cast, meeting):
    mobile = make_member(org=cast.branch_a, name="外出请假者")
    _away(mobile)
    _leave(meeting, mobile, "在外务工", LeaveState.APPROVED)
    html = _client(cast.comm_a_sec).get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    line = _line(html, mobile)
    assert "外出（流动党员活动证）" in line and "已批准：在外务工" in line
    assert _checked(mobile, "excused") in html


def test_saving_keeps_the_pending_request_visible_and_records_what_was_chosen(cast, meeting):
    waiting = make_member(org=cast.branch_a, name="待批者")
    leave = _leave(meeting, waiting, "外出探亲", LeaveState.PENDING)
    c = _client(cast.comm_a_sec)
    r = c.post(
        f"/meetings/{meeting.pk}/attendance/",
        {"version": meeting.version, f"s_{waiting.pk}": "excused", f"r_{waiting.pk}": "外出探亲"},
    )
    assert r.status_code == 302
    leave.refresh_from_db()
    assert leave.state == LeaveState.PENDING
    html = c.get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    assert _checked(waiting, "excused") in html and "待批准：外出探亲" in _line(html, waiting)


def test_the_form_costs_the_same_queries_for_few_and_many_members(cast, meeting):
    c = _client(cast.comm_a_sec)
    url = f"/meetings/{meeting.pk}/attendance/"

    def add(n: int) -> None:
        for i in range(n):
            m = make_member(org=cast.branch_a)
            if i % 3 == 0:
                _away(m)
            elif i % 3 == 1:
                _cared(m)
            else:
                _leave(meeting, m, "事假", LeaveState.PENDING if i % 2 else LeaveState.APPROVED)

    def cost() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    add(3)
    c.get(url)
    few = cost()
    add(30)
    assert cost() == few
