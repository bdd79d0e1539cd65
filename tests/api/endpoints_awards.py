"""Objects of community A for the awards (see endpoints.py).

``{awards_round}`` 东城街道甲评选 — a round of 东城街道党工委 (street A, ``{awards_street}``), seen by
its communities and nobody else; ``{awards_nomination}`` 甲社区优秀候选人, community A's nominee
in it; a model-community decision for community A in ``{awards_year}`` (this year) with the
reason 甲社区示范点理由. The deciding pages belong to the street secretary (``owner``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.awards import services
from dangjian.awards.models import ModelCommunityDecision
from tests.factories import make_member

from .endpoints import Endpoint, Listing

ROUND = "东城街道甲评选"


def build(cast, ids):
    year = timezone.localdate().year
    # written directly: a proposal would measure community A's whole scorecard in every world
    ModelCommunityDecision.objects.create(
        community=cast.comm_a,
        year=year,
        proposed_stars=None,
        decided_stars=0,
        reason="甲社区示范点理由",
        decided_by=cast.street_sec,
        decided_at=timezone.now(),
    )
    rnd = services.round_open(
        acting_user=cast.street_sec,
        org=cast.street_a,
        year=year,
        title=ROUND,
        nominate_by=dt.date(year + 1, 6, 30),
    )
    n = services.nominate(
        acting_user=cast.comm_a_sec,
        rnd=rnd,
        community=cast.comm_a,
        member=make_member(org=cast.branch_a_2, name="甲社区优秀候选人"),
        citation="甲社区推荐事迹",
    )
    hidden = (ROUND, "甲社区优秀候选人", "甲社区推荐事迹", "甲社区示范点理由")
    return (
        {
            "awards_street": cast.street_a.pk,
            "awards_round": rnd.pk,
            "awards_nomination": n.pk,
            "awards_year": year,
        },
        hidden,
        hidden,
    )


OBJECT_PAGES = [
    Endpoint("awards:home", "/awards/?org={awards_street}", owner="street_sec"),
    Endpoint("awards:community", "/awards/models/{community}/{awards_year}/"),
    Endpoint(
        "awards:decide",
        "/awards/models/{community}/{awards_year}/decide/",
        "POST",
        {"stars": "1", "reason": "渗透", "version": "1"},
        change=True,
        owner="street_sec",
    ),
    Endpoint("awards:review", "/awards/review/?org={awards_street}", owner="street_sec"),
    Endpoint(
        "awards:round_create",
        "/awards/rounds/new/?org={awards_street}",
        change=True,
        owner="street_sec",
    ),
    Endpoint(
        "awards:round_create",
        "/awards/rounds/new/?org={awards_street}",
        "POST",
        {"org": "{awards_street}", "year": "2040", "title": "渗透", "nominate_by": "2040-06-01"},
        change=True,
        owner="street_sec",
    ),
    Endpoint("awards:round", "/awards/rounds/{awards_round}/"),
    Endpoint("awards:round_export", "/awards/rounds/{awards_round}/export/"),
    Endpoint(
        "awards:nominate", "/awards/rounds/{awards_round}/nominate/?org={community}", change=True
    ),
    Endpoint(
        "awards:nominate",
        "/awards/rounds/{awards_round}/nominate/?org={community}",
        "POST",
        {"member": "{member}", "citation": "渗透"},
        change=True,
    ),
    Endpoint("awards:nominee", "/awards/nominations/{awards_nomination}/"),
    Endpoint(
        "awards:nomination_decide",
        "/awards/nominations/{awards_nomination}/decide/",
        "POST",
        {"outcome": "chosen", "version": "1"},
        change=True,
        owner="street_sec",
    ),
]

LIST_PAGES = [
    Listing("awards:home", "/awards/", owner_sees="文化东路社区党委"),
    Listing("awards:home", "/awards/?sort=decided", owner_sees="文化东路社区党委"),
    Listing("awards:rounds", "/awards/rounds/", owner_sees=ROUND),
]

OBJECT_API = [
    Endpoint("GET /api/v1/awards/models/", "/api/v1/awards/models/?org={community}"),
    Endpoint(
        "POST /api/v1/awards/models/{community_id}/{year}/decide",
        "/api/v1/awards/models/{community}/{awards_year}/decide",
        "POST",
        {"stars": 1, "reason": "渗透", "version": 1},
        change=True,
        owner="street_sec",
    ),
    Endpoint(
        "GET /api/v1/awards/rounds/{round_id}/nominations/",
        "/api/v1/awards/rounds/{awards_round}/nominations/",
    ),
    Endpoint(
        "GET /api/v1/awards/nominations/{nomination_id}",
        "/api/v1/awards/nominations/{awards_nomination}",
    ),
    Endpoint(
        "POST /api/v1/awards/nominations/{nomination_id}/decide",
        "/api/v1/awards/nominations/{awards_nomination}/decide",
        "POST",
        {"outcome": "chosen", "version": 1},
        change=True,
        owner="street_sec",
    ),
]

LIST_API = [
    Listing("GET /api/v1/awards/models/", "/api/v1/awards/models/", owner_sees="文化东路社区党委"),
    Listing("GET /api/v1/awards/rounds/", "/api/v1/awards/rounds/", owner_sees=ROUND),
]
