"""Endpoints of the meeting pages and the meetings API (see endpoints.py and
endpoints_meetings.py, whose shared objects {meeting} {upcoming} {leave} {council} these use).

``{file}`` is an attachment of ``{meeting}`` (甲社区签到表.pdf).
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.meetings import services
from dangjian.meetings.models import Meeting

from .endpoints import Endpoint, Listing


def build(cast, ids):
    meeting = Meeting.objects.get(pk=ids["meeting"])
    row = services.meeting_attach(
        meeting=meeting,
        upload=SimpleUploadedFile("甲社区签到表.pdf", b"%PDF-1.4 sign-in sheet"),
        acting_user=None,
    )
    return {"file": row.pk}, ("甲社区签到表",), ("甲社区签到表",)


OBJECT_PAGES = [
    Endpoint("meetings:detail", "/meetings/{meeting}/"),
    Endpoint("meetings:detail", "/meetings/{council}/"),
    Endpoint("meetings:minutes", "/meetings/{meeting}/minutes.docx"),
    Endpoint("meetings:file", "/meetings/files/{file}/"),
    Endpoint("meetings:ledger", "/meetings/ledger/?org={community}"),
    Endpoint("meetings:ledger", "/meetings/ledger/?org={org}&date_from=2026-01-01"),
    Endpoint("meetings:create", "/meetings/new/?org={org}", change=True),
    Endpoint(
        "meetings:create",
        "/meetings/new/?org={org}",
        "POST",
        {"kind": "theme_day", "date": "2026-03-01", "topic": "渗透"},
        change=True,
    ),
    Endpoint("meetings:edit", "/meetings/{meeting}/edit/", change=True),
    Endpoint("meetings:edit", "/meetings/{meeting}/edit/", "POST", {"topic": "渗透"}, change=True),
    Endpoint("meetings:attendance", "/meetings/{meeting}/attendance/", change=True),
    Endpoint("meetings:attendance", "/meetings/{council}/attendance/", change=True),
    Endpoint(
        "meetings:attendance",
        "/meetings/{meeting}/attendance/",
        "POST",
        {},
        change=True,
    ),
    Endpoint("meetings:attach", "/meetings/{meeting}/attach/", "POST", {}, change=True),
    Endpoint(
        "meetings:leave_decide",
        "/meetings/leave/{leave}/decide/",
        "POST",
        {"decision": "approve"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("meetings:list", "/meetings/", owner_sees="甲社区离退休支部学习会"),
    Listing("meetings:list", "/meetings/?org={community}", owner_sees="甲社区离退休支部学习会"),
    Listing("meetings:list", "/meetings/?q=甲社区", owner_sees="甲社区联席会四月例会"),
    Listing("meetings:ledger", "/meetings/ledger/"),
    Listing("meetings:create", "/meetings/new/"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/meetings/{meeting_id}", "/api/v1/meetings/{meeting}"),
    Endpoint("GET /api/v1/meetings/{meeting_id}", "/api/v1/meetings/{council}"),
    Endpoint(
        "POST /api/v1/meetings/",
        "/api/v1/meetings/",
        "POST",
        {"org_id": "{org}", "kind": "theme_day", "date": "2026-03-01", "topic": "渗透"},
        change=True,
    ),
    Endpoint(
        "PATCH /api/v1/meetings/{meeting_id}",
        "/api/v1/meetings/{meeting}",
        "PATCH",
        {"topic": "渗透"},
        change=True,
    ),
    Endpoint(
        "PUT /api/v1/meetings/{meeting_id}/attendance",
        "/api/v1/meetings/{meeting}/attendance",
        "PUT",
        {"marks": []},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/meetings/leave/{leave_id}/decide",
        "/api/v1/meetings/leave/{leave}/decide",
        "POST",
        {"approve": True},
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/meetings/", "/api/v1/meetings/", owner_sees="甲社区离退休支部学习会"),
    Listing(
        "GET /api/v1/meetings/",
        "/api/v1/meetings/?org={community}&from=2026-01-01",
        owner_sees="甲社区联席会四月例会",
    ),
]
