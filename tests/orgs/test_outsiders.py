"""A secretary of community B gets nothing of community A — pages, forms, API — even by
guessing ids: the answer is 404, the same as for an id that does not exist."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.orgs.services import office_create


@pytest.fixture
def office_a(cast):
    return office_create(
        acting_user=None,
        org=cast.branch_a,
        title="secretary",
        holder_name="王五",
        term_start=dt.date(2024, 1, 1),
    )


def ui_urls(cast, office_a):
    a, b = cast.comm_a.pk, cast.branch_a.pk
    return [
        f"/orgs/{a}/",
        f"/orgs/{b}/",
        f"/orgs/{a}/children/",
        f"/orgs/{a}/new/",
        f"/orgs/{b}/edit/",
        f"/orgs/{cast.group_a.pk}/cover/",
        f"/orgs/{b}/offices/new/",
        f"/orgs/offices/{office_a.pk}/edit/",
        f"/orgs/{a}/places/",
        f"/orgs/{a}/places/new/",
        f"/orgs/places/{cast.building_a.pk}/",
        f"/orgs/places/{cast.building_a.pk}/new/",
        f"/orgs/places/{cast.corridor_a.pk}/edit/",
        f"/orgs/coverage/?org={a}",
        f"/orgs/coverage/?org={cast.street_a.pk}",
        f"/orgs/warnings/?org={a}",
    ]


def api_urls(cast, office_a):
    a = cast.comm_a.pk
    return [
        f"/api/v1/orgs/{a}",
        f"/api/v1/orgs/{cast.branch_a.pk}",
        f"/api/v1/orgs/{a}/coverage",
        f"/api/v1/orgs/{a}/warnings",
        f"/api/v1/orgs/{cast.branch_a.pk}/offices",
        f"/api/v1/places/{cast.building_a.pk}",
        f"/api/v1/places/{cast.corridor_a.pk}",
    ]


def test_every_page_of_community_a_is_a_404_for_community_b(cast, client_for, office_a):
    c = client_for(cast.comm_b_sec)
    for url in ui_urls(cast, office_a):
        assert c.get(url).status_code == 404, url


def test_a_forged_post_into_community_a_changes_nothing(cast, client_for, office_a):
    c = client_for(cast.comm_b_sec)
    for url in ui_urls(cast, office_a):
        assert c.post(url, {"name": "入侵", "code": "X-1", "kind": "branch"}).status_code == 404
    cast.branch_a.refresh_from_db()
    assert cast.branch_a.name == "文化东路第一楼栋党支部" and cast.branch_a.version == 1


def test_a_missing_id_looks_the_same_as_a_forbidden_one(cast, client_for):
    c = client_for(cast.comm_b_sec)
    assert c.get("/orgs/999999/").status_code == 404
    assert c.get("/orgs/coverage/?org=abc").status_code == 404
    assert c.get("/orgs/warnings/?org=999999").status_code == 404


def test_every_api_endpoint_of_community_a_is_a_404_for_community_b(cast, api_for, office_a):
    api = api_for(cast.comm_b_sec)
    for url in api_urls(cast, office_a):
        assert api.get(url).status_code == 404, url
    assert api.get("/api/v1/orgs/999999").status_code == 404


def test_lists_show_nothing_of_community_a(cast, client_for, api_for):
    c = client_for(cast.comm_b_sec)
    names = (cast.comm_a.name, cast.branch_a.name, cast.group_a.name, "1号楼", "1单元")
    for url in ("/orgs/", "/orgs/coverage/", "/orgs/warnings/", f"/orgs/{cast.comm_b.pk}/"):
        page = c.get(url).content.decode()
        assert not any(n in page for n in names), url
    api = api_for(cast.comm_b_sec)
    orgs = api.get("/api/v1/orgs/?limit=100").json()["items"]
    assert {o["id"] for o in orgs} == {cast.comm_b.pk, cast.branch_b.pk}
    places = api.get("/api/v1/places/?limit=100").json()["items"]
    assert {p["id"] for p in places} == {cast.place_b.pk}
    children = api.get(f"/api/v1/places/?parent={cast.building_a.pk}").json()["items"]
    assert children == []


def test_an_outsider_without_any_role_sees_nothing(cast, client_for, api_for):
    c = client_for(cast.outsider)
    assert c.get(f"/orgs/{cast.comm_a.pk}/").status_code == 404
    page = c.get("/orgs/coverage/").content.decode()
    assert cast.comm_a.name not in page
    assert api_for(cast.outsider).get("/api/v1/orgs/?limit=100").json()["items"] == []


def test_a_member_sees_their_branch_but_no_places_and_cannot_change_it(cast, client_for):
    c = client_for(cast.member_user)
    assert c.get(f"/orgs/{cast.branch_a.pk}/").status_code == 200
    assert c.get(f"/orgs/{cast.branch_a.pk}/edit/").status_code == 404
    assert c.get(f"/orgs/places/{cast.building_a.pk}/").status_code == 404
    assert c.get(f"/orgs/{cast.comm_a.pk}/").status_code == 404


def test_a_street_secretary_does_not_see_the_other_street(cast, client_for):
    c = client_for(cast.street_sec)
    assert c.get(f"/orgs/{cast.comm_b.pk}/").status_code == 404
    assert c.get(f"/orgs/coverage/?org={cast.street_b.pk}").status_code == 404
    assert c.get(f"/orgs/places/{cast.place_b.pk}/").status_code == 404
