"""The API: the street drafts and signs a letter; the detail carries each target's progress
(the same figures as the page); lists are scoped; another street gets a 404."""

from __future__ import annotations

import json

from dangjian.accounts.services import token_issue
from dangjian.targets import selectors
from dangjian.targets.models import Letter

from .conftest import TODAY, YEAR, draft, sign


def _client(cast, user):
    from django.test import Client

    _t, key = token_issue(user=user, name="测试", acting_user=None)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _post(c, auth, path, body):
    return c.post(path, json.dumps(body), content_type="application/json", **auth)


def test_the_street_drafts_and_signs_through_the_api(cast, secretary):
    c, auth = _client(cast, cast.street_sec)
    r = _post(c, auth, "/api/v1/targets/letters", {"community_id": cast.comm_a.pk, "year": YEAR})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["progress"]
    r = _post(c, auth, "/api/v1/targets/letters", {"community_id": cast.comm_a.pk, "year": YEAR})
    assert r.status_code == 400 and "已有目标责任书" in r.json()["detail"]
    path = f"/api/v1/targets/letters/{body['id']}/sign"
    bad = _post(
        c,
        auth,
        path,
        {
            "version": 99,
            "signer_office_id": secretary.pk,
            "signed_on": TODAY.isoformat(),
            "issuer_signatory": "司徒主任",
        },
    )
    assert bad.status_code == 400 and "已被他人修改" in bad.json()["detail"]
    r = _post(
        c,
        auth,
        path,
        {
            "version": body["version"],
            "signer_office_id": secretary.pk,
            "signed_on": TODAY.isoformat(),
            "issuer_signatory": "司徒主任",
        },
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "signed" and r.json()["signer_name"] == "欧阳书记"


def test_the_detail_holds_the_same_progress_as_the_page(cast, secretary):
    letter = sign(cast, draft(cast), secretary)
    c, auth = _client(cast, cast.comm_a_sec)
    body = c.get(f"/api/v1/targets/letters/{letter.pk}", **auth).json()
    rows = selectors.progress(letter)
    assert [(p["id"], p["state"]) for p in body["progress"]] == [
        (r.target.pk, r.state) for r in rows
    ]
    assert [p["percent"] and float(p["percent"]) for p in body["progress"]] == [
        r.percent and float(r.percent) for r in rows
    ]
    assert body["met"] == selectors.met_of(rows)[0]


def test_the_community_cannot_draft_or_sign_and_another_street_sees_nothing(cast, secretary):
    letter = draft(cast)
    c, auth = _client(cast, cast.comm_a_sec)
    r = _post(
        c, auth, "/api/v1/targets/letters", {"community_id": cast.comm_a.pk, "year": YEAR + 1}
    )
    assert r.status_code == 403
    r = _post(
        c,
        auth,
        f"/api/v1/targets/letters/{letter.pk}/sign",
        {"version": 1, "signer_office_id": secretary.pk, "signed_on": TODAY.isoformat()},
    )
    assert r.status_code == 404
    items = c.get(f"/api/v1/targets/letters?year={YEAR}", **auth).json()["items"]
    assert [i["id"] for i in items] == [letter.pk]
    b, bauth = _client(cast, cast.comm_b_sec)
    assert b.get(f"/api/v1/targets/letters/{letter.pk}", **bauth).status_code == 404
    assert b.get("/api/v1/targets/letters", **bauth).json()["items"] == []
    assert b.get(f"/api/v1/targets/letters?org={cast.comm_a.pk}", **bauth).status_code == 404
    assert Letter.objects.get().status == "draft"
