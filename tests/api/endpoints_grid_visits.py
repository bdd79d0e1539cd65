"""Objects of community A for grid visits and key households (see endpoints.py).

``{visit_household}`` 甲社区走访户 (a household under 1号楼1单元), ``{grid_visit}`` a visit to it by
comm_a_sec whose finding 甲社区走访情况 is shown on the visit's page only, ``{key_mark}`` the
household's open 重点户 mark. Grid records are need-to-know: a read-only grant (a viewer) reaches
nothing, so every entry is ``change=True``.
"""

from __future__ import annotations

import datetime as dt

from dangjian.grid import services
from dangjian.orgs.models import PlaceKind
from tests.factories import make_place

from .endpoints import Endpoint, Listing


def build(cast, ids):
    household = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="甲社区走访户"
    )
    visit = services.visit_record(
        acting_user=cast.comm_a_sec,
        household=household,
        visited_on=dt.date(2026, 6, 1),
        met="甲社区见到的人",
        found="甲社区走访情况",
        follow_up="甲社区跟进事项",
    )
    mark = services.key_mark(
        acting_user=cast.comm_a_sec,
        household=household,
        reason="甲社区重点原因",
        since=dt.date(2026, 1, 1),
    )
    hidden = ("甲社区走访户", "甲社区走访情况", "甲社区重点原因")
    return (
        {"visit_household": household.pk, "grid_visit": visit.pk, "key_mark": mark.pk},
        hidden,
        hidden,
    )


OBJECT_PAGES = [
    Endpoint("grid:visit_list", "/grid/visits/?org={community}", change=True),
    Endpoint("grid:visit_new", "/grid/visits/new/?org={community}", change=True),
    Endpoint(
        "grid:visit_new",
        "/grid/visits/new/?org={community}",
        "POST",
        {"household": "{visit_household}", "visited_on": "2026-06-01", "found": "渗透"},
        change=True,
    ),
    Endpoint("grid:visit_pick", "/grid/visits/pick/?org={community}", change=True),
    Endpoint("grid:visit_export", "/grid/visits/export/?org={community}", change=True),
    Endpoint("grid:visit_detail", "/grid/visits/{grid_visit}/", change=True),
    Endpoint(
        "grid:visit_edit",
        "/grid/visits/{grid_visit}/edit/",
        "POST",
        {"version": "1", "visited_on": "2026-06-01", "found": "渗透"},
        change=True,
    ),
    Endpoint(
        "grid:visit_request",
        "/grid/visits/{grid_visit}/request/",
        "POST",
        {"category": "other"},
        change=True,
    ),
    Endpoint("grid:coverage", "/grid/coverage/?org={community}", change=True),
    Endpoint("grid:household", "/grid/households/{visit_household}/", change=True),
    Endpoint(
        "grid:key_mark",
        "/grid/households/{visit_household}/key/",
        "POST",
        {"reason": "渗透"},
        change=True,
    ),
    Endpoint(
        "grid:key_unmark",
        "/grid/households/key/{key_mark}/unmark/",
        "POST",
        {"reason": "渗透", "version": "1"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("grid:visit_list", "/grid/visits/", owner_sees="甲社区走访户"),
    Listing("grid:visit_pick", "/grid/visits/pick/"),
    Listing("grid:visit_export", "/grid/visits/export/"),
    Listing("grid:coverage", "/grid/coverage/"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/grid/visits/", "/api/v1/grid/visits/?org={community}", change=True),
    Endpoint(
        "POST /api/v1/grid/visits/",
        "/api/v1/grid/visits/",
        "POST",
        {"household_id": "{visit_household}", "visited_on": "2026-06-01", "found": "渗透"},
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/grid/visits/", "/api/v1/grid/visits/", owner_sees="甲社区走访户"),
]
