"""The meetings API: list, create, read, change with version, record attendance, decide leave."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.accounts.models import Grant
from dangjian.accounts.services import token_issue
from dangjian.core.access import forget_scope
from dangjian.meetings import services
from dangjian.meetings.models import Attendance, AttendanceStatus, LeaveState, Meeting
from tests.factories import make_member

from .factories import make_meeting
from .test_meetings_pages import count_queries

pytestmark = pytest.mark.django_db
A, E, P = AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED, AttendanceStatus.PRESENT


class Api:
    def __init__(self, user):
        _t, key = token_issue(user=user, name="测试", acting_user=None)
        self.c, self.auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path):
        return self.c.get(path, **self.auth)

    def send(self, method, path, body):
        call = getattr(self.c, method)
        return call(path, json.dumps(body), content_type="application/json", **self.auth)


def test_the_list_filters_and_counts(cast):
    m = make_meeting(org=cast.branch_a, topic="三月党员大会", date=dt.date(2026, 3, 15))
    services.attendance_record(
        meeting=m, marks=[services.Mark(status=A, member_id=cast.member_a.pk)], acting_user=None
    )
    make_meeting(
        org=cast.branch_a_2, topic="一月党课", kind="party_lecture", date=dt.date(2026, 1, 5)
    )
    make_meeting(org=cast.branch_b, topic="乙社区的会")
    api = Api(cast.comm_a_sec)
    items = api.get("/api/v1/meetings/").json()["items"]
    assert [i["topic"] for i in items] == ["三月党员大会", "一月党课"]
    assert (items[0]["expected"], items[0]["present"], items[0]["absent"]) == (1, 0, 1)
    assert [i["topic"] for i in api.get("/api/v1/meetings/?from=2026-02-01").json()["items"]] == [
        "三月党员大会"
    ]
    assert [
        i["topic"] for i in api.get(f"/api/v1/meetings/?org={cast.branch_a_2.pk}").json()["items"]
    ] == ["一月党课"]
    assert api.get("/api/v1/meetings/?kind=party_lecture").json()["count"] == 1
    assert api.get(f"/api/v1/meetings/?org={cast.comm_b.pk}").json()["count"] == 0


def test_the_list_costs_the_same_queries_for_5_and_50_meetings(cast):
    api = Api(cast.comm_a_sec)
    for i in range(5):
        make_meeting(org=cast.branch_a, date=dt.date(2026, 1, 1) + dt.timedelta(days=i))
    api.get("/api/v1/meetings/?limit=100")
    n5 = count_queries(lambda: api.get("/api/v1/meetings/?limit=100"))
    for i in range(5, 50):
        make_meeting(org=cast.branch_a, date=dt.date(2026, 1, 1) + dt.timedelta(days=i))
    assert count_queries(lambda: api.get("/api/v1/meetings/?limit=100")) == n5


def test_create_read_change_and_record_attendance(cast):
    other = make_member(org=cast.branch_a, name="赵六")
    api = Api(cast.comm_a_sec)
    r = api.send(
        "post",
        "/api/v1/meetings/",
        {
            "org_id": cast.branch_a.pk,
            "kind": "branch_general",
            "date": "2026-03-01",
            "topic": "接口会议",
        },
    )
    assert r.status_code == 201, r.json()
    data = r.json()
    mid, version = data["id"], data["version"]
    r = api.send("patch", f"/api/v1/meetings/{mid}", {"place": "活动室", "version": version})
    assert r.status_code == 200 and r.json()["place"] == "活动室"
    assert r.json()["topic"] == "接口会议"  # untouched fields stay
    r = api.send("patch", f"/api/v1/meetings/{mid}", {"place": "过期的", "version": version})
    assert r.status_code == 409 and "已被他人修改" in r.json()["detail"]
    version = api.get(f"/api/v1/meetings/{mid}").json()["version"]
    r = api.send(
        "put",
        f"/api/v1/meetings/{mid}/attendance",
        {
            "version": version,
            "marks": [{"member_id": other.pk, "status": "excused", "reason": "出差"}],
        },
    )
    assert r.status_code == 200, r.json()
    rows = {a["name"]: (a["status"], a["reason"]) for a in r.json()["attendance"]}
    assert rows == {"张三": (P, ""), "赵六": (E, "出差")}
    assert (r.json()["present"], r.json()["excused"]) == (1, 1)
    r = api.send("put", f"/api/v1/meetings/{mid}/attendance", {"version": version, "marks": []})
    assert r.status_code == 409


def test_bad_input_is_explained_in_chinese(cast):
    api = Api(cast.comm_a_sec)
    r = api.send(
        "post",
        "/api/v1/meetings/",
        {"org_id": cast.branch_a.pk, "kind": "branch_general", "date": "昨天", "topic": "x"},
    )
    assert r.status_code == 400 and "年-月-日" in r.json()["detail"]
    m = make_meeting(org=cast.branch_a)
    r = api.send(
        "put",
        f"/api/v1/meetings/{m.pk}/attendance",
        {"marks": [{"member_id": cast.member_a.pk, "status": "excused"}]},
    )
    assert r.status_code == 400 and "请假须填写原因" in r.json()["detail"]
    future = make_meeting(org=cast.branch_a, date=timezone.localdate() + dt.timedelta(days=3))
    r = api.send("put", f"/api/v1/meetings/{future.pk}/attendance", {"marks": []})
    assert r.status_code == 400 and "还没有召开" in r.json()["detail"]


def test_the_secretary_decides_leave(cast):
    m = make_meeting(org=cast.branch_a, date=timezone.localdate() + dt.timedelta(days=3))
    leave = services.leave_request(meeting=m, member=cast.member_a, reason="看病", acting_user=None)
    r = Api(cast.comm_a_sec).send(
        "post", f"/api/v1/meetings/leave/{leave.pk}/decide", {"approve": False, "answer": "请克服"}
    )
    assert r.status_code == 200 and r.json()["state"] == LeaveState.REFUSED
    detail = Api(cast.comm_a_sec).get(f"/api/v1/meetings/{m.pk}").json()
    assert detail["leave_requests"][0]["answer"] == "请克服"


def test_another_community_can_neither_see_nor_record(cast):
    m = make_meeting(org=cast.branch_a, topic="甲社区机密会议")
    api = Api(cast.comm_b_sec)
    assert api.get(f"/api/v1/meetings/{m.pk}").status_code == 404
    assert "甲社区机密会议" not in api.get("/api/v1/meetings/").content.decode()
    r = api.send("put", f"/api/v1/meetings/{m.pk}/attendance", {"marks": []})
    assert r.status_code == 404
    r = api.send("patch", f"/api/v1/meetings/{m.pk}", {"topic": "改掉"})
    assert r.status_code == 404
    r = api.send(
        "post",
        "/api/v1/meetings/",
        {"org_id": cast.branch_a.pk, "kind": "theme_day", "date": "2026-03-01", "topic": "渗透"},
    )
    assert r.status_code == 404
    assert not Attendance.objects.exists()
    assert Meeting.objects.get(pk=m.pk).topic == "甲社区机密会议"
    assert not Meeting.objects.filter(topic="渗透").exists()


def test_a_viewer_reads_but_cannot_write(cast):
    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    forget_scope(cast.outsider)
    m = make_meeting(org=cast.branch_a)
    api = Api(cast.outsider)
    assert api.get(f"/api/v1/meetings/{m.pk}").status_code == 200
    assert api.send("put", f"/api/v1/meetings/{m.pk}/attendance", {"marks": []}).status_code == 404
    assert api.send("patch", f"/api/v1/meetings/{m.pk}", {"topic": "改"}).status_code == 404
    assert not Attendance.objects.exists()
