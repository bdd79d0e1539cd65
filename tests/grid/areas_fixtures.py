"""Fixtures of the areas' tests (tests/grid/test_areas*.py): import them from here.

``areas``: 第一网格 of community A (the cast's grid above 1号楼) and a second grid of A, each
with households whose population the test sets, a grid cadre with an account on each, and a grid
of community B."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from dangjian.grid import services_areas as services
from dangjian.grid.access import forget_duties
from dangjian.grid.models import DutyRole
from dangjian.orgs.models import Place, PlaceKind
from tests.factories import make_place

SINCE = dt.date(2025, 1, 1)


@dataclass
class Areas:
    grid_a: Place
    grid_a2: Place
    grid_b: Place
    corridor_a2: Place
    corridor_b: Place
    cadre_a: object
    cadre_a2: object


def household(corridor: Place, population: int, name: str | None = None) -> Place:
    return make_place(
        parent=corridor,
        community=corridor.community,
        kind=PlaceKind.HOUSEHOLD,
        name=name,
        population=population,
    )


def corridor_in(grid: Place) -> Place:
    b = make_place(parent=grid, community=grid.community, kind=PlaceKind.BUILDING)
    return make_place(parent=b, community=grid.community, kind=PlaceKind.CORRIDOR)


def make_cadre(cast, area: Place, username: str):
    user = get_user_model().objects.create_user(username=username, password=cast.password)
    services.duty_assign(
        acting_user=cast.admin,
        area=area,
        role=DutyRole.CADRE,
        user=user,
        name=f"{username}姓名",
        since=SINCE,
    )
    forget_duties(user)
    return user


@pytest.fixture(name="areas")
def areas_fixture(cast) -> Areas:
    grid_a = cast.building_a.parent
    grid_a2 = make_place(
        parent=cast.place_a, community=cast.comm_a, kind=PlaceKind.GRID, name="第二网格"
    )
    grid_b = make_place(
        parent=cast.place_b, community=cast.comm_b, kind=PlaceKind.GRID, name="乙社区网格"
    )
    return Areas(
        grid_a=grid_a,
        grid_a2=grid_a2,
        grid_b=grid_b,
        corridor_a2=corridor_in(grid_a2),
        corridor_b=corridor_in(grid_b),
        cadre_a=make_cadre(cast, grid_a, "grid_cadre_a"),
        cadre_a2=make_cadre(cast, grid_a2, "grid_cadre_a2"),
    )
