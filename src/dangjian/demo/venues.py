"""Demo venues and office space: each community's office floor area falls in a different band of
seed 001's table (one in a demolition transition), and most have most of 一厅一校四室, some bookable
through co-building's booking engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from dangjian.venues import services
from dangjian.venues.models import Kind

if TYPE_CHECKING:
    from .county import Demo

#: office floor area per community, in the order of the demo's communities (None: in transition)
_AREAS = (420, 260, 180, 135, None, 310, 90, 160)


def build_venues(demo: Demo, *, log: Callable[[str], None]) -> None:
    venues = 0
    for i, c in enumerate(demo.communities):
        area = _AREAS[i % len(_AREAS)]
        services.office_save(
            acting_user=demo.admin,
            community=c.org,
            floor_area_m2=area if area is not None else "",
            in_transition=area is None,
        )
        for j, (kind, _label) in enumerate(Kind.choices):
            if (i + j) % 5 == 4:
                continue  # not every community has all six
            services.venue_save(
                acting_user=demo.admin,
                community=c.org,
                kind=kind,
                area_m2=20 + 15 * j + 5 * i,
                note="工作日 8:30–17:30 开放" if kind != Kind.POLICE else "",
                bookable=kind in (Kind.SCHOOL, Kind.ACTIVITY, Kind.AV_ROOM),
            )
            venues += 1
    log(f"阵地：{venues} 处（一厅一校四室），{len(demo.communities)} 个社区登记了办公用房面积")
