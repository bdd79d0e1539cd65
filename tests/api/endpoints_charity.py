"""Objects of community A for the charity shop (see endpoints.py).

``{charity_item}`` 甲社区爱心大米 of 文化东路社区党委 with 5 in, 1 out to ``{charity_household}``
(甲101室); ``{charity_move}`` the donation of 5 by 王甲捐赠.
"""

from __future__ import annotations

import datetime as dt

from dangjian.charity import services
from dangjian.orgs.models import PlaceKind
from tests.factories import make_place

from .endpoints import Endpoint, Listing


def build(cast, ids):
    item = services.item_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="甲社区爱心大米"
    )
    hh = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="甲101室"
    )
    move = services.goods_in(
        acting_user=cast.comm_a_sec,
        item=item,
        quantity=5,
        date=dt.date(2026, 5, 1),
        donor_kind="resident",
        donor_name="王甲捐赠",
    )
    services.goods_out(
        acting_user=cast.comm_a_sec, item=item, quantity=1, date=dt.date(2026, 5, 2), household=hh
    )
    markers = ("甲社区爱心大米", "王甲捐赠")
    # the shop is the staff's: a plain member sees none of it
    return (
        {"charity_item": item.pk, "charity_household": hh.pk, "charity_move": move.pk},
        markers,
        markers,
    )


OBJECT_PAGES = [
    Endpoint("charity:home", "/charity/?org={community}"),
    Endpoint("charity:ledger", "/charity/ledger/?org={community}&year=2026"),
    Endpoint("charity:export", "/charity/export/?org={community}&year=2026"),
    Endpoint("charity:movement", "/charity/movements/{charity_move}/"),
    Endpoint("charity:goods_in", "/charity/in/?org={community}", change=True),
    Endpoint(
        "charity:goods_in",
        "/charity/in/?org={community}",
        "POST",
        {
            "item": "{charity_item}",
            "quantity": "1",
            "date": "2026-05-03",
            "donor_kind": "resident",
            "donor_name": "渗透",
        },
        change=True,
    ),
    Endpoint("charity:goods_out", "/charity/out/?org={community}", change=True),
    Endpoint(
        "charity:goods_out",
        "/charity/out/?org={community}",
        "POST",
        {
            "item": "{charity_item}",
            "quantity": "1",
            "date": "2026-05-03",
            "household": "{charity_household}",
        },
        change=True,
    ),
    Endpoint(
        "charity:item_create",
        "/charity/items/new/?org={community}",
        "POST",
        {"name": "渗透", "unit": "件"},
        change=True,
    ),
    Endpoint(
        "charity:movement_void",
        "/charity/movements/{charity_move}/void/",
        "POST",
        {"reason": "渗透"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("charity:home", "/charity/", owner_sees="甲社区爱心大米"),
    Listing("charity:ledger", "/charity/ledger/?year=2026", owner_sees="王甲捐赠"),
    Listing("charity:export", "/charity/export/?year=2026"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/charity/items/", "/api/v1/charity/items/?org={community}"),
    Endpoint(
        "GET /api/v1/charity/movements/",
        "/api/v1/charity/movements/?org={community}&start=2026-01-01",
    ),
    Endpoint(
        "POST /api/v1/charity/movements/in/",
        "/api/v1/charity/movements/in/",
        "POST",
        {
            "item_id": "{charity_item}",
            "quantity": 1,
            "date": "2026-05-03",
            "donor_kind": "resident",
            "donor_name": "渗透",
        },
        change=True,
    ),
    Endpoint(
        "POST /api/v1/charity/movements/out/",
        "/api/v1/charity/movements/out/",
        "POST",
        {
            "item_id": "{charity_item}",
            "quantity": 1,
            "date": "2026-05-03",
            "household_id": "{charity_household}",
        },
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/charity/items/", "/api/v1/charity/items/", owner_sees="甲社区爱心大米"),
    Listing("GET /api/v1/charity/movements/", "/api/v1/charity/movements/", owner_sees="王甲捐赠"),
]
