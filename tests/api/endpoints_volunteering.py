"""Objects of community A for volunteer service (see endpoints.py).

``{team}`` 甲社区志愿服务队 of 文化东路社区党委, with one service (a deed of the team) by 欧阳测试.
"""

from __future__ import annotations

import datetime as dt

from dangjian.volunteering import services

from .endpoints import Endpoint, Listing


def build(cast, ids):
    team = services.team_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="甲社区志愿服务队", kind="team"
    )
    services.service_record(
        acting_user=cast.comm_a_sec,
        team=team,
        date=dt.date(2026, 5, 1),
        title="甲社区义诊服务",
        hours={ids["member"]: "2"},
    )
    # the community's own members see its teams; the service's participants are secretaries'
    return {"team": team.pk}, ("甲社区志愿服务队", "甲社区义诊服务"), ()


OBJECT_PAGES = [
    Endpoint("volunteering:home", "/volunteering/?org={community}"),
    Endpoint("volunteering:export", "/volunteering/export/?org={community}"),
    Endpoint("volunteering:team", "/volunteering/teams/{team}/"),
    Endpoint(
        "volunteering:team",
        "/volunteering/teams/{team}/",
        "POST",
        {"date": "2026-06-01", "title": "渗透", "hours": "1", "member": "{member}"},
        change=True,
    ),
    Endpoint(
        "volunteering:team_create",
        "/volunteering/teams/new/",
        "POST",
        {"org": "{community}", "name": "渗透队", "kind": "team"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("volunteering:home", "/volunteering/", owner_sees="甲社区志愿服务队"),
    Listing("volunteering:export", "/volunteering/export/"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/volunteering/teams", "/api/v1/volunteering/teams?org={community}"),
    Endpoint(
        "GET /api/v1/volunteering/hours", "/api/v1/volunteering/hours?org={community}&year=2026"
    ),
    Endpoint(
        "POST /api/v1/volunteering/teams/{pk}/services",
        "/api/v1/volunteering/teams/{team}/services",
        "POST",
        {"date": "2026-06-01", "title": "渗透", "hours": {"1": "1"}},
        change=True,
    ),
]
