"""Objects of community A for the grid areas' pages and API (see endpoints.py).

``{area}`` the cast's 第一网格 (above 1号楼) with ``{area_duty}``, its 社情联络员 甲片区联络员, and
a cadre 甲片区干部 with an account of their own. Grid work is need-to-know: a read-only grant
reaches none of it, so every entry is ``change=True``."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from dangjian.grid import services_areas
from dangjian.grid.models import DutyRole

from .endpoints import Endpoint, Listing


def build(cast, ids):
    area = cast.building_a.parent
    cadre = get_user_model().objects.create_user(
        username="endpoints_grid_cadre", password=cast.password
    )
    services_areas.duty_assign(
        acting_user=cast.admin,
        area=area,
        role=DutyRole.CADRE,
        user=cadre,
        name="甲片区干部",
        since=dt.date(2025, 1, 1),
    )
    liaison = services_areas.duty_assign(
        acting_user=cast.admin,
        area=area,
        role=DutyRole.LIAISON,
        name="甲片区联络员",
        since=dt.date(2025, 1, 1),
    )
    hidden = ("甲片区干部", "甲片区联络员")
    return {"area": area.pk, "area_duty": liaison.pk}, hidden, hidden


OBJECT_PAGES = [
    Endpoint("grid:home", "/grid/?org={community}", change=True),
    Endpoint("grid:area", "/grid/areas/{area}/", change=True),
    Endpoint(
        "grid:duty_add",
        "/grid/areas/{area}/duties/new/",
        "POST",
        {"role": "liaison", "name": "渗透", "since": "2026-01-01"},
        change=True,
    ),
    Endpoint("grid:duty_end", "/grid/duties/{area_duty}/end/", change=True),
    Endpoint(
        "grid:duty_end",
        "/grid/duties/{area_duty}/end/",
        "POST",
        {"version": "1", "until": "2026-01-01"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("grid:home", "/grid/", owner_sees="甲片区干部"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/grid/areas/", "/api/v1/grid/areas/?org={community}", change=True),
    Endpoint("GET /api/v1/grid/areas/{area_id}", "/api/v1/grid/areas/{area}", change=True),
]

LIST_API = [
    Listing("GET /api/v1/grid/areas/", "/api/v1/grid/areas/", owner_sees="甲片区干部"),
    Listing("GET /api/v1/grid/areas/", "/api/v1/grid/areas/?short=true"),
]
