"""Objects of community A for the care area (see endpoints.py).

``{recipient}`` 欧阳关爱 of 文化东路离退休党支部 on the care list (生活困难, a project 甲社区养鸡场),
``{visit}`` a visit to them by 甲社区走访人, ``{aid_round}`` a draft round of 文化东路社区党委
(“甲社区互助金”) with ``{aid_grant}`` their share.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dangjian.care import services
from tests.factories import make_member

from .endpoints import Endpoint, Listing


def build(cast, ids):
    member = make_member(org=cast.branch_a_2, name="欧阳关爱")
    r = services.recipient_add(
        acting_user=None,
        member=member,
        since=dt.date(2025, 1, 1),
        hardship=True,
        has_project=True,
        project="甲社区养鸡场",
    )
    v = services.visit_add(
        recipient=r,
        acting_user=None,
        kind="other",
        date=dt.date(2026, 5, 1),
        visitors="甲社区走访人",
    )
    rnd = services.aid_round_create(
        acting_user=None, org=cast.comm_a, title="甲社区互助金", fund=Decimal("800"), recipients=[r]
    )
    hidden = ("欧阳关爱", "甲社区养鸡场", "甲社区走访人", "甲社区互助金")
    out = {
        "recipient": r.pk,
        "visit": v.pk,
        "aid_round": rnd.pk,
        "aid_grant": rnd.grants.get().pk,
    }
    return out, hidden, hidden


VISIT = {"kind": "other", "date": "2026-06-01", "visitors": "渗透"}

OBJECT_PAGES = [
    Endpoint("care:detail", "/care/{recipient}/"),
    Endpoint("care:edit", "/care/{recipient}/edit/", change=True),
    Endpoint(
        "care:edit",
        "/care/{recipient}/edit/",
        "POST",
        {"hardship": "on", "since": "2025-01-01", "situation": "渗透", "version": 1},
        change=True,
    ),
    Endpoint("care:end", "/care/{recipient}/end/", change=True),
    Endpoint(
        "care:end",
        "/care/{recipient}/end/",
        "POST",
        {"ended_on": "2026-06-01", "reason": "渗透", "version": 1},
        change=True,
    ),
    Endpoint(
        "care:visit",
        "/care/{recipient}/visits/",
        "POST",
        {f"visit-{k}": v for k, v in VISIT.items()},
        change=True,
    ),
    Endpoint("care:visit_withdraw", "/care/visits/{visit}/withdraw/", change=True),
    Endpoint("care:visit_withdraw", "/care/visits/{visit}/withdraw/", "POST", change=True),
    Endpoint("care:holidays", "/care/holidays/?org={community}"),
    Endpoint("care:aid_create", "/care/aid/new/?org={community}", change=True),
    Endpoint(
        "care:aid_create",
        "/care/aid/new/?org={community}",
        "POST",
        {"title": "渗透", "fund": "100", "recipients": "{recipient}"},
        change=True,
    ),
    Endpoint("care:aid_detail", "/care/aid/{aid_round}/"),
    Endpoint("care:aid_export", "/care/aid/{aid_round}/export/"),
    Endpoint(
        "care:aid_grant",
        "/care/aid/grants/{aid_grant}/",
        "POST",
        {"amount": "1", "reason": "渗透"},
        change=True,
    ),
    Endpoint(
        "care:aid_pay",
        "/care/aid/{aid_round}/pay/",
        "POST",
        {"paid_on": "2026-11-01", "version": 1},
        change=True,
    ),
    Endpoint("care:aid_delete", "/care/aid/{aid_round}/delete/", change=True),
    Endpoint("care:aid_delete", "/care/aid/{aid_round}/delete/", "POST", change=True),
]

LIST_PAGES = [
    Listing("care:home", "/care/", owner_sees="欧阳关爱"),
    Listing("care:home", "/care/?q=ouyang&state=all&reason=project", owner_sees="欧阳关爱"),
    Listing("care:export", "/care/export/", owner_sees="欧阳关爱"),
    Listing("care:holidays", "/care/holidays/", owner_sees="欧阳关爱"),
    Listing("care:visits", "/care/visits/", owner_sees="甲社区走访人"),
    Listing("care:visits_export", "/care/visits/export/?year=2026", owner_sees="甲社区走访人"),
    Listing("care:aid", "/care/aid/", owner_sees="甲社区互助金"),
    Listing("care:create", "/care/new/"),
    Listing("care:aid_create", "/care/aid/new/"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/care/", "/api/v1/care/?org={community}"),
    Endpoint("GET /api/v1/care/{recipient_id}", "/api/v1/care/{recipient}"),
    Endpoint(
        "POST /api/v1/care/{recipient_id}/visits",
        "/api/v1/care/{recipient}/visits",
        "POST",
        VISIT,
        change=True,
    ),
    Endpoint(
        "POST /api/v1/care/",
        "/api/v1/care/",
        "POST",
        {"member_id": "{member}", "since": "2026-01-01", "weak": True},
        change=True,
        expect=None,
    ),
    Endpoint("GET /api/v1/care/visits", "/api/v1/care/visits?org={community}"),
    Endpoint("GET /api/v1/care/holidays", "/api/v1/care/holidays?org={community}"),
    Endpoint("GET /api/v1/care/aid", "/api/v1/care/aid?org={community}"),
    Endpoint("GET /api/v1/care/aid/{round_id}", "/api/v1/care/aid/{aid_round}"),
]

LIST_API = [
    Listing("GET /api/v1/care/", "/api/v1/care/", owner_sees="欧阳关爱"),
    Listing("GET /api/v1/care/", "/api/v1/care/?q=欧阳&state=all", owner_sees="欧阳关爱"),
    Listing("GET /api/v1/care/visits", "/api/v1/care/visits", owner_sees="甲社区走访人"),
    Listing("GET /api/v1/care/holidays", "/api/v1/care/holidays", owner_sees="欧阳关爱"),
    Listing("GET /api/v1/care/aid", "/api/v1/care/aid", owner_sees="甲社区互助金"),
]
