"""Cadence pages and API (meetings area "cadence"), for the isolation suite (see endpoints.py).

The grid of ``{org}`` (文化东路离退休党支部) and the roll-up of ``{community}``; without
``org`` the pages show the user's own top organisation, so they are lists as well.
"""

from __future__ import annotations

from tests.api.endpoints import Endpoint, Listing

OBJECT_PAGES = [
    Endpoint("meetings:cadence", "/meetings/cadence/?org={org}"),
    Endpoint("meetings:cadence", "/meetings/cadence/?org={community}&year=2025"),
    Endpoint("meetings:cadence_rollup", "/meetings/cadence/rollup/?org={community}"),
    Endpoint("meetings:cadence_rollup_export", "/meetings/cadence/rollup/export/?org={community}"),
]

LIST_PAGES = [
    Listing("meetings:cadence", "/meetings/cadence/", owner_sees="文化东路社区党委"),
    Listing(
        "meetings:cadence_rollup", "/meetings/cadence/rollup/", owner_sees="文化东路离退休党支部"
    ),
    Listing(
        "meetings:cadence_rollup_export",
        "/meetings/cadence/rollup/export/",
        owner_sees="文化东路离退休党支部",
    ),
]

OBJECT_API = [
    Endpoint("GET /api/v1/meetings/cadence/{org_id}", "/api/v1/meetings/cadence/{org}"),
    Endpoint(
        "GET /api/v1/meetings/cadence/{org_id}", "/api/v1/meetings/cadence/{community}?year=2025"
    ),
    Endpoint(
        "GET /api/v1/meetings/cadence/rollup/{org_id}",
        "/api/v1/meetings/cadence/rollup/{community}?light=red&page=1",
    ),
]
