"""Objects of community A for 信访、民事调解 (see endpoints.py).

``{mhousehold}`` 甲调解户 (a household under 1号楼1单元) and ``{mcase}``, a dispute about it with
the party 甲调解当事人, the summary 甲社区调解纠纷事由 and a session whose agreed terms make the
agreement (.docx) available. Grid data is need-to-know: even the pages that only read are refused
to a viewer (a read-only grant), so every entry is ``change=True``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.mediation import services
from dangjian.orgs.models import PlaceKind
from tests.factories import make_place

from .endpoints import Endpoint, Listing


def build(cast, ids):
    household = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="甲调解户"
    )
    case = services.case_open(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        place=household,
        kind="mediation",
        category="neighbour",
        received_on=timezone.localdate() - dt.timedelta(days=3),
        summary="甲社区调解纠纷事由",
        parties=[{"role": "applicant", "name": "甲调解当事人", "phone": "13811112222"}],
        mediator_names=["甲调解员"],
    )
    services.session_record(
        case, acting_user=cast.comm_a_sec, held_on=timezone.localdate(), agreed="甲调解协议条款"
    )
    hidden = ("甲调解户", "甲调解当事人", "甲社区调解纠纷事由", "甲调解协议条款")
    return {"mhousehold": household.pk, "mcase": case.pk}, hidden, hidden


OBJECT_PAGES = [
    Endpoint("mediation:list", "/mediation/?org={community}", change=True),
    Endpoint("mediation:export", "/mediation/export/?org={community}", change=True),
    Endpoint("mediation:create", "/mediation/new/?org={community}", change=True),
    Endpoint(
        "mediation:create",
        "/mediation/new/?org={community}",
        "POST",
        {"kind": "mediation", "category": "other", "place": "{mhousehold}", "summary": "渗透"},
        change=True,
    ),
    Endpoint("mediation:detail", "/mediation/{mcase}/", change=True),
    Endpoint("mediation:agreement", "/mediation/{mcase}/agreement.docx", change=True),
    Endpoint("mediation:reveal", "/mediation/{mcase}/reveal/", "POST", change=True),
    Endpoint(
        "mediation:party_add",
        "/mediation/{mcase}/parties/",
        "POST",
        {"role": "applicant", "name": "渗透"},
        change=True,
    ),
    Endpoint(
        "mediation:mediator_add",
        "/mediation/{mcase}/mediators/",
        "POST",
        {"name": "渗透"},
        change=True,
    ),
    Endpoint(
        "mediation:session_add",
        "/mediation/{mcase}/sessions/",
        "POST",
        {"held_on": "2026-06-01", "agreed": "渗透"},
        change=True,
    ),
    Endpoint(
        "mediation:close",
        "/mediation/{mcase}/close/",
        "POST",
        {"version": "2", "outcome": "failed", "closed_on": "2026-06-01"},
        change=True,
    ),
    Endpoint(
        "mediation:followup_add",
        "/mediation/{mcase}/follow-ups/",
        "POST",
        {"visited_on": "2026-06-01", "note": "渗透"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("mediation:list", "/mediation/", owner_sees="甲调解户"),
    Listing("mediation:list", "/mediation/?state=open"),
    Listing("mediation:export", "/mediation/export/", owner_sees="甲调解当事人"),
    Listing("mediation:create", "/mediation/new/"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/mediation/{case_id}", "/api/v1/mediation/{mcase}", change=True),
    Endpoint("GET /api/v1/mediation/", "/api/v1/mediation/?org={community}", change=True),
    Endpoint(
        "POST /api/v1/mediation/",
        "/api/v1/mediation/",
        "POST",
        {
            "place_id": "{mhousehold}",
            "kind": "mediation",
            "category": "other",
            "received_on": "2026-06-01",
            "summary": "渗透",
        },
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/mediation/", "/api/v1/mediation/", owner_sees="甲调解户"),
    Listing("GET /api/v1/mediation/", "/api/v1/mediation/?state=overdue"),
]
