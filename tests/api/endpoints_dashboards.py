"""Dashboards (issue 18), for the isolation suite (see endpoints.py).

The page and the API of ``{community}`` (文化东路社区党委) and ``{org}`` (文化东路离退休党支部);
without ``org`` they show the user's own top organisation, so they are lists as well. A plain
member (no grant) gets a 404 even for their own branch: the statistics are for the offices.
The kept figures of a wide organisation: the fragment its page polls while they are counted, and
重新统计 (a POST that redirects to the page: its owner here is the street secretary, since a
viewer's redirect is not the 200 the viewer check expects; a viewer may ask for it too).
"""

from __future__ import annotations

from tests.api.endpoints import Endpoint, Listing

OBJECT_PAGES = [
    Endpoint("dashboards:home", "/dashboards/?org={community}"),
    Endpoint("dashboards:home", "/dashboards/?org={org}&year=2025"),
    Endpoint("dashboards:status", "/dashboards/status/?org={community}"),
    Endpoint(
        "dashboards:refresh",
        "/dashboards/refresh/",
        "POST",
        {"org": "{community}"},
        owner="street_sec",
    ),
]

LIST_PAGES = [
    Listing("dashboards:home", "/dashboards/", owner_sees="文化东路社区党委"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/dashboards/", "/api/v1/dashboards/?org={community}"),
    Endpoint("GET /api/v1/dashboards/", "/api/v1/dashboards/?org={org}&year=2025"),
]

LIST_API = [
    Listing("GET /api/v1/dashboards/", "/api/v1/dashboards/", owner_sees="文化东路社区党委"),
]
