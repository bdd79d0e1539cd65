"""Pages that follow the tree: what they show, and that they cost the same with 5 or 50 rows."""

from __future__ import annotations

import datetime as dt

from dangjian.orgs.models import Organisation, OrgKind, Place, PlaceKind
from dangjian.orgs.services import office_create, org_cover_places, org_create

from ..factories import make_org, make_place
from .conftest import fill, same_queries_at_5_and_50


def grow_children(parent: Organisation, kind: str = OrgKind.BRANCH):
    def grow(n: int) -> None:
        while parent.children.count() < n:
            make_org(parent=parent, kind=kind)

    return grow


def test_the_tree_starts_at_the_users_organisations(cast, client_for):
    page = client_for(cast.street_sec).get("/orgs/").content.decode()
    assert cast.street_a.name in page and cast.comm_b.name not in page
    assert f'hx-get="/orgs/{cast.street_a.pk}/children/"' in page


def test_opening_a_node_lists_its_children_with_kind_and_member_count(cast, client_for):
    fill(cast.branch_a, full=2, probationary=1)
    page = client_for(cast.comm_a_sec).get(f"/orgs/{cast.comm_a.pk}/children/").content.decode()
    assert cast.branch_a.name in page and cast.branch_a_2.name in page
    assert "楼栋党支部" in page
    assert "党员 4 名" in page  # 张三 and the three just registered
    assert f'hx-get="/orgs/{cast.branch_a.pk}/children/"' in page  # it has a group below


def test_a_level_of_the_tree_costs_the_same_for_5_and_50_children(cast, client_for):
    parent = make_org(parent=cast.comm_a, kind=OrgKind.GENERAL_BRANCH)
    fill(parent, full=1)
    same_queries_at_5_and_50(
        client_for(cast.comm_a_sec), f"/orgs/{parent.pk}/children/", grow_children(parent)
    )


def test_the_root_list_costs_the_same_for_5_and_50_roots(cast, client_for):
    def grow(n: int) -> None:
        while Organisation.objects.filter(parent=None).count() < n:
            make_org(parent=None, kind=OrgKind.COUNTY)

    same_queries_at_5_and_50(client_for(cast.admin), "/orgs/", grow)


def test_children_beyond_a_page_load_on_demand(cast, client_for):
    parent = make_org(parent=cast.comm_a, kind=OrgKind.GENERAL_BRANCH)
    grow_children(parent)(51)
    page = client_for(cast.comm_a_sec).get(f"/orgs/{parent.pk}/children/").content.decode()
    assert page.count('class="tree-node"') == 50
    assert f"/orgs/{parent.pk}/children/?page=2" in page


def test_an_organisation_page_shows_breadcrumb_counts_offices_places_and_warnings(cast, client_for):
    fill(cast.branch_a, full=1, probationary=1)
    office_create(
        acting_user=None,
        org=cast.branch_a,
        title="secretary",
        member=cast.member_a,
        term_start=dt.date(2022, 1, 1),
    )
    office_create(
        acting_user=None,
        org=cast.branch_a,
        title="secretary",
        holder_name="老书记",
        term_start=dt.date(2017, 1, 1),
        term_end=dt.date(2021, 12, 31),
        left_on=dt.date(2021, 12, 31),
    )
    org_cover_places(org=cast.branch_a, places=[cast.building_a], acting_user=None)
    page = client_for(cast.comm_a_sec).get(f"/orgs/{cast.branch_a.pk}/").content.decode()
    # breadcrumb: the community is a link, the street above the user's scope is plain text
    assert f'<a href="/orgs/{cast.comm_a.pk}/">{cast.comm_a.name}</a>' in page
    assert cast.street_a.name in page and f'href="/orgs/{cast.street_a.pk}/"' not in page
    assert ">3</div>" in page and ">2</div>" in page and ">1</div>" in page  # 3 = 2 full + 1
    assert "张三" in page and "2026-12-31" in page  # five-year term by the rule
    assert "老书记" in page and "往届任职" in page
    assert "1号楼" in page
    assert "正式党员只有 2 名" in page
    assert f"/members/?org={cast.branch_a.pk}" in page
    assert cast.group_a.name in page


def test_an_organisation_page_costs_the_same_for_5_and_50_children(cast, client_for):
    parent = make_org(parent=cast.comm_a, kind=OrgKind.GENERAL_BRANCH)
    same_queries_at_5_and_50(
        client_for(cast.comm_a_sec), f"/orgs/{parent.pk}/", grow_children(parent)
    )


def test_an_organisation_page_costs_the_same_for_5_and_50_offices(cast, client_for):
    def grow(n: int) -> None:
        while cast.branch_a.offices.count() < n:
            office_create(
                acting_user=None,
                org=cast.branch_a,
                title="committee",
                member=cast.member_a,
                term_start=dt.date(2020, 1, 1),
                left_on=dt.date(2021, 1, 1),
            )

    same_queries_at_5_and_50(client_for(cast.comm_a_sec), f"/orgs/{cast.branch_a.pk}/", grow)


def test_the_warnings_page_lists_every_warning_of_the_subtree(cast, client_for):
    page = client_for(cast.street_sec).get("/orgs/warnings/").content.decode()
    assert cast.branch_a.name in page and cast.comm_a2.name in page
    assert "正式党员不足" in page and "没有书记" in page and "没有党小组长" in page
    assert cast.branch_b.name not in page


