"""The 待办 item (members not yet visited for a holiday whose visiting time has come, at the
rule's boundaries) and the care API with the pages' refusals."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dangjian.care import services
from dangjian.care.todos import todos
from dangjian.core import rules
from tests.factories import make_member

from .conftest import make_recipient

D = dt.date
NEW_YEAR_2027 = D(2027, 1, 1)  # its break: 1–3 January 2027
pytestmark = pytest.mark.django_db


def _new_year_visit(r):
    return services.visit_add(
        recipient=r,
        acting_user=None,
        kind="holiday",
        holiday="new_year",
        date=D(2026, 12, 1),
        visitors="书记",
    )


def test_the_todo_counts_the_unvisited_from_lead_days_before_to_the_last_day_off(cast):
    lead = rules.value("care.holiday_visit", "lead_days")
    visited = make_recipient(cast.member_a)
    make_recipient(make_member(org=cast.branch_a_2))
    make_recipient(cast.member_b)  # community B
    _new_year_visit(visited)
    first_day = NEW_YEAR_2027 - dt.timedelta(days=lead)
    (item,) = todos(user=cast.comm_a_sec, org=cast.comm_a, today=first_day)
    assert item.count == 1 and "2027年元旦慰问：1 名关爱对象尚未走访" in item.label
    assert item.url == f"/care/holidays/?org={cast.comm_a.pk}"
    assert (
        todos(user=cast.comm_a_sec, org=cast.comm_a, today=first_day - dt.timedelta(days=1)) == []
    )
    assert todos(user=cast.comm_a_sec, org=cast.comm_a, today=D(2027, 1, 3))[0].count == 1
    assert todos(user=cast.comm_a_sec, org=cast.comm_a, today=D(2027, 1, 4)) == []
    (b,) = todos(user=cast.comm_b_sec, org=cast.comm_b, today=first_day)
    assert b.count == 1


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_puts_a_member_on_the_list_and_records_a_visit(cast, client_for):
    c = client_for(cast.comm_a_sec)
    bad = post(c, "/api/v1/care/", {"member_id": cast.member_a.pk, "since": "2026-01-01"})
    assert bad.status_code == 400 and "关爱原因" in bad.json()["detail"]
    r = post(
        c,
        "/api/v1/care/",
        {"member_id": cast.member_a.pk, "since": "2026-01-01", "elderly": True},
    )
    assert r.status_code == 201, r.json()
    rid = r.json()["id"]
    far = post(
        c,
        f"/api/v1/care/{rid}/visits",
        {"kind": "holiday", "holiday": "dragon_boat", "date": "2026-01-10", "visitors": "书记"},
    )
    assert far.status_code == 400 and "前后没有端午节" in far.json()["detail"]
    ok = post(
        c,
        f"/api/v1/care/{rid}/visits",
        {"kind": "holiday", "holiday": "new_year", "date": "2026-12-01", "visitors": "书记"},
    )
    assert ok.status_code == 201
    (v,) = ok.json()["visits"]
    assert v["holiday_on"] == "2027-01-01" and v["occasion"] == "2027年元旦"
    listed = c.get("/api/v1/care/").json()["items"]
    assert listed[0]["last_holiday_visit"] == "2026-12-01"
    plan = c.get("/api/v1/care/holidays").json()
    assert all(p["total"] == 1 for p in plan)


def test_the_api_gives_an_aid_round_with_its_shares(cast, client_for):
    from decimal import Decimal

    a = make_recipient(cast.member_a, has_project=True, project="养鸭")
    rnd = services.aid_round_create(
        acting_user=None, org=cast.comm_a, title="互助金", fund=Decimal("100"), recipients=[a]
    )
    got = client_for(cast.comm_a_sec).get(f"/api/v1/care/aid/{rnd.pk}").json()
    assert got["grants"][0]["shares"] == 2 and Decimal(got["grants"][0]["amount"]) == 100
    assert client_for(cast.comm_b_sec).get(f"/api/v1/care/aid/{rnd.pk}").status_code == 404
