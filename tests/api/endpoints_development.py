"""Objects of community A for the development area (see endpoints.py).

``{candidate}`` 慕容申请, an applicant of 文化东路离退休党支部 who applied on 2026-03-02 and has
not yet been talked to.
"""

from __future__ import annotations

import datetime as dt

from dangjian.development import services
from tests.factories import fake_id

from .endpoints import Endpoint, Listing


def build(cast, ids):
    birth = dt.date(1999, 4, 12)
    candidate = services.candidate_create(
        acting_user=None,
        org=cast.branch_a_2,
        id_number=fake_id(birth_date=birth, gender="M"),
        name="慕容申请",
        gender="M",
        birth_date=birth,
        applied_on=dt.date(2026, 3, 2),
        work_unit="甲社区申请人单位",
    ).candidate
    hidden = ("慕容申请", "甲社区申请人单位")
    return {"candidate": candidate.pk}, hidden, hidden


TALK = {"date": "2026-03-10", "talked_by": "渗透"}

OBJECT_PAGES = [
    Endpoint("development:pipeline", "/development/?org={community}"),
    Endpoint("development:pipeline", "/development/?org={org}&stage=all"),
    Endpoint("development:export", "/development/export/?org={community}"),
    Endpoint("development:detail", "/development/{candidate}/"),
    Endpoint("development:reveal_id", "/development/{candidate}/reveal-id/", "POST", change=True),
    Endpoint("development:step", "/development/{candidate}/steps/talked/", change=True),
    Endpoint(
        "development:step", "/development/{candidate}/steps/talked/", "POST", TALK, change=True
    ),
]

LIST_PAGES = [
    Listing("development:pipeline", "/development/", owner_sees="慕容申请"),
    Listing("development:pipeline", "/development/?q=murong", owner_sees="慕容申请"),
    Listing("development:export", "/development/export/", owner_sees="慕容申请"),
    Listing("development:create", "/development/new/"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/development/", "/api/v1/development/?org={community}"),
    Endpoint("GET /api/v1/development/{candidate_id}", "/api/v1/development/{candidate}"),
    Endpoint(
        "POST /api/v1/development/{candidate_id}/steps",
        "/api/v1/development/{candidate}/steps",
        "POST",
        {"step": "talked", **TALK},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/development/",
        "/api/v1/development/",
        "POST",
        {
            "org_id": "{org}",
            "name": "渗透",
            "gender": "M",
            "birth_date": "1999-04-12",
            "applied_on": "2026-03-02",
        },
        change=True,
        expect=None,
    ),
]

LIST_API = [
    Listing("GET /api/v1/development/", "/api/v1/development/", owner_sees="慕容申请"),
    Listing("GET /api/v1/development/", "/api/v1/development/?q=慕容", owner_sees="慕容申请"),
]