def test_the_warnings_page_filters_by_kind_and_subtree(cast, client_for):
    c = client_for(cast.street_sec)
    page = c.get(f"/orgs/warnings/?org={cast.comm_a.pk}&kind=no_group_leader").content.decode()
    assert cast.group_a.name in page and "正式党员只有" not in page
    assert cast.comm_a2.name not in page


def test_the_warnings_page_costs_the_same_for_5_and_50_organisations(cast, client_for):
    parent = make_org(parent=cast.comm_a, kind=OrgKind.GENERAL_BRANCH)
    same_queries_at_5_and_50(
        client_for(cast.comm_a_sec),
        f"/orgs/warnings/?org={parent.pk}",
        grow_children(parent),
    )


def test_the_coverage_page_of_a_community_lists_the_gaps(cast, client_for):
    org_cover_places(org=cast.branch_a, places=[cast.building_a], acting_user=None)
    page = client_for(cast.comm_a_sec).get("/orgs/coverage/").content.decode()
    assert 'id="uncovered-corridors"' in page and "1单元" in page
    assert 'id="uncovered-buildings"' not in page
    assert '<span class="buildings-covered">1</span>' in page


def test_the_coverage_page_of_a_street_rolls_up_and_drills_down(cast, client_for):
    c = client_for(cast.street_sec)
    page = c.get("/orgs/coverage/").content.decode()
    assert 'id="coverage-table"' in page
    assert f'href="?org={cast.comm_a.pk}"' in page
    assert cast.comm_b.name not in page
    page = c.get(f"/orgs/coverage/?org={cast.comm_a.pk}").content.decode()
    assert "1号楼" in page and "1单元" in page


def test_the_coverage_page_costs_the_same_for_5_and_50_gaps(cast, client_for):
    grid = cast.building_a.parent

    def grow(n: int) -> None:
        while Place.objects.filter(kind=PlaceKind.BUILDING).count() < n:
            b = make_place(parent=grid, community=cast.comm_a, kind=PlaceKind.BUILDING)
            make_place(parent=b, community=cast.comm_a, kind=PlaceKind.CORRIDOR)

    same_queries_at_5_and_50(client_for(cast.comm_a_sec), "/orgs/coverage/", grow)


def test_the_street_roll_up_costs_the_same_for_5_and_50_communities(cast, client_for):
    def grow(n: int) -> None:
        while cast.street_a.children.count() < n:
            comm = org_create(
                parent=cast.street_a,
                acting_user=None,
                kind=OrgKind.COMMUNITY_COMMITTEE,
                name=f"社区{cast.street_a.children.count()}",
                code=f"GC{cast.street_a.children.count()}",
            )
            root = make_place(parent=None, community=comm)
            grid = make_place(parent=root, community=comm, kind=PlaceKind.GRID)
            make_place(parent=grid, community=comm, kind=PlaceKind.BUILDING)

    same_queries_at_5_and_50(client_for(cast.street_sec), "/orgs/coverage/", grow)


def test_the_places_page_shows_the_tree_with_who_covers_what(cast, client_for):
    org_cover_places(org=cast.group_a, places=[cast.corridor_a], acting_user=None)
    for _ in range(3):
        make_place(parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD)
    page = client_for(cast.comm_a_sec).get(f"/orgs/{cast.comm_a.pk}/places/").content.decode()
    for name in ("文化东路社区", "第一网格", "1号楼", "1单元", cast.group_a.name, "3 户"):
        assert name in page


def test_the_places_page_costs_the_same_for_5_and_50_buildings(cast, client_for):
    grid = cast.building_a.parent

    def grow(n: int) -> None:
        while grid.children.count() < n:
            b = make_place(parent=grid, community=cast.comm_a, kind=PlaceKind.BUILDING)
            k = make_place(parent=b, community=cast.comm_a, kind=PlaceKind.CORRIDOR)
            make_place(parent=k, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD)
            org_cover_places(org=cast.branch_a, places=[b], acting_user=None)

    same_queries_at_5_and_50(client_for(cast.comm_a_sec), f"/orgs/{cast.comm_a.pk}/places/", grow)


def test_a_place_page_shows_its_path_and_children(cast, client_for):
    org_cover_places(org=cast.branch_a, places=[cast.building_a], acting_user=None)
    page = client_for(cast.comm_a_sec).get(f"/orgs/places/{cast.building_a.pk}/").content.decode()
    assert "第一网格" in page and "1单元" in page and cast.branch_a.name in page
    assert f"/orgs/places/{cast.building_a.pk}/new/" in page  # add a corridor


def test_a_place_page_costs_the_same_for_5_and_50_children(cast, client_for):
    def grow(n: int) -> None:
        while cast.corridor_a.children.count() < n:
            make_place(parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD)

    same_queries_at_5_and_50(
        client_for(cast.comm_a_sec), f"/orgs/places/{cast.corridor_a.pk}/", grow
    )


def test_the_cover_form_costs_the_same_for_5_and_50_candidates(cast, client_for):
    def grow(n: int) -> None:
        while cast.building_a.children.count() < n:
            make_place(parent=cast.building_a, community=cast.comm_a, kind=PlaceKind.CORRIDOR)

    same_queries_at_5_and_50(client_for(cast.comm_a_sec), f"/orgs/{cast.group_a.pk}/cover/", grow)
