"""The funds API: entries listed and recorded (same messages as the pages), the balance, the
assets — all scoped."""

from __future__ import annotations

import datetime as dt
import json

from dangjian.funds import services

from . import conftest as h


def _post(c, url, body):
    return c.post(url, data=json.dumps(body), content_type="application/json")


def test_record_then_read_the_balance(cast, client_for, cats):
    c = client_for(cast.comm_a_sec)
    body = {
        "org_id": cast.comm_a.pk,
        "direction": "in",
        "date": f"{h.LAST_YEAR}-03-01",
        "category_id": cats[("in", "上级拨款")].pk,
        "amount": "50000",
        "summary": "办公经费",
        "purpose": "office_activity",
    }
    r = _post(c, "/api/v1/funds/entries/", body)
    assert r.status_code == 201, r.content
    assert r.json()["balance"] == "50000.00"
    got = c.get(
        f"/api/v1/funds/balance/?org={cast.comm_a.pk}&start={h.LAST_YEAR}-01-01&end={h.LAST_YEAR}-12-31"
    ).json()
    assert got["income"] == "50000.00" and got["closing"] == "50000.00"
    items = c.get(f"/api/v1/funds/entries/?org={cast.comm_a.pk}&start={h.LAST_YEAR}-01-01").json()
    assert items["count"] == 1 and items["items"][0]["purpose"] == "office_activity"


def test_a_negative_amount_is_a_400_with_the_same_message(cast, client_for, cats):
    r = _post(
        client_for(cast.comm_a_sec),
        "/api/v1/funds/entries/",
        {
            "org_id": cast.comm_a.pk,
            "direction": "out",
            "date": f"{h.LAST_YEAR}-03-01",
            "category_id": cats[("out", "办公")].pk,
            "amount": "-1",
            "summary": "x",
        },
    )
    assert r.status_code == 400 and "不要填负数" in r.json()["detail"]


def test_another_community_gets_404(cast, client_for, cats):
    c = client_for(cast.comm_b_sec)
    assert c.get(f"/api/v1/funds/entries/?org={cast.comm_a.pk}").status_code == 404
    assert c.get(f"/api/v1/funds/balance/?org={cast.comm_a.pk}").status_code == 404
    services.asset_create(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        name="甲的电脑",
        value="1",
        acquired_on=dt.date(h.LAST_YEAR, 1, 1),
    )
    assert "甲的电脑" not in c.get("/api/v1/funds/assets/").content.decode()
