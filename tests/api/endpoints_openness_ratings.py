"""Objects of community A for residents' ratings of published items (党务居务公开, see endpoints.py).

``{iritem}`` 甲社区公开评价活动, a published activity of community A, and ``{irating}``, a
resident's rating of it whose comment 甲社区居民评价意见 only community A's people may read.
The item's public page, its rating form and its QR code are public by design (no login, at the
board's unguessable address; they show no one's personal data — tests/openness/test_ratings.py).
"""

from __future__ import annotations

from django.utils import timezone

from dangjian.deeds.models import Deed
from dangjian.openness import services_rating
from dangjian.openness.models import ItemKind, PublicItem

from .endpoints import Endpoint, Listing


def build(cast, ids):
    deed = Deed.objects.create(
        community=cast.comm_a, date=timezone.localdate(), title="甲社区评价活动记录"
    )
    item = PublicItem.objects.create(
        community=cast.comm_a, kind=ItemKind.ACTIVITY, deed=deed, title="甲社区公开评价活动"
    )
    rating = services_rating.rate_item(
        item, phone="13700001111", score=4, comment="甲社区居民评价意见", client_addr=""
    )
    markers = ("甲社区居民评价意见",)
    return {"iritem": item.pk, "irating": rating.pk}, markers, markers


OBJECT_PAGES = [
    Endpoint("openness:ratings", "/openness/{community}/ratings/"),
    Endpoint("openness:ratings", "/openness/{community}/ratings/?item={iritem}"),
    Endpoint("openness:ratings_export", "/openness/{community}/ratings/export/"),
    Endpoint("openness:ratings_export", "/openness/{community}/ratings/export/?item={iritem}"),
    Endpoint(
        "openness:ratings_void",
        "/openness/{community}/ratings/void/",
        "POST",
        {"rating": "{irating}", "reason": "渗透"},
        change=True,
    ),
]

LIST_PAGES: list[Listing] = []

# Public by design: the item's page, its rating form and its QR code (see the docstring).
NO_DATA_PAGES = {"open:item", "open:item_rate", "open:item_qr"}

OBJECT_API = [
    Endpoint("GET /api/v1/openness-ratings/", "/api/v1/openness-ratings/?org={community}"),
    Endpoint(
        "GET /api/v1/openness-ratings/",
        "/api/v1/openness-ratings/?org={community}&item={iritem}",
    ),
    Endpoint(
        "POST /api/v1/openness-ratings/{org_id}/void",
        "/api/v1/openness-ratings/{community}/void",
        "POST",
        {"ids": [], "reason": "渗透"},
        change=True,
    ),
]

LIST_API = [
    Listing(
        "GET /api/v1/openness-ratings/",
        "/api/v1/openness-ratings/",
        owner_sees="甲社区居民评价意见",
    ),
    Listing("GET /api/v1/openness-ratings/", "/api/v1/openness-ratings/?item={iritem}"),
]
