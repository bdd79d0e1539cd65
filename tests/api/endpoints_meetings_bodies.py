"""Endpoints of the bodies, county-leader and study-group pages and API (see endpoints.py and
endpoints_meetings.py, whose shared objects {body} {seat} {council} {seat_unit} these use).

``{link}`` 甲社区联系县领导 钱甲县长, linked to community A · ``{group}`` the study group
甲社区离退休学习组 of community A, with 欧阳测试 as its member.
"""

from __future__ import annotations

import datetime as dt

from dangjian.meetings import services_bodies
from dangjian.members.models import Member

from .endpoints import Endpoint, Listing


def build(cast, ids):
    link = services_bodies.leader_link_add(
        community=cast.comm_a,
        name="钱甲县长",
        title="甲社区联系县领导",
        since=dt.date(2025, 1, 1),
        acting_user=None,
    )
    group = services_bodies.study_group_add(
        org=cast.comm_a,
        name="甲社区离退休学习组",
        category="retired",
        members=[Member.objects.get(pk=ids["member"])],
        acting_user=None,
    )
    markers = ("钱甲县长", "甲社区离退休学习组")
    return {"link": link.pk, "group": group.pk}, markers, markers


OBJECT_PAGES = [
    # bodies
    Endpoint("meetings:body", "/meetings/bodies/{body}/"),
    Endpoint("meetings:body", "/meetings/bodies/{body}/?year=2026"),
    Endpoint("meetings:bodies", "/meetings/bodies/?org={community}"),
    Endpoint("meetings:body_create", "/meetings/bodies/new/?org={community}", change=True),
    Endpoint("meetings:body_edit", "/meetings/bodies/{body}/edit/", change=True),
    Endpoint(
        "meetings:body_edit",
        "/meetings/bodies/{body}/edit/",
        "POST",
        {"org": "{community}", "kind": "joint", "name": "渗透"},
        change=True,
    ),
    Endpoint("meetings:seat_create", "/meetings/bodies/{body}/seats/new/", change=True),
    Endpoint(
        "meetings:seat_create",
        "/meetings/bodies/{body}/seats/new/",
        "POST",
        {"unit": "{seat_unit}", "joined_on": "2026-01-01"},
        change=True,
    ),
    Endpoint("meetings:seat_edit", "/meetings/seats/{seat}/edit/", change=True),
    Endpoint(
        "meetings:seat_edit",
        "/meetings/seats/{seat}/edit/",
        "POST",
        {"name": "渗透", "joined_on": "2025-01-01"},
        change=True,
    ),
    Endpoint("meetings:seat_end", "/meetings/seats/{seat}/end/", change=True),
    Endpoint(
        "meetings:seat_end",
        "/meetings/seats/{seat}/end/",
        "POST",
        {"on": "2026-06-30"},
        change=True,
    ),
    Endpoint("meetings:criticisms", "/meetings/criticisms/?org={community}&year=2026"),
    Endpoint(
        "meetings:criticisms_export", "/meetings/criticisms/export/?org={community}&year=2026"
    ),
    Endpoint("meetings:unit", "/meetings/units/{seat_unit}/"),
    Endpoint("meetings:unit", "/meetings/units/{seat_unit}/?year=2026"),
    # county leaders
    Endpoint("meetings:leaders", "/meetings/leaders/?org={community}&year=2026"),
    Endpoint("meetings:leaders_rollup", "/meetings/leaders/rollup/?org={community}"),
    Endpoint(
        "meetings:leader_link_create", "/meetings/leaders/{community}/links/new/", change=True
    ),
    Endpoint(
        "meetings:leader_link_create",
        "/meetings/leaders/{community}/links/new/",
        "POST",
        {"name": "渗透", "since": "2026-01-01"},
        change=True,
    ),
    Endpoint("meetings:leader_link_end", "/meetings/leaders/links/{link}/end/", change=True),
    Endpoint(
        "meetings:leader_link_end",
        "/meetings/leaders/links/{link}/end/",
        "POST",
        {"on": "2026-06-30"},
        change=True,
    ),
    Endpoint("meetings:leader_visit_create", "/meetings/leaders/{community}/visit/", change=True),
    Endpoint(
        "meetings:leader_visit_create",
        "/meetings/leaders/{community}/visit/",
        "POST",
        {"date": "2026-03-31", "leaders": "{link}"},
        change=True,
    ),
    # study groups
    Endpoint("meetings:study_groups", "/meetings/study/?org={community}"),
    Endpoint("meetings:study_group", "/meetings/study/{group}/"),
    Endpoint("meetings:study_group", "/meetings/study/{group}/?year=2026"),
    Endpoint("meetings:study_group_create", "/meetings/study/new/?org={community}", change=True),
    Endpoint("meetings:study_group_edit", "/meetings/study/{group}/edit/", change=True),
    Endpoint(
        "meetings:study_group_edit",
        "/meetings/study/{group}/edit/",
        "POST",
        {"name": "渗透"},
        change=True,
    ),
    Endpoint("meetings:study_group_members", "/meetings/study/{group}/members/", change=True),
    Endpoint(
        "meetings:study_group_members",
        "/meetings/study/{group}/members/",
        "POST",
        {"remove": "{member}"},
        change=True,
    ),
    Endpoint("meetings:study_session_create", "/meetings/study/{group}/sessions/new/", change=True),
    Endpoint(
        "meetings:study_session_create",
        "/meetings/study/{group}/sessions/new/",
        "POST",
        {"date": "2026-03-01", "topic": "渗透"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("meetings:bodies", "/meetings/bodies/", owner_sees="文化东路社区党建联席会"),
    Listing("meetings:body_create", "/meetings/bodies/new/"),
    Listing("meetings:criticisms", "/meetings/criticisms/?year=2026", owner_sees="甲社区实验小学"),
    Listing(
        "meetings:criticisms_export",
        "/meetings/criticisms/export/?year=2026",
        owner_sees="甲社区实验小学",
    ),
    Listing("meetings:leaders", "/meetings/leaders/", owner_sees="钱甲县长"),
    Listing("meetings:leaders_rollup", "/meetings/leaders/rollup/", owner_sees="文化东路社区党委"),
    Listing("meetings:study_groups", "/meetings/study/", owner_sees="甲社区离退休学习组"),
    Listing("meetings:study_group_create", "/meetings/study/new/"),
]

OBJECT_API = [
    # bodies
    Endpoint("GET /api/v1/meetings/bodies/", "/api/v1/meetings/bodies/?org={community}"),
    Endpoint("GET /api/v1/meetings/bodies/{body_id}", "/api/v1/meetings/bodies/{body}"),
    Endpoint(
        "GET /api/v1/meetings/bodies/{body_id}/seats",
        "/api/v1/meetings/bodies/{body}/seats?year=2026",
    ),
    Endpoint(
        "POST /api/v1/meetings/bodies/",
        "/api/v1/meetings/bodies/",
        "POST",
        {"org_id": "{community}", "kind": "hearing", "name": "渗透听证会"},
        change=True,
    ),
    Endpoint(
        "PATCH /api/v1/meetings/bodies/{body_id}",
        "/api/v1/meetings/bodies/{body}",
        "PATCH",
        {"name": "渗透"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/meetings/bodies/{body_id}/seats",
        "/api/v1/meetings/bodies/{body}/seats",
        "POST",
        {"member_org_id": "{org}", "joined_on": "2026-01-01"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/meetings/bodies/seats/{seat_id}/end",
        "/api/v1/meetings/bodies/seats/{seat}/end",
        "POST",
        {"left_on": "2026-06-30"},
        change=True,
    ),
    Endpoint(
        "GET /api/v1/meetings/bodies/criticisms",
        "/api/v1/meetings/bodies/criticisms?org={community}&year=2026",
    ),
    Endpoint(
        "GET /api/v1/meetings/bodies/units/{unit_id}", "/api/v1/meetings/bodies/units/{seat_unit}"
    ),
    # county leaders
    Endpoint(
        "GET /api/v1/meetings/leaders/{community_id}",
        "/api/v1/meetings/leaders/{community}?year=2026",
    ),
    Endpoint(
        "GET /api/v1/meetings/leaders/rollup/{org_id}",
        "/api/v1/meetings/leaders/rollup/{community}?year=2026",
    ),
    Endpoint(
        "POST /api/v1/meetings/leaders/{community_id}/links",
        "/api/v1/meetings/leaders/{community}/links",
        "POST",
        {"name": "渗透", "since": "2026-01-01"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/meetings/leaders/links/{link_id}/end",
        "/api/v1/meetings/leaders/links/{link}/end",
        "POST",
        {"until": "2026-06-30"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/meetings/leaders/{community_id}/visits",
        "/api/v1/meetings/leaders/{community}/visits",
        "POST",
        {"date": "2026-03-31", "leader_ids": []},
        change=True,
    ),
    # study groups
    Endpoint(
        "GET /api/v1/meetings/study-groups/", "/api/v1/meetings/study-groups/?org={community}"
    ),
    Endpoint(
        "GET /api/v1/meetings/study-groups/{group_id}", "/api/v1/meetings/study-groups/{group}"
    ),
    Endpoint(
        "POST /api/v1/meetings/study-groups/",
        "/api/v1/meetings/study-groups/",
        "POST",
        {"org_id": "{community}", "name": "渗透小组"},
        change=True,
    ),
    Endpoint(
        "PATCH /api/v1/meetings/study-groups/{group_id}",
        "/api/v1/meetings/study-groups/{group}",
        "PATCH",
        {"name": "渗透"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/meetings/study-groups/{group_id}/members",
        "/api/v1/meetings/study-groups/{group}/members",
        "POST",
        {"remove": []},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/meetings/study-groups/{group_id}/sessions",
        "/api/v1/meetings/study-groups/{group}/sessions",
        "POST",
        {"date": "2026-03-01", "topic": "渗透"},
        change=True,
    ),
]

LIST_API = [
    Listing(
        "GET /api/v1/meetings/bodies/",
        "/api/v1/meetings/bodies/",
        owner_sees="文化东路社区党建联席会",
    ),
    Listing(
        "GET /api/v1/meetings/bodies/criticisms",
        "/api/v1/meetings/bodies/criticisms?year=2026",
        owner_sees="甲社区实验小学",
    ),
    Listing(
        "GET /api/v1/meetings/bodies/ineligible", "/api/v1/meetings/bodies/ineligible?year=2026"
    ),
    Listing(
        "GET /api/v1/meetings/study-groups/",
        "/api/v1/meetings/study-groups/",
        owner_sees="甲社区离退休学习组",
    ),
]
