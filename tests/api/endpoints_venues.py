"""Venues and office space of community A (see endpoints.py): ``{community}``'s 甲社区阵地 (a
reading room). Read by anyone whose grant reaches the community; changed by its secretaries."""

from __future__ import annotations

from dangjian.venues.models import Venue

from .endpoints import Endpoint, Listing


def build(cast, ids):
    Venue.objects.create(community=cast.comm_a, kind="reading", area_m2=40, note="甲社区阵地")
    hidden = ("甲社区阵地",)
    return {}, hidden, hidden


OBJECT_PAGES = [
    Endpoint("venues:home", "/venues/?org={community}"),
    Endpoint("venues:export", "/venues/export/?org={community}"),
    Endpoint(
        "venues:save",
        "/venues/save/",
        "POST",
        {"org": "{community}", "kind": "hall", "area_m2": "10"},
        change=True,
    ),
    Endpoint(
        "venues:office",
        "/venues/office/",
        "POST",
        {"org": "{community}", "floor_area_m2": "10"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("venues:home", "/venues/", owner_sees="甲社区阵地"),
    Listing("venues:export", "/venues/export/"),
]
