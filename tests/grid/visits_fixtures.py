"""Fixtures of the visits' tests (tests/grid/test_visits*.py): import them from here.

``vw`` (visits world): community A's 第一网格 (the cast's grid above 1号楼1单元) with two
households, a second grid 第二网格 of A with one household, a household of community B; a grid
cadre with an account on each grid of A; and ``comm_a_sec`` made the 书记 of community A (a
member record holding the office), so that their visits count as the secretary's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from dangjian.core.access import forget_scope
from dangjian.grid.access import forget_duties
from dangjian.grid.models import AreaDuty, DutyRole, Visit
from dangjian.members.models import Member
from dangjian.orgs.models import Office, Place, PlaceKind
from tests.factories import make_member, make_place

SINCE = dt.date(2024, 1, 1)


@dataclass
class VisitsWorld:
    grid_a: Place
    grid_a2: Place
    home_a: Place  # 甲片住户一 (1号楼1单元)
    home_a_2: Place  # 甲片住户二
    home_a2: Place  # 乙片住户 (第二网格)
    home_b: Place  # community B
    cadre_a: object
    cadre_a2: object
    secretary: object  # cast.comm_a_sec, holding the 书记 office of community A


def make_household(corridor: Place, name: str) -> Place:
    return make_place(
        parent=corridor, community=corridor.community, kind=PlaceKind.HOUSEHOLD, name=name
    )


def corridor_in(grid: Place, name: str = "") -> Place:
    b = make_place(
        parent=grid, community=grid.community, kind=PlaceKind.BUILDING, name=name or None
    )
    return make_place(parent=b, community=grid.community, kind=PlaceKind.CORRIDOR)


def make_cadre(cast, area: Place, username: str, name: str):
    user = get_user_model().objects.create_user(
        username=username, password=cast.password, first_name=name
    )
    AreaDuty.objects.create(area=area, role=DutyRole.CADRE, user=user, name=name, since=SINCE)
    forget_duties(user)
    return user


def make_secretary(cast, user, community) -> Member:
    member = make_member(org=cast.branch_a, name="书记测试")
    Member.objects.filter(pk=member.pk).update(user=user)
    Office.objects.create(
        org=community,
        title=Office.Title.SECRETARY,
        member=member,
        holder_name=member.name,
        term_start=SINCE,
    )
    forget_scope(user)
    return member


def build_visits_world(cast) -> VisitsWorld:
    grid_a = cast.building_a.parent
    grid_a2 = make_place(
        parent=cast.place_a, community=cast.comm_a, kind=PlaceKind.GRID, name="第二网格"
    )
    grid_b = make_place(
        parent=cast.place_b, community=cast.comm_b, kind=PlaceKind.GRID, name="乙社区网格"
    )
    w = VisitsWorld(
        grid_a=grid_a,
        grid_a2=grid_a2,
        home_a=make_household(cast.corridor_a, "甲片住户一"),
        home_a_2=make_household(cast.corridor_a, "甲片住户二"),
        home_a2=make_household(corridor_in(grid_a2, "9号楼"), "乙片住户"),
        home_b=make_household(corridor_in(grid_b), "乙社区住户"),
        cadre_a=make_cadre(cast, grid_a, "cadre_a", "网格员甲"),
        cadre_a2=make_cadre(cast, grid_a2, "cadre_a2", "网格员乙"),
        secretary=cast.comm_a_sec,
    )
    make_secretary(cast, cast.comm_a_sec, cast.comm_a)
    return w


@pytest.fixture(name="vw")
def vw_fixture(cast) -> VisitsWorld:
    return build_visits_world(cast)


def add_visits(household: Place, user, days: list[dt.date], *, by_secretary: bool = False) -> None:
    """Visits written straight to the table (for counting tests; the service is tested apart)."""
    Visit.objects.bulk_create(
        Visit(
            household=household,
            visited_on=d,
            visitor=user,
            visitor_name="测试",
            by_secretary=by_secretary,
            found="情况",
        )
        for d in days
    )
