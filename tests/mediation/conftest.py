"""The places and people of the mediation tests: in community A two grids (第一网格 of the cast
and 第二网格) each with a household and a grid cadre, and a household of community B."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dangjian.grid.models import AreaDuty, DutyRole
from dangjian.mediation import services
from dangjian.orgs.models import Place, PlaceKind
from tests.factories import make_place


@dataclass
class Grid:
    grid_a: Place
    grid_a2: Place
    home_a: Place  # 第一网格 / 1号楼 / 1单元 / 101
    home_a2: Place  # 第二网格 / 2号楼 / 1单元 / 201
    home_b: Place
    cadre_a: Any  # grid cadre of 第一网格
    cadre_a2: Any  # grid cadre of 第二网格


def _cadre(username: str, area: Place) -> Any:
    user = get_user_model().objects.create_user(username=username, password="demo-Pass-2026")
    AreaDuty.objects.create(
        area=area,
        role=DutyRole.CADRE,
        user=user,
        name=username,
        since=timezone.localdate() - dt.timedelta(days=400),
    )
    return user


def build_grid(cast) -> Grid:
    grid_a = cast.building_a.parent
    home_a = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="101室"
    )
    grid_a2 = make_place(
        parent=cast.place_a, community=cast.comm_a, kind=PlaceKind.GRID, name="第二网格"
    )
    b2 = make_place(parent=grid_a2, community=cast.comm_a, kind=PlaceKind.BUILDING, name="2号楼")
    c2 = make_place(parent=b2, community=cast.comm_a, kind=PlaceKind.CORRIDOR, name="2-1单元")
    home_a2 = make_place(parent=c2, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="201室")
    grid_b = make_place(
        parent=cast.place_b, community=cast.comm_b, kind=PlaceKind.GRID, name="乙第一网格"
    )
    bb = make_place(parent=grid_b, community=cast.comm_b, kind=PlaceKind.BUILDING, name="乙1号楼")
    cb = make_place(parent=bb, community=cast.comm_b, kind=PlaceKind.CORRIDOR, name="乙1单元")
    home_b = make_place(parent=cb, community=cast.comm_b, kind=PlaceKind.HOUSEHOLD, name="乙101室")
    return Grid(
        grid_a,
        grid_a2,
        home_a,
        home_a2,
        home_b,
        _cadre("cadre_a", grid_a),
        _cadre("cadre_a2", grid_a2),
    )


@pytest.fixture
def grid(cast) -> Grid:
    return build_grid(cast)


@pytest.fixture
def open_case(cast, grid):
    """``open_case(**overrides)``: a dispute of 101室 received today by comm_a_sec."""

    def make(**kw):
        data = {
            "acting_user": cast.comm_a_sec,
            "community": cast.comm_a,
            "place": grid.home_a,
            "kind": "mediation",
            "category": "neighbour",
            "received_on": timezone.localdate(),
            "summary": "楼上漏水，双方协商不成",
            "parties": [
                {"role": "applicant", "name": "赵测甲", "phone": "13800001111"},
                {"role": "respondent", "name": "钱测乙", "phone": "13900002222"},
            ],
            "mediator_names": ["孙调解"],
        }
        data.update(kw)
        return services.case_open(**data)

    return make
