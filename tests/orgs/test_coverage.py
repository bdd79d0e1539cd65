"""Coverage: every building has a branch, every corridor a group (纵向到底、横向到边)."""

from __future__ import annotations

import pytest

from dangjian.core.access import forget_scope
from dangjian.orgs.models import OrgKind, PlaceKind
from dangjian.orgs.selectors import coverage_for
from dangjian.orgs.services import org_cover_places, org_update

from ..factories import make_org, make_place


def community_a(cast, user=None):
    cov = coverage_for(user=user or cast.comm_a_sec, org=cast.comm_a)
    assert cov.with_gaps and cov.single is not None
    return cov.single


def test_a_building_and_corridor_nobody_covers_are_gaps(cast):
    c = community_a(cast)
    assert (c.buildings, c.buildings_covered, c.corridors, c.corridors_covered) == (1, 0, 1, 0)
    assert c.uncovered_buildings == [cast.building_a]
    assert c.uncovered_corridors == [cast.corridor_a]
    assert c.building_percent == 0.0 and not c.complete


def test_a_building_branch_covering_the_building_covers_it(cast):
    org_cover_places(org=cast.branch_a, places=[cast.building_a], acting_user=None)
    c = community_a(cast)
    assert c.buildings_covered == 1 and c.uncovered_buildings == []
    assert c.uncovered_corridors == [cast.corridor_a]  # a branch is not a group


def test_a_grid_branch_covers_every_building_of_its_grid(cast):
    grid = cast.building_a.parent
    other = make_place(parent=grid, community=cast.comm_a, kind=PlaceKind.BUILDING)
    grid_branch = make_org(parent=cast.comm_a, kind=OrgKind.GRID_BRANCH)
    org_cover_places(org=grid_branch, places=[grid], acting_user=None)
    c = community_a(cast)
    assert (c.buildings, c.buildings_covered) == (2, 2)
    assert other not in c.uncovered_buildings


def test_covering_the_whole_community_does_not_cover_its_buildings(cast):
    org_cover_places(org=cast.branch_a_2, places=[cast.place_a], acting_user=None)
    assert community_a(cast).buildings_covered == 0


def test_a_group_covering_the_corridor_covers_it(cast):
    org_cover_places(org=cast.group_a, places=[cast.corridor_a], acting_user=None)
    c = community_a(cast)
    assert c.corridors_covered == 1 and c.uncovered_corridors == []
    assert c.uncovered_buildings == [cast.building_a]  # a group is not a branch


def test_a_group_covering_the_building_covers_all_its_corridors(cast):
    second = make_place(parent=cast.building_a, community=cast.comm_a, kind=PlaceKind.CORRIDOR)
    org_cover_places(org=cast.group_a, places=[cast.building_a], acting_user=None)
    c = community_a(cast)
    assert (c.corridors, c.corridors_covered) == (2, 2)
    assert second not in c.uncovered_corridors
    assert c.buildings_covered == 0


def test_a_deactivated_branch_covers_nothing(cast):
    org_cover_places(org=cast.branch_a, places=[cast.building_a], acting_user=None)
    org_update(cast.branch_a, data={"is_active": False}, acting_user=None)
    assert community_a(cast).buildings_covered == 0


def test_everything_covered_is_complete(cast):
    org_cover_places(org=cast.branch_a, places=[cast.building_a], acting_user=None)
    org_cover_places(org=cast.group_a, places=[cast.corridor_a], acting_user=None)
    c = community_a(cast)
    assert c.complete and c.building_percent == 100.0 and c.corridor_percent == 100.0


def test_a_street_rolls_up_its_communities_without_listing_gaps(cast):
    grid2 = make_place(parent=None, community=cast.comm_a2, name="团结路社区")
    grid2 = make_place(parent=grid2, community=cast.comm_a2, kind=PlaceKind.GRID)
    for _ in range(3):
        make_place(parent=grid2, community=cast.comm_a2, kind=PlaceKind.BUILDING)
    org_cover_places(org=cast.branch_a, places=[cast.building_a], acting_user=None)
    cov = coverage_for(user=cast.street_sec, org=cast.street_a)
    assert [c.org for c in cov.communities] == [cast.comm_a, cast.comm_a2]
    assert not cov.with_gaps and cov.communities[1].uncovered_buildings == []
    assert (cov.buildings, cov.buildings_covered) == (4, 1)
    assert cov.building_percent == 25.0
    assert cov.communities[1].building_gaps == 3


def test_a_street_can_ask_for_the_gaps_too(cast):
    cov = coverage_for(user=cast.street_sec, org=cast.street_a, gaps=True)
    assert cov.communities[0].uncovered_corridors == [cast.corridor_a]


def test_places_out_of_the_users_scope_are_not_counted(cast):
    cov = coverage_for(user=cast.comm_b_sec, org=cast.street_a)
    assert cov.communities == [] and cov.buildings == 0


@pytest.mark.parametrize("n", [5, 50])
def test_coverage_takes_a_fixed_number_of_queries(cast, n, django_assert_num_queries):
    grid = cast.building_a.parent
    for i in range(n):
        b = make_place(parent=grid, community=cast.comm_a, kind=PlaceKind.BUILDING)
        k = make_place(parent=b, community=cast.comm_a, kind=PlaceKind.CORRIDOR)
        if i % 2:
            org_cover_places(org=cast.group_a, places=[k], acting_user=None)
    forget_scope(cast.comm_a_sec)  # the user's scope is read below, once
    # scope (grants, member), communities, building counts, corridor counts, two gap lists
    with django_assert_num_queries(7):
        c = coverage_for(user=cast.comm_a_sec, org=cast.comm_a).single
    assert c.buildings == n + 1 and len(c.uncovered_corridors) == n + 1 - n // 2
