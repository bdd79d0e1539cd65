"""Objects of community A for check-ins (see endpoints.py): 欧阳测试 ({member}) checked in to
文化东路社区党委 as {checkin} (the employer 甲社区报到单位 written onto the member record), with
a deed of the community 甲社区报到实事 (and no pairing: it is behind the rule)."""

from __future__ import annotations

import datetime as dt

from dangjian.checkin import services
from dangjian.members.models import Member

from .endpoints import Endpoint, Listing


def build(cast, ids):
    c = services.check_in(
        acting_user=cast.comm_a_sec,
        member=Member.objects.get(pk=ids["member"]),
        community=cast.comm_a,
        employer="甲社区报到单位",
        on=dt.date(2026, 3, 1),
    )
    services.deed_add(
        c, acting_user=cast.comm_a_sec, date=dt.date(2026, 4, 1), title="甲社区报到实事"
    )
    hidden = ("甲社区报到单位", "甲社区报到实事")
    return {"checkin": c.pk}, hidden, hidden


OBJECT_PAGES = [
    Endpoint("checkin:list", "/checkin/?org={community}"),
    Endpoint("checkin:export", "/checkin/export/?org={community}"),
    Endpoint("checkin:detail", "/checkin/{checkin}/"),
    Endpoint("checkin:letter", "/checkin/{checkin}/letter/"),
    Endpoint(
        "checkin:opinion", "/checkin/{checkin}/opinion/", "POST", {"opinion": "同意"}, change=True
    ),
    Endpoint(
        "checkin:deed_add",
        "/checkin/{checkin}/deeds/",
        "POST",
        {"date": "2026-05-01", "title": "渗透"},
        change=True,
    ),
    Endpoint(
        "checkin:pairing_add",
        "/checkin/{checkin}/pairings/",
        "POST",
        {"household_note": "渗透", "since": "2026-05-01"},
        change=True,
    ),
    Endpoint(
        "checkin:end",
        "/checkin/{checkin}/end/",
        "POST",
        {"on": "2026-05-01", "reason": "渗透"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("checkin:list", "/checkin/", owner_sees="甲社区报到单位"),
    Listing("checkin:export", "/checkin/export/"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/checkin/", "/api/v1/checkin/?org={community}"),
    Endpoint("GET /api/v1/checkin/{checkin_id}", "/api/v1/checkin/{checkin}"),
    Endpoint(
        "POST /api/v1/checkin/{checkin_id}/deeds",
        "/api/v1/checkin/{checkin}/deeds",
        "POST",
        {"date": "2026-05-01", "title": "渗透"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/checkin/{checkin_id}/pairings",
        "/api/v1/checkin/{checkin}/pairings",
        "POST",
        {"household_note": "渗透", "since": "2026-05-01"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/checkin/{checkin_id}/end",
        "/api/v1/checkin/{checkin}/end",
        "POST",
        {"on": "2026-05-01", "reason": "渗透"},
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/checkin/", "/api/v1/checkin/", owner_sees="甲社区报到单位"),
    Listing("GET /api/v1/checkin/", "/api/v1/checkin/?show=behind", owner_sees="甲社区报到单位"),
]

# A member's own check-in page offers the list of communities to check in to — their names are
# a public directory, not anyone's data; what the member has recorded is theirs alone.
NO_DATA_PAGES = {"checkin:mine"}
