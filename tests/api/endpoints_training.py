"""Objects of community A for training (see endpoints.py).

``{course}`` 甲社区技能培训班 (skills) of 文化东路社区党委, attended by 欧阳测试 (completed)
and the resident 甲社区参训居民 (``{attendance}``). The plain member sees none of it.
"""

from __future__ import annotations

import datetime as dt

from dangjian.training import services

from .endpoints import Endpoint, Listing


def build(cast, ids):
    course = services.course_create(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        level="skills",
        topic="甲社区技能培训班",
        start=dt.date(2026, 4, 1),
        days=3,
    )
    course = services.attendance_set(
        course,
        acting_user=cast.comm_a_sec,
        version=course.version,
        member_ids=[ids["member"]],
        completed_ids=[ids["member"]],
    )
    att = services.attendance_add_resident(
        course, acting_user=cast.comm_a_sec, name="甲社区参训居民"
    )
    hidden = ("甲社区技能培训班", "甲社区参训居民")
    return {"course": course.pk, "attendance": att.pk}, hidden, hidden


OBJECT_PAGES = [
    Endpoint("training:home", "/training/?org={community}&year=2026"),
    Endpoint("training:export", "/training/export/?org={community}&year=2026"),
    Endpoint("training:detail", "/training/{course}/"),
    Endpoint("training:member", "/training/member/{member}/"),
    Endpoint("training:create", "/training/new/?org={community}", change=True),
    Endpoint(
        "training:create",
        "/training/new/?org={community}",
        "POST",
        {"level": "skills", "topic": "渗透", "start": "2026-05-01", "days": "1"},
        change=True,
    ),
    Endpoint(
        "training:attend",
        "/training/{course}/attend/",
        "POST",
        {"version": "2", "members": "{member}"},
        change=True,
    ),
    Endpoint(
        "training:add_resident",
        "/training/{course}/residents/",
        "POST",
        {"name": "渗透"},
        change=True,
    ),
    Endpoint(
        "training:add_staff",
        "/training/{course}/staff/",
        "POST",
        {"staff": "1"},
        change=True,
    ),
    Endpoint("training:remove", "/training/attendance/{attendance}/remove/", "POST", change=True),
]

LIST_PAGES = [
    Listing("training:home", "/training/?year=2026", owner_sees="甲社区技能培训班"),
    Listing("training:export", "/training/export/?year=2026", owner_sees="甲社区参训居民"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/training/", "/api/v1/training/?org={community}"),
    Endpoint("GET /api/v1/training/{course_id}", "/api/v1/training/{course}"),
    Endpoint(
        "POST /api/v1/training/",
        "/api/v1/training/",
        "POST",
        {"org": "{community}", "level": "skills", "topic": "渗透", "start": "2026-05-01"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/training/{course_id}/attendance",
        "/api/v1/training/{course}/attendance",
        "POST",
        {"version": 2, "member_ids": [], "residents": ["渗透"]},
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/training/", "/api/v1/training/", owner_sees="甲社区技能培训班"),
]
