"""Objects of community A for the staff roster (see endpoints.py).

``{staff}`` 甲社区社工, a worker of 文化东路社区党委. The roster is read by anyone whose grant
reaches the community (a viewer too); changing it takes a changing grant. A plain member, a branch
secretary and other communities see nothing of it.
"""

from __future__ import annotations

from dangjian.staff.models import Staff

from .endpoints import Endpoint, Listing


def build(cast, ids):
    s = Staff.objects.create(name="甲社区社工", community=cast.comm_a, kind="institution")
    hidden = ("甲社区社工",)
    return {"staff": s.pk}, hidden, hidden


OBJECT_PAGES = [
    Endpoint("staff:home", "/staff/?org={community}"),
    Endpoint("staff:export", "/staff/export/?org={community}"),
    Endpoint("staff:create", "/staff/new/?org={community}", change=True),
    Endpoint(
        "staff:create",
        "/staff/new/?org={community}",
        "POST",
        {"name": "渗透", "kind": "hired"},
        change=True,
    ),
    Endpoint("staff:edit", "/staff/{staff}/", change=True),
    Endpoint(
        "staff:edit",
        "/staff/{staff}/",
        "POST",
        {"name": "渗透", "kind": "hired", "version": "1"},
        change=True,
    ),
    Endpoint(
        "staff:leave",
        "/staff/{staff}/leave/",
        "POST",
        {"left_on": "2026-06-01", "version": "1"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("staff:home", "/staff/", owner_sees="甲社区社工"),
    Listing("staff:export", "/staff/export/"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/staff/", "/api/v1/staff/?org={community}"),
    Endpoint("GET /api/v1/staff/staffing", "/api/v1/staff/staffing?org={community}"),
]

LIST_API = []
