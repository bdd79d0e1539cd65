"""Objects of community A for deeds (see endpoints.py).

``{deed}`` 甲社区楼道清扫实事 of 文化东路社区党委, done by 欧阳测试 with 2 hours. Picking
uses the commitments area's ``{commitment}``, ``{holder}`` and ``{linked_deed}`` (counted for
both; endpoints_commitments.py is built first).
"""

from __future__ import annotations

import datetime as dt

from dangjian.deeds import services

from .endpoints import Endpoint, Listing


def build(cast, ids):
    deed = services.deed_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        date=dt.date(2026, 5, 1),
        title="甲社区楼道清扫实事",
        members={ids["member"]: "2"},
    )
    # a plain member sees the deeds they took part in, not a neighbour's
    return {"deed": deed.pk}, ("甲社区楼道清扫实事",), ("甲社区楼道清扫实事",)


OBJECT_PAGES = [
    Endpoint("deeds:home", "/deeds/?org={community}&year=2026"),
    Endpoint("deeds:export", "/deeds/export/?org={community}&year=2026"),
    Endpoint("deeds:detail", "/deeds/{deed}/"),
    Endpoint("deeds:record", "/deeds/new/?org={community}", change=True),
    Endpoint(
        "deeds:record",
        "/deeds/new/?org={community}",
        "POST",
        {"date": "2026-06-01", "title": "渗透", "hours": "1", "members": "{member}"},
        change=True,
    ),
    Endpoint(
        "deeds:edit",
        "/deeds/{deed}/edit/",
        "POST",
        {"version": "1", "date": "2026-06-01", "title": "渗透"},
        change=True,
    ),
    Endpoint("deeds:delete", "/deeds/{deed}/delete/", "POST", {}, change=True),
]

#: a member's own form: it shows nothing of anyone (the member's own community is implied)
NO_DATA_PAGES = {"deeds:record_mine"}

LIST_PAGES = [
    Listing("deeds:home", "/deeds/?year=2026", owner_sees="甲社区楼道清扫实事"),
    Listing("deeds:export", "/deeds/export/?year=2026"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/deeds/", "/api/v1/deeds/?org={community}"),
    Endpoint(
        "POST /api/v1/deeds/",
        "/api/v1/deeds/",
        "POST",
        {"org": "{community}", "date": "2026-06-01", "title": "渗透", "members": {"1": "1"}},
        change=True,
    ),
    Endpoint("GET /api/v1/deeds/pickable", "/api/v1/deeds/pickable?commitment={commitment}"),
    Endpoint("GET /api/v1/deeds/pickable", "/api/v1/deeds/pickable?holding={holder}"),
    Endpoint(
        "POST /api/v1/deeds/{deed_id}/commitments/{commitment_id}",
        "/api/v1/deeds/{deed}/commitments/{commitment}",
        "POST",
        change=True,
    ),
    Endpoint(
        "DELETE /api/v1/deeds/{deed_id}/commitments/{commitment_id}",
        "/api/v1/deeds/{linked_deed}/commitments/{commitment}",
        "DELETE",
        change=True,
    ),
    Endpoint(
        "POST /api/v1/deeds/{deed_id}/posts/{holding_id}",
        "/api/v1/deeds/{deed}/posts/{holder}",
        "POST",
        change=True,
    ),
    Endpoint(
        "DELETE /api/v1/deeds/{deed_id}/posts/{holding_id}",
        "/api/v1/deeds/{linked_deed}/posts/{holder}",
        "DELETE",
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/deeds/", "/api/v1/deeds/", owner_sees="甲社区楼道清扫实事"),
]
