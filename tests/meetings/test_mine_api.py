"""The member's own API: upcoming meetings, asking for leave, taking it back, the attendance
record — with a Bearer token, only their own."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.accounts.services import token_issue
from dangjian.meetings import services
from dangjian.meetings.models import LeaveRequest, LeaveState
from tests.factories import make_member

from .factories import make_meeting

pytestmark = pytest.mark.django_db
SOON = timezone.localdate() + dt.timedelta(days=5)


def bearer(user) -> dict[str, str]:
    _t, key = token_issue(user=user, name="手机", acting_user=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(path: str, body: dict, auth: dict):
    return Client().post(path, json.dumps(body), content_type="application/json", **auth)


def test_the_member_lists_upcoming_asks_for_leave_and_withdraws(cast):
    auth = bearer(cast.member_user)
    m = make_meeting(org=cast.branch_a, date=SOON, topic="主题党日", place="活动室")
    make_meeting(org=cast.branch_b, date=SOON, topic="乙社区的会")
    data = Client().get("/api/v1/meetings/mine/upcoming", **auth).json()
    assert data["member_name"] == "张三"
    assert [(i["topic"], i["place"], i["can_ask_leave"]) for i in data["items"]] == [
        ("主题党日", "活动室", True)
    ]
    r = post("/api/v1/meetings/mine/leave", {"meeting_id": m.pk, "reason": ""}, auth)
    assert r.status_code == 400 and "请假原因" in r.json()["detail"]
    r = post("/api/v1/meetings/mine/leave", {"meeting_id": m.pk, "reason": "看病"}, auth)
    assert r.status_code == 201 and r.json()["state_label"] == "待批准"
    leave_id = r.json()["id"]
    item = Client().get("/api/v1/meetings/mine/upcoming", **auth).json()["items"][0]
    assert item["leave"]["state"] == "pending" and not item["can_ask_leave"]
    r = post(f"/api/v1/meetings/mine/leave/{leave_id}/withdraw", {}, auth)
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"


def test_another_members_meeting_and_leave_are_refused_as_if_missing(cast):
    other = make_member(org=cast.branch_a_2, name="王五")
    m = make_meeting(org=cast.branch_a_2, date=SOON)
    leave = services.leave_request(meeting=m, member=other, reason="王五的理由", acting_user=None)
    auth = bearer(cast.member_user)
    r = post("/api/v1/meetings/mine/leave", {"meeting_id": m.pk, "reason": "x"}, auth)
    missing = post("/api/v1/meetings/mine/leave", {"meeting_id": 987654, "reason": "x"}, auth)
    assert r.status_code == 400 and r.json() == missing.json()
    r = post(f"/api/v1/meetings/mine/leave/{leave.pk}/withdraw", {}, auth)
    assert r.status_code == 404 and "王五" not in r.content.decode()
    leave.refresh_from_db()
    assert leave.state == LeaveState.PENDING
    assert not LeaveRequest.objects.filter(member=cast.member_a).exists()


def test_an_account_without_a_member_record_gets_empty_lists_and_cannot_ask(cast):
    auth = bearer(cast.comm_b_sec)
    m = make_meeting(org=cast.branch_b, date=SOON)
    assert Client().get("/api/v1/meetings/mine/upcoming", **auth).json()["items"] == []
    assert Client().get("/api/v1/meetings/mine/attendance", **auth).json()["items"] == []
    r = post("/api/v1/meetings/mine/leave", {"meeting_id": m.pk, "reason": "x"}, auth)
    assert r.status_code == 400 and "没有关联党员档案" in r.json()["detail"]


def test_the_attendance_record_has_totals(cast):
    m = make_meeting(org=cast.branch_a, date=timezone.localdate() - dt.timedelta(days=3))
    services.attendance_record(
        meeting=m,
        marks=[services.Mark(status="excused", member_id=cast.member_a.pk, reason="病")],
        acting_user=None,
    )
    data = Client().get("/api/v1/meetings/mine/attendance", **bearer(cast.member_user)).json()
    assert data["totals"] == {"present": 0, "excused": 1, "absent": 0}
    assert data["items"][0]["status_label"] == "请假" and data["items"][0]["reason"] == "病"
