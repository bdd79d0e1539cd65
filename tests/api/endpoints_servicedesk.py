"""Objects of community A for the service desk (see endpoints.py).

``{sreq}`` 甲社区水管工单 (received at the hall, resident 慕容测试), ``{sdoc}`` its document.
"""

from __future__ import annotations

import datetime as dt

from dangjian.servicedesk import services

from .endpoints import Endpoint, Listing


def build(cast, ids):
    req = services.request_receive(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        channel="hall",
        category="repair",
        resident_name="慕容测试",
        phone="13812341234",
        content="甲社区水管工单",
        received_on=dt.date(2026, 5, 1),
        deadline=max(dt.date.today(), dt.date(2026, 5, 4)),
    )
    doc = services.document_add(
        req, acting_user=cast.comm_a_sec, name="户口本", taken_in_on=dt.date(2026, 5, 1)
    )
    hidden = ("甲社区水管工单", "慕容测试")
    return {"sreq": req.pk, "sdoc": doc.pk}, hidden, hidden


OBJECT_PAGES = [
    Endpoint("servicedesk:home", "/servicedesk/?org={community}&year=2026"),
    Endpoint("servicedesk:export", "/servicedesk/export/?org={community}&year=2026"),
    Endpoint(
        "servicedesk:export_errands", "/servicedesk/export/errands/?org={community}&year=2026"
    ),
    Endpoint("servicedesk:stats", "/servicedesk/stats/?org={community}&year=2026"),
    Endpoint("servicedesk:detail", "/servicedesk/{sreq}/"),
    Endpoint("servicedesk:create", "/servicedesk/new/?org={community}", change=True),
    Endpoint(
        "servicedesk:create",
        "/servicedesk/new/?org={community}",
        "POST",
        {
            "channel": "hall",
            "category": "repair",
            "resident_name": "渗透",
            "content": "渗透",
            "received_on": "2026-05-01",
        },
        change=True,
    ),
    Endpoint(
        "servicedesk:reveal_phone", "/servicedesk/{sreq}/reveal-phone/", "POST", {}, change=True
    ),
    Endpoint(
        "servicedesk:step",
        "/servicedesk/{sreq}/step/",
        "POST",
        {"action": "transfer", "version": "1", "reason": "渗透", "department": "渗透"},
        change=True,
    ),
    Endpoint(
        "servicedesk:document_add",
        "/servicedesk/{sreq}/documents/",
        "POST",
        {"name": "渗透", "taken_in_on": "2026-05-01"},
        change=True,
    ),
    Endpoint(
        "servicedesk:document_back",
        "/servicedesk/documents/{sdoc}/back/",
        "POST",
        {"handed_back_on": "2026-05-02"},
        change=True,
    ),
]

# The resident's pages: the public form shows only the community's name and the question; the
# receipt is reached only through a signed link and shows no personal data (tested in
# tests/servicedesk/test_pages.py).
NO_DATA_PAGES = {"servicedesk:public_new", "servicedesk:public_receipt"}

LIST_PAGES = [
    Listing("servicedesk:home", "/servicedesk/?year=2026", owner_sees="FW2026"),
    Listing("servicedesk:export", "/servicedesk/export/?year=2026"),
    Listing("servicedesk:export_errands", "/servicedesk/export/errands/?year=2026"),
    Listing("servicedesk:stats", "/servicedesk/stats/?year=2026"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/servicedesk/{pk}", "/api/v1/servicedesk/{sreq}"),
    Endpoint("GET /api/v1/servicedesk/", "/api/v1/servicedesk/?org={community}"),
    Endpoint(
        "GET /api/v1/servicedesk/stats", "/api/v1/servicedesk/stats?org={community}&year=2026"
    ),
    Endpoint(
        "GET /api/v1/servicedesk/categories", "/api/v1/servicedesk/categories?org={community}"
    ),
    Endpoint(
        "POST /api/v1/servicedesk/{pk}/steps",
        "/api/v1/servicedesk/{sreq}/steps",
        "POST",
        {"action": "transfer", "version": 1, "reason": "渗透", "department": "渗透"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/servicedesk/",
        "/api/v1/servicedesk/",
        "POST",
        {
            "org": "{community}",
            "channel": "hall",
            "category": "repair",
            "resident_name": "渗透",
            "content": "渗透",
        },
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/servicedesk/", "/api/v1/servicedesk/", owner_sees="甲社区水管工单"),
]
