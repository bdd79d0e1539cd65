"""The API of bodies, county leaders and study groups: what it returns, Chinese errors, constant
queries, another community's 404, a viewer who cannot write."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from dangjian.accounts.models import Grant
from dangjian.accounts.services import token_issue
from dangjian.core.access import forget_scope
from dangjian.meetings import services, services_bodies
from dangjian.meetings.models import Body, LeaderLink, Meeting, MeetingKind, Seat
from dangjian.meetings.services import Mark

from .factories import make_body, make_meeting, make_seat, make_unit
from .test_meetings_pages import count_queries

pytestmark = pytest.mark.django_db
D = dt.date


class Api:
    def __init__(self, user):
        _t, key = token_issue(user=user, name="测试", acting_user=None)
        self.c, self.auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path):
        return self.c.get(path, **self.auth)

    def send(self, method, path, body):
        call = getattr(self.c, method)
        return call(path, json.dumps(body), content_type="application/json", **self.auth)


def absent(body, seat, day):
    m = make_meeting(org=body.org, kind=MeetingKind.COUNCIL, body=body, date=day)
    services.attendance_record(
        meeting=m, marks=[Mark(status="absent", seat_id=seat.pk)], acting_user=None
    )


@pytest.fixture
def body(cast):
    return make_body(org=cast.comm_a, name="甲联席会")


def test_bodies_seats_and_eligibility_through_the_api(cast, body):
    api = Api(cast.comm_a_sec)
    unit = make_unit(community=cast.comm_a, name="甲单位", head="钱校长")
    r = api.send(
        "post",
        f"/api/v1/meetings/bodies/{body.pk}/seats",
        {"unit_id": unit.pk, "joined_on": "2025-01-01"},
    )
    assert r.status_code == 201 and r.json()["head"] == "钱校长"
    seat = Seat.objects.get(pk=r.json()["id"])
    absent(body, seat, D(2025, 3, 1))
    absent(body, seat, D(2025, 4, 1))
    seats = api.get(f"/api/v1/meetings/bodies/{body.pk}/seats?year=2025").json()
    assert seats[0]["standing"]["count"] == 2 and seats[0]["standing"]["ineligible"]
    out = api.get("/api/v1/meetings/bodies/ineligible?year=2025").json()
    assert [(s["unit_id"], s["heads"]) for s in out] == [(unit.pk, ["钱校长"])]
    crit = api.get("/api/v1/meetings/bodies/criticisms?year=2025").json()
    assert crit["count"] == 2 and crit["ineligible"][0]["name"] == "甲单位"
    assert api.get("/api/v1/meetings/bodies/criticisms?year=2026").json()["count"] == 0
    unit_out = api.get(f"/api/v1/meetings/bodies/units/{unit.pk}").json()
    assert [(y["year"], y["ineligible"]) for y in unit_out["years"]][-1] == (2025, True)
    r = api.send("post", f"/api/v1/meetings/bodies/seats/{seat.pk}/end", {"left_on": "2025-06-30"})
    assert r.json()["left_on"] == "2025-06-30"


def test_create_and_change_a_body_with_chinese_errors_and_409(cast):
    api = Api(cast.comm_a_sec)
    r = api.send(
        "post",
        "/api/v1/meetings/bodies/",
        {"org_id": cast.comm_a.pk, "kind": "guidance", "name": "x"},
    )
    assert r.status_code == 400 and "可以牵头的是" in r.json()["detail"]
    r = api.send(
        "post",
        "/api/v1/meetings/bodies/",
        {"org_id": cast.comm_a.pk, "kind": "joint", "name": "甲"},
    )
    assert r.status_code == 201
    pk = r.json()["id"]
    r = api.send("patch", f"/api/v1/meetings/bodies/{pk}", {"name": "甲二", "version": 1})
    assert r.json()["name"] == "甲二"
    r = api.send("patch", f"/api/v1/meetings/bodies/{pk}", {"name": "甲三", "version": 1})
    assert r.status_code == 409 and "已被他人修改" in r.json()["detail"]
    r = api.get("/api/v1/meetings/bodies/criticisms?year=1900")
    assert r.status_code == 400 and "年度" in r.json()["detail"]


def test_the_body_list_and_seats_cost_the_same_queries_for_5_and_50(cast, body):
    api = Api(cast.comm_a_sec)

    def add(n):
        for _ in range(n):
            make_body(org=cast.comm_a, name=f"机构{Body.objects.count()}")
            make_seat(body=body)

    add(5)
    urls = ["/api/v1/meetings/bodies/", f"/api/v1/meetings/bodies/{body.pk}/seats"]
    for u in urls:
        api.get(u)
    before = [count_queries(lambda u=u: api.get(u)) for u in urls]
    add(45)
    assert [count_queries(lambda u=u: api.get(u)) for u in urls] == before


def test_leaders_through_the_api(cast):
    api = Api(cast.comm_a_sec)
    r = api.send(
        "post",
        f"/api/v1/meetings/leaders/{cast.comm_a.pk}/links",
        {"name": "王县长", "title": "副县长", "since": "2025-01-01"},
    )
    assert r.status_code == 201
    link = r.json()["id"]
    r = api.send(
        "post",
        f"/api/v1/meetings/leaders/{cast.comm_a.pk}/visits",
        {"date": "2025-03-31", "leader_ids": [link]},
    )
    assert r.status_code == 201
    assert Meeting.objects.get(pk=r.json()["meeting_id"]).kind == MeetingKind.LEADER_VISIT
    q1 = api.get(f"/api/v1/meetings/leaders/{cast.comm_a.pk}?year=2025").json()["quarters"][0]
    assert (q1["visits"], q1["meetings"], q1["state"]) == (1, 0, "short")
    roll = api.get(f"/api/v1/meetings/leaders/rollup/{cast.comm_a.pk}?year=2025").json()
    assert {i["community_name"]: i["short_quarters"] for i in roll["items"]}[
        "文化东路社区党委"
    ] == [1, 2, 3, 4]
    other = services_bodies.leader_link_add(
        community=cast.comm_b, name="外社区", since=D(2025, 1, 1), acting_user=None
    )
    r = api.send(
        "post",
        f"/api/v1/meetings/leaders/{cast.comm_a.pk}/visits",
        {"date": "2025-03-31", "leader_ids": [other.pk]},
    )
    assert r.status_code == 400 and "联系本社区" in r.json()["detail"]
    r = api.send("post", f"/api/v1/meetings/leaders/links/{link}/end", {"until": "2025-06-30"})
    assert r.json()["until"] == "2025-06-30"


def test_study_groups_through_the_api(cast):
    api = Api(cast.comm_a_sec)
    r = api.send(
        "post",
        "/api/v1/meetings/study-groups/",
        {
            "org_id": cast.comm_a.pk,
            "name": "离退休组",
            "category": "retired",
            "member_ids": [cast.member_a.pk],
        },
    )
    assert r.status_code == 201 and r.json()["members"] == 1
    pk = r.json()["id"]
    r = api.send("post", f"/api/v1/meetings/study-groups/{pk}/members", {"add": [cast.member_b.pk]})
    assert r.status_code == 400 and "本组织" in r.json()["detail"]
    r = api.send(
        "post",
        f"/api/v1/meetings/study-groups/{pk}/sessions",
        {"date": "2025-05-01", "topic": "学党章"},
    )
    m = Meeting.objects.get(pk=r.json()["meeting_id"])
    services.attendance_record(meeting=m, marks=[], acting_user=None)
    out = api.get(f"/api/v1/meetings/study-groups/{pk}?year=2025").json()
    assert out["member_lines"][0]["present"] == 1 and out["session_list"][0]["present"] == 1


def test_another_community_gets_404_and_a_viewer_cannot_write(cast, body):
    seat = make_seat(body=body)
    link = services_bodies.leader_link_add(
        community=cast.comm_a, name="王县长", since=D(2025, 1, 1), acting_user=None
    )
    b = Api(cast.comm_b_sec)
    assert b.get(f"/api/v1/meetings/bodies/{body.pk}").status_code == 404
    assert b.get(f"/api/v1/meetings/leaders/{cast.comm_a.pk}").status_code == 404
    assert b.get("/api/v1/meetings/bodies/").json()["items"] == []
    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    forget_scope(cast.outsider)
    v = Api(cast.outsider)
    assert v.get(f"/api/v1/meetings/bodies/{body.pk}").status_code == 200
    r = v.send("post", f"/api/v1/meetings/bodies/seats/{seat.pk}/end", {"left_on": "2025-06-30"})
    assert r.status_code == 404
    r = v.send("post", f"/api/v1/meetings/leaders/links/{link.pk}/end", {"until": "2025-06-30"})
    assert r.status_code == 404
    seat.refresh_from_db()
    link.refresh_from_db()
    assert seat.left_on is None and LeaderLink.objects.get(pk=link.pk).until is None
