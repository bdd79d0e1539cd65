"""Objects of community A for the public board's management (党务居务公开, see endpoints.py).

``{pitem}`` 甲社区公开栏活动, an activity of community A published on its board;
``{pdeed}`` 甲社区待公开实事, a deed of community A not yet published (to publish).
The board itself, its photos, QR code and poster are public by design (no login, at the
board's unguessable address; they show no one's personal data — tests/openness/test_board.py
and test_publish.py's privacy test).
"""

from __future__ import annotations

from django.utils import timezone

from dangjian.deeds.models import Deed
from dangjian.openness.models import ItemKind, PublicItem

from .endpoints import Endpoint, Listing


def build(cast, ids):
    today = timezone.localdate()
    deed = Deed.objects.create(community=cast.comm_a, date=today, title="甲社区公开栏实事记录")
    item = PublicItem.objects.create(
        community=cast.comm_a, kind=ItemKind.ACTIVITY, deed=deed, title="甲社区公开栏活动"
    )
    todo = Deed.objects.create(community=cast.comm_a, date=today, title="甲社区待公开实事")
    markers = ("甲社区公开栏活动",)
    return {"pitem": item.pk, "pdeed": todo.pk}, markers, markers


OBJECT_PAGES = [
    Endpoint("openness:home", "/openness/?org={community}"),
    Endpoint("openness:publish", "/openness/{community}/publish/", change=True),
    Endpoint("openness:publish", "/openness/{community}/publish/?deed={pdeed}", change=True),
    Endpoint(
        "openness:publish",
        "/openness/{community}/publish/",
        "POST",
        {"deed": "{pdeed}", "title": "渗透"},
        change=True,
    ),
    Endpoint("openness:item", "/openness/items/{pitem}/"),
    Endpoint(
        "openness:item",
        "/openness/items/{pitem}/",
        "POST",
        {"title": "渗透", "version": "1"},
        change=True,
    ),
    Endpoint(
        "openness:withdraw",
        "/openness/items/{pitem}/withdraw/",
        "POST",
        {"reason": "渗透"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("openness:home", "/openness/", owner_sees="甲社区公开栏活动"),
]

# Public by design: the board, its photos, QR code and poster (see the docstring).
NO_DATA_PAGES = {"open:board", "open:photo", "open:qr", "open:poster"}

OBJECT_API = [
    Endpoint("GET /api/v1/openness/items", "/api/v1/openness/items?org={community}"),
    Endpoint("GET /api/v1/openness/items/{pk}", "/api/v1/openness/items/{pitem}"),
    Endpoint(
        "POST /api/v1/openness/items",
        "/api/v1/openness/items",
        "POST",
        {"org": "{community}", "deed_id": "{pdeed}", "title": "渗透"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/openness/items/{pk}/withdraw",
        "/api/v1/openness/items/{pitem}/withdraw",
        "POST",
        {"reason": "渗透"},
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/openness/items", "/api/v1/openness/items", owner_sees="甲社区公开栏活动"),
]
