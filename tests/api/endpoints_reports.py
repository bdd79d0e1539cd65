"""The annual report (年度党建工作报告) of community A (see endpoints.py): its page, its Word
document and its API, for the current year. No objects of its own: the report is derived."""

from __future__ import annotations

from django.utils import timezone

from .endpoints import Endpoint, Listing


def _y() -> int:
    return timezone.localdate().year


def build(cast, ids):
    return {"report_year": _y()}, (), ()


OBJECT_PAGES = [
    Endpoint("reports:report", "/reports/{community}/{report_year}/"),
    Endpoint(
        "reports:report",
        "/reports/{community}/{report_year}/",
        "POST",
        {"prose_orgs": "渗透", "version": ""},
        change=True,
    ),
    Endpoint("reports:docx", "/reports/{community}/{report_year}/report.docx"),
]

LIST_PAGES = [
    Listing("reports:home", "/reports/?year=2026"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/reports/{pk}/{year}", "/api/v1/reports/{community}/{report_year}"),
]
