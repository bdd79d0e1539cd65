"""党内统计 and the national-system exports of community A (see endpoints.py).

The statistics are aggregates of community A's register (its name is on them); the national
exports carry full ID numbers and are for a changing grant only, so even a viewer (read-only
grant) gets the 404 a missing organisation gets (``change=True``).
"""

from __future__ import annotations

from .endpoints import Endpoint, Listing

OBJECT_PAGES = [
    Endpoint("partystats:home", "/partystats/?org={community}"),
    Endpoint("partystats:home", "/partystats/?org={community}&on=2025-06-30&since=2024-12-31"),
    Endpoint("partystats:export", "/partystats/export/?org={community}"),
    Endpoint(
        "partystats:national_members_export",
        "/partystats/national/members/export/?org={community}",
        change=True,
    ),
    Endpoint(
        "partystats:national_orgs_export",
        "/partystats/national/orgs/export/?org={community}",
        change=True,
    ),
]

LIST_PAGES = [
    Listing("partystats:home", "/partystats/", owner_sees="文化东路社区党委"),
    Listing("partystats:export", "/partystats/export/"),
    Listing("partystats:national_members_export", "/partystats/national/members/export/"),
    Listing("partystats:national_orgs_export", "/partystats/national/orgs/export/"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/partystats/", "/api/v1/partystats/?org={community}"),
    Endpoint("GET /api/v1/partystats/", "/api/v1/partystats/?org={community}&on=2025-06-30"),
]

LIST_API = [
    Listing("GET /api/v1/partystats/", "/api/v1/partystats/", owner_sees="文化东路社区党委"),
]
