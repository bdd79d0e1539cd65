"""Objects of community A for dues (see endpoints.py): 欧阳测试 ({member}) has a dues base and a
payment ({payment}) with receipt 2026-0001 of 文化东路离退休党支部."""

from __future__ import annotations

import datetime as dt

from dangjian.dues import services
from dangjian.members.models import Member

from .endpoints import Endpoint, Listing


def build(cast, ids):
    m = Member.objects.get(pk=ids["member"])
    services.base_set(
        acting_user=cast.comm_a_sec,
        member=m,
        kind="retired",
        base="3100",
        from_month=dt.date(2026, 1, 1),
    )
    r = services.payment_record(
        acting_user=cast.comm_a_sec,
        member=m,
        first_month=dt.date(2026, 1, 1),
        months=2,
        paid_on=dt.date(2026, 2, 3),
        note="甲社区党费备注",
    )
    return {"payment": r.payment.pk}, (), ()


PAY = {"member": "{member}", "first_month": "2026-03", "months": "1"}

OBJECT_PAGES = [
    Endpoint("dues:home", "/dues/?org={community}"),
    Endpoint("dues:export", "/dues/export/?org={community}&year=2026"),
    Endpoint("dues:member", "/dues/members/{member}/"),
    Endpoint("dues:pay", "/dues/pay/", "POST", PAY, change=True),
    Endpoint(
        "dues:base_set",
        "/dues/members/{member}/base/",
        "POST",
        {"kind": "flat", "from_month": "2026-05"},
        change=True,
    ),
    Endpoint(
        "dues:reason_add",
        "/dues/members/{member}/reasons/",
        "POST",
        {"from_month": "2026-05", "to_month": "2026-06", "reason": "渗透"},
        change=True,
    ),
    Endpoint(
        "dues:payment_void",
        "/dues/payments/{payment}/void/",
        "POST",
        {"void_reason": "渗透作废"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("dues:home", "/dues/", owner_sees="欧阳测试"),
    Listing("dues:export", "/dues/export/?year=2026"),
    Listing("dues:mine", "/dues/mine/"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/dues/payments", "/api/v1/dues/payments?org={community}"),
    Endpoint("GET /api/v1/dues/members/{member_id}", "/api/v1/dues/members/{member}"),
    Endpoint(
        "POST /api/v1/dues/payments",
        "/api/v1/dues/payments",
        "POST",
        {"member_id": "{member}", "first_month": "2026-03-01", "months": 1},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/dues/payments/{payment_id}/void",
        "/api/v1/dues/payments/{payment}/void",
        "POST",
        {"reason": "渗透作废"},
        change=True,
    ),
]
