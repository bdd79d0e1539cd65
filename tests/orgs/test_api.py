"""API v1 for organisations and places: same data, same scoping, same rules as the pages."""

from __future__ import annotations

import datetime as dt

from dangjian.accounts.models import Grant
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Organisation, OrgKind, Place, PlaceKind
from dangjian.orgs.services import office_create, org_cover_places

from ..factories import make_org, make_place
from .conftest import fill, same_queries_at_5_and_50


def test_an_organisation_comes_with_its_details(cast, api_for):
    fill(cast.branch_a, full=1, probationary=1)
    office_create(
        acting_user=None,
        org=cast.branch_a,
        title="secretary",
        member=cast.member_a,
        term_start=dt.date(2024, 1, 1),
    )
    org_cover_places(org=cast.branch_a, places=[cast.building_a], acting_user=None)
    r = api_for(cast.comm_a_sec).get(f"/api/v1/orgs/{cast.branch_a.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["kind_label"] == "楼栋党支部" and body["code"] == "CA-B1"
    assert [a["id"] for a in body["ancestors"]] == [
        cast.county.pk,
        cast.street_a.pk,
        cast.comm_a.pk,
    ]
    assert body["counts"] == {"total": 3, "full": 2, "probationary": 1}
    assert body["children"] == 1
    assert [p["name"] for p in body["places"]] == ["1号楼"]
    assert [(o["title"], o["holder_name"], o["current"]) for o in body["offices"]] == [
        ("secretary", "张三", True)
    ]
    assert [w["kind"] for w in body["warnings"]] == ["too_few_full"]


def test_coverage_of_a_community_lists_its_gaps(cast, api_for):
    org_cover_places(org=cast.branch_a, places=[cast.building_a], acting_user=None)
    body = api_for(cast.comm_a_sec).get(f"/api/v1/orgs/{cast.comm_a.pk}/coverage").json()
    assert (body["buildings"], body["buildings_covered"], body["corridors"]) == (1, 1, 1)
    (c,) = body["communities"]
    assert c["uncovered_buildings"] == []
    assert [p["id"] for p in c["uncovered_corridors"]] == [cast.corridor_a.pk]


def test_coverage_of_a_street_is_a_roll_up_unless_gaps_are_asked_for(cast, api_for):
    api = api_for(cast.street_sec)
    body = api.get(f"/api/v1/orgs/{cast.street_a.pk}/coverage").json()
    assert [c["org_id"] for c in body["communities"]] == [cast.comm_a.pk, cast.comm_a2.pk]
    assert body["with_gaps"] is False and body["communities"][0]["uncovered_buildings"] == []
    body = api.get(f"/api/v1/orgs/{cast.street_a.pk}/coverage?gaps=true").json()
    assert body["communities"][0]["uncovered_buildings"][0]["id"] == cast.building_a.pk


def test_warnings_cover_the_subtree(cast, api_for):
    body = api_for(cast.street_sec).get(f"/api/v1/orgs/{cast.street_a.pk}/warnings").json()
    org_ids = {w["org_id"] for w in body["items"]}
    assert {cast.street_a.pk, cast.comm_a.pk, cast.branch_a.pk, cast.group_a.pk} <= org_ids
    assert cast.branch_b.pk not in org_ids
    only = api_for(cast.street_sec).get(
        f"/api/v1/orgs/{cast.street_a.pk}/warnings?kind=no_group_leader"
    )
    assert [w["org_id"] for w in only.json()["items"]] == [cast.group_a.pk]


def test_offices_list_current_and_past(cast, api_for):
    office_create(
        acting_user=None,
        org=cast.comm_a,
        title="secretary",
        holder_name="新书记",
        term_start=dt.date(2024, 1, 1),
    )
    office_create(
        acting_user=None,
        org=cast.comm_a,
        title="secretary",
        holder_name="老书记",
        term_start=dt.date(2019, 1, 1),
        left_on=dt.date(2023, 12, 31),
    )
    api = api_for(cast.comm_a_sec)
    url = f"/api/v1/orgs/{cast.comm_a.pk}/offices"
    assert [o["holder_name"] for o in api.get(url).json()["items"]] == ["新书记", "老书记"]
    assert [o["holder_name"] for o in api.get(url + "?current=true").json()["items"]] == ["新书记"]
    assert [o["holder_name"] for o in api.get(url + "?current=false").json()["items"]] == ["老书记"]
    assert api.get(url).json()["items"][0]["term_end"] == "2028-12-31"


def test_creating_an_organisation_needs_the_right_to_change_the_parent(cast, api_for):
    payload = {"parent_id": cast.comm_a.pk, "kind": "branch", "name": "新支部", "code": "CA-N1"}
    r = api_for(cast.comm_a_sec).post("/api/v1/orgs/", payload, content_type="application/json")
    assert r.status_code == 201 and r.json()["parent_id"] == cast.comm_a.pk
    org = Organisation.objects.get(code="CA-N1")
    assert AuditEntry.objects.filter(action="create", object_id=str(org.pk)).exists()

    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    viewer = api_for(cast.outsider)
    r = viewer.post("/api/v1/orgs/", {**payload, "code": "CA-N2"}, content_type="application/json")
    assert r.status_code == 403
    r = api_for(cast.comm_b_sec).post(
        "/api/v1/orgs/", {**payload, "code": "CA-N3"}, content_type="application/json"
    )
    assert r.status_code == 404
    assert not Organisation.objects.filter(code__in=["CA-N2", "CA-N3"]).exists()


def test_a_taken_code_is_refused_in_chinese(cast, api_for):
    payload = {"parent_id": cast.comm_a.pk, "kind": "branch", "name": "重复", "code": "CA-B1"}
    r = api_for(cast.comm_a_sec).post("/api/v1/orgs/", payload, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"]["code"] == ["这个组织代码已被其他组织使用，请换一个。"]


def test_creating_a_place_takes_the_kind_from_its_parent(cast, api_for):
    api = api_for(cast.comm_a_sec)
    r = api.post(
        "/api/v1/places/",
        {"parent_id": cast.building_a.pk, "name": "2单元"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["kind"] == "corridor"
    assert Place.objects.get(pk=r.json()["id"]).community == cast.comm_a
    r = api_for(cast.comm_b_sec).post(
        "/api/v1/places/",
        {"parent_id": cast.building_a.pk, "name": "3单元"},
        content_type="application/json",
    )
    assert r.status_code == 404
    assert not Place.objects.filter(name="3单元").exists()


def test_a_community_top_place_is_created_from_the_community(cast, api_for):
    r = api_for(cast.street_sec).post(
        "/api/v1/places/",
        {"community_id": cast.comm_a2.pk, "name": "团结路社区"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["kind"] == "community"


def test_the_organisation_list_costs_the_same_for_5_and_50(cast, client_for):
    parent = make_org(parent=cast.comm_a, kind=OrgKind.GENERAL_BRANCH)

    def grow(n):
        while parent.children.count() < n:
            make_org(parent=parent)

    same_queries_at_5_and_50(
        client_for(cast.comm_a_sec), f"/api/v1/orgs/?parent={parent.pk}&limit=100", grow
    )


def test_the_office_list_costs_the_same_for_5_and_50(cast, client_for):
    def grow(n):
        while cast.comm_a.offices.count() < n:
            office_create(
                acting_user=None,
                org=cast.comm_a,
                title="committee",
                member=cast.member_a,
                term_start=dt.date(2024, 1, 1),
            )

    same_queries_at_5_and_50(
        client_for(cast.comm_a_sec), f"/api/v1/orgs/{cast.comm_a.pk}/offices?limit=100", grow
    )


def test_the_warning_list_costs_the_same_for_5_and_50(cast, client_for):
    parent = make_org(parent=cast.comm_a, kind=OrgKind.GENERAL_BRANCH)

    def grow(n):
        while parent.children.count() < n:
            make_org(parent=parent)

    same_queries_at_5_and_50(
        client_for(cast.comm_a_sec), f"/api/v1/orgs/{parent.pk}/warnings?limit=200", grow
    )


def test_the_place_list_and_coverage_cost_the_same_for_5_and_50(cast, client_for):
    grid = cast.building_a.parent

    def grow(n):
        while grid.children.count() < n:
            b = make_place(parent=grid, community=cast.comm_a, kind=PlaceKind.BUILDING)
            make_place(parent=b, community=cast.comm_a, kind=PlaceKind.CORRIDOR)

    c = client_for(cast.comm_a_sec)
    same_queries_at_5_and_50(c, f"/api/v1/places/?parent={grid.pk}&limit=100", grow)
    same_queries_at_5_and_50(c, f"/api/v1/orgs/{cast.comm_a.pk}/coverage", grow)
