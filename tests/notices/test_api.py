"""The API: a secretary lists, reads, posts and withdraws notices; a member reads theirs at
/mine; anything out of scope is a 404, the same as a missing id."""

from __future__ import annotations

import json

from django.test import Client

from dangjian.accounts.services import token_issue
from dangjian.notices.models import Notice

from .conftest import TODAY, days, post


def _client(user):
    _t, key = token_issue(user=user, name="测试", acting_user=None)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _post(c, auth, path, body):
    return c.post(path, json.dumps(body), content_type="application/json", **auth)


def test_post_read_list_and_withdraw(cast):
    c, auth = _client(cast.comm_a_sec)
    r = _post(
        c,
        auth,
        "/api/v1/notices/",
        {
            "org_id": cast.comm_a.pk,
            "audience": "members",
            "to_org_id": cast.branch_a.pk,
            "title": "接口发的通知",
            "body": "正文",
            "publish_on": TODAY.isoformat(),
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["to_org"], body["state"], body["version"]) == (
        "文化东路第一楼栋党支部",
        "current",
        1,
    )
    got = c.get(f"/api/v1/notices/{body['id']}", **auth).json()
    assert got["title"] == "接口发的通知"
    items = c.get("/api/v1/notices/?state=current", **auth).json()["items"]
    assert [i["id"] for i in items] == [body["id"]]
    bad = _post(c, auth, f"/api/v1/notices/{body['id']}/withdraw", {"version": 1})
    assert bad.status_code == 400 and "晚于发布日期" in bad.json()["detail"]
    ok = _post(
        c,
        auth,
        f"/api/v1/notices/{body['id']}/withdraw",
        {"version": 1, "withdraw_on": days(1).isoformat()},
    )
    assert ok.status_code == 200 and ok.json()["withdraw_on"] == days(1).isoformat()


def test_bad_input_is_a_400_by_field_and_saves_nothing(cast):
    c, auth = _client(cast.comm_a_sec)
    r = _post(
        c,
        auth,
        "/api/v1/notices/",
        {
            "org_id": cast.comm_a.pk,
            "audience": "members",
            "title": "长",
            "body": "字" * 5001,
            "publish_on": TODAY.isoformat(),
        },
    )
    assert r.status_code == 400 and "5000" in r.json()["errors"]["body"][0]
    assert not Notice.objects.exists()


def test_another_community_gets_a_404_like_a_missing_id(cast):
    n = post(cast, title="甲社区内部通知")
    c, auth = _client(cast.comm_b_sec)
    r = c.get(f"/api/v1/notices/{n.pk}", **auth)
    missing = c.get("/api/v1/notices/987654321", **auth)
    assert (r.status_code, r.json()) == (
        missing.status_code,
        missing.json(),
    ) and r.status_code == 404
    assert _post(c, auth, f"/api/v1/notices/{n.pk}/withdraw", {"version": 1}).status_code == 404
    assert c.get("/api/v1/notices/", **auth).json()["items"] == []
    r = _post(
        c,
        auth,
        "/api/v1/notices/",
        {
            "org_id": cast.comm_a.pk,
            "audience": "members",
            "title": "x",
            "body": "y",
            "publish_on": TODAY.isoformat(),
        },
    )
    assert r.status_code == 404 and not Notice.objects.filter(title="x").exists()


def test_the_member_reads_their_notices(cast):
    post(cast, title="全社区通知")
    post(cast, to_org=cast.branch_a_2, title="别的支部")
    c, auth = _client(cast.member_user)
    items = c.get("/api/v1/notices/mine", **auth).json()["items"]
    assert [i["title"] for i in items] == ["全社区通知"]
    assert c.get("/api/v1/notices/", **auth).status_code == 404
    c2, auth2 = _client(cast.comm_a_sec)  # no member record: nothing
    assert c2.get("/api/v1/notices/mine", **auth2).json()["items"] == []
