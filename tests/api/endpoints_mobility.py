"""Objects of community A for the mobility area (see endpoints.py).

``{outbound}`` 欧阳流动 of 文化东路离退休党支部, away in 甲社区外出地 since 2026-06-01, paired
with a volunteer; ``{outbound_member}`` that member (for registering: refused, already away).
"""

from __future__ import annotations

import datetime as dt

from dangjian.mobility import services
from tests.factories import make_member

from .endpoints import Endpoint, Listing


def build(cast, ids):
    member = make_member(org=cast.branch_a_2, name="欧阳流动")
    outbound = services.outbound_create(
        acting_user=None,
        member=member,
        left_on=dt.date(2026, 6, 1),
        destination="甲社区外出地",
        contact_name="甲社区结对志愿者",
        card_no="JIA-LD-001",
        card_valid_until=dt.date(2026, 12, 1),
    )
    hidden = ("欧阳流动", "甲社区外出地", "甲社区结对志愿者", "JIA-LD-001")
    return {"outbound": outbound.pk, "outbound_member": member.pk}, hidden, hidden


CONTACT = {"date": "2026-11-01", "way": "phone", "passed_on": "渗透"}
RETURN = {"returned_on": "2026-11-01", "version": 1}

OBJECT_PAGES = [
    Endpoint("mobility:list", "/mobility/?org={community}"),
    Endpoint("mobility:export", "/mobility/export/?org={community}"),
    Endpoint("mobility:detail", "/mobility/{outbound}/"),
    Endpoint("mobility:edit", "/mobility/{outbound}/edit/", change=True),
    Endpoint(
        "mobility:edit",
        "/mobility/{outbound}/edit/",
        "POST",
        {"destination": "渗透", "contact_name": "渗透", "version": 1},
        change=True,
    ),
    Endpoint("mobility:contact", "/mobility/{outbound}/contacts/", "POST", CONTACT, change=True),
    Endpoint("mobility:return", "/mobility/{outbound}/return/", change=True),
    Endpoint("mobility:return", "/mobility/{outbound}/return/", "POST", RETURN, change=True),
]

LIST_PAGES = [
    Listing("mobility:list", "/mobility/", owner_sees="欧阳流动"),
    Listing("mobility:list", "/mobility/?q=ouyang&state=all", owner_sees="欧阳流动"),
    Listing("mobility:export", "/mobility/export/", owner_sees="欧阳流动"),
    Listing("mobility:create", "/mobility/new/"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/mobility/", "/api/v1/mobility/?org={community}"),
    Endpoint("GET /api/v1/mobility/{outbound_id}", "/api/v1/mobility/{outbound}"),
    Endpoint(
        "POST /api/v1/mobility/{outbound_id}/contacts",
        "/api/v1/mobility/{outbound}/contacts",
        "POST",
        CONTACT,
        change=True,
    ),
    Endpoint(
        "POST /api/v1/mobility/{outbound_id}/return",
        "/api/v1/mobility/{outbound}/return",
        "POST",
        {"returned_on": "2026-11-01"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/mobility/",
        "/api/v1/mobility/",
        "POST",
        {
            "member_id": "{member}",
            "left_on": "2026-10-01",
            "destination": "渗透",
            "contact_name": "渗透",
        },
        change=True,
        expect=None,
    ),
]

LIST_API = [
    Listing("GET /api/v1/mobility/", "/api/v1/mobility/", owner_sees="欧阳流动"),
    Listing("GET /api/v1/mobility/", "/api/v1/mobility/?q=欧阳&state=all", owner_sees="欧阳流动"),
]
