"""The mobility API: list, detail, registering, contact, return — with the pages' refusals."""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.members.models import EventKind
from dangjian.mobility.models import ContactLog, Outbound, OutboundState

from .conftest import add_outbounds, make_outbound

D = dt.date


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_list_gives_each_absence_with_its_alerts(cast, client_for):
    today = timezone.localdate()  # relative to today: the alerts are about today
    make_outbound(
        cast.member_a,
        left_on=today - dt.timedelta(days=250),
        card_no="LD1",
        card_valid_until=today + dt.timedelta(days=10),
    )
    r = client_for(cast.comm_a_sec).get("/api/v1/mobility/", {"org": cast.comm_a.pk})
    (item,) = r.json()["items"]
    assert item["member_name"] == "张三" and item["state"] == "out"
    assert [a["code"] for a in item["alerts"]] == ["card_expiring", "long_absence", "no_contact"]


def test_an_absence_is_registered_contacted_and_closed_through_the_api(cast, client_for):
    c = client_for(cast.comm_a_sec)
    r = post(
        c,
        "/api/v1/mobility/",
        {
            "member_id": cast.member_a.pk,
            "left_on": "2026-10-01",
            "destination": "上海市",
            "contact_name": "志愿者周",
        },
    )
    assert r.status_code == 201, r.json()
    oid = r.json()["id"]
    r = post(
        c,
        f"/api/v1/mobility/{oid}/contacts",
        {"date": "2026-11-01", "way": "phone", "difficulties": "租房困难"},
    )
    assert r.status_code == 201 and r.json()["contacts"][0]["difficulties"] == "租房困难"
    r = post(c, f"/api/v1/mobility/{oid}/return", {"returned_on": "2026-11-20"})
    assert r.status_code == 200 and r.json()["state"] == "returned"
    assert cast.member_a.events.filter(kind=EventKind.RETURNED).exists()
    d = c.get(f"/api/v1/mobility/{oid}").json()
    assert d["returned_on"] == "2026-11-20" and d["alerts"] == []


def test_refusals_come_back_as_400_with_the_chinese_reason(cast, client_for):
    c = client_for(cast.comm_a_sec)
    r = post(
        c,
        "/api/v1/mobility/",
        {"member_id": cast.member_a.pk, "left_on": "2026-10-01", "destination": "上海市"},
    )
    assert r.status_code == 400 and "结对联系" in r.json()["detail"]
    o = make_outbound(cast.member_a, left_on=D(2026, 6, 1))
    r = post(c, f"/api/v1/mobility/{o.pk}/return", {"returned_on": "2026-05-01"})
    assert r.status_code == 400 and "不能早于外出日期" in r.json()["detail"]
    r = post(c, f"/api/v1/mobility/{o.pk}/return", {"returned_on": "2026-07-01", "version": 99})
    assert r.status_code == 400 and "已被他人修改" in r.json()["detail"]
    assert Outbound.objects.get().state == OutboundState.OUT


def test_another_community_gets_the_same_404_as_for_a_missing_id(cast, client_for):
    o = make_outbound(cast.member_a, left_on=D(2026, 6, 1))
    c = client_for(cast.comm_b_sec)
    for pk in (o.pk, 987654):
        assert c.get(f"/api/v1/mobility/{pk}").status_code == 404
        r = post(
            c,
            f"/api/v1/mobility/{pk}/contacts",
            {"date": "2026-11-01", "way": "phone", "feedback": "x"},
        )
        assert r.status_code == 404
    assert c.get("/api/v1/mobility/", {"state": "all"}).json()["items"] == []
    assert not ContactLog.objects.exists()


def test_the_api_list_takes_the_same_queries_for_5_and_50_rows(
    cast, client_for, django_assert_num_queries
):
    c = client_for(cast.comm_a_sec)
    add_outbounds(cast.branch_a, 5)
    c.get("/api/v1/mobility/?limit=100")
    with CaptureQueriesContext(connection) as ctx:
        c.get("/api/v1/mobility/?limit=100")
    add_outbounds(cast.branch_a_2, 45)
    with django_assert_num_queries(len(ctx.captured_queries)):
        r = c.get("/api/v1/mobility/?limit=100")
    assert r.json()["count"] == 50
