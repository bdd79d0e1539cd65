"""Objects of community A for re-employment (see endpoints.py).

``{job_unit}`` 甲社区招聘单位 offers ``{offer}`` 甲社区再就业岗位 (housekeeping); ``{seeker}``
甲社区求职者 was referred to it (``{referral}``, pending). The plain member sees none of it.
"""

from __future__ import annotations

import datetime as dt

from dangjian.jobs import services
from tests.meetings.factories import make_unit

from .endpoints import Endpoint, Listing


def build(cast, ids):
    unit = make_unit(community=cast.comm_a, name="甲社区招聘单位")
    offer = services.offer_create(
        acting_user=cast.comm_a_sec,
        unit=unit,
        position="甲社区再就业岗位",
        category="housekeeping",
        places=2,
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2030, 12, 31),
    )
    seeker = services.seeker_register(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        name="甲社区求职者",
        phone="13800138000",
        consent_on=dt.date(2026, 1, 2),
        skills=["housekeeping"],
    )
    referral = services.referral_create(
        acting_user=cast.comm_a_sec, offer=offer, seeker=seeker, on=dt.date(2026, 2, 1)
    )
    ids = {"job_unit": unit.pk, "offer": offer.pk, "seeker": seeker.pk, "referral": referral.pk}
    hidden = ("甲社区招聘单位", "甲社区再就业岗位", "甲社区求职者", "13800138000")
    return ids, hidden, hidden


OBJECT_PAGES = [
    Endpoint("jobs:home", "/jobs/?org={community}&year=2026"),
    Endpoint("jobs:export", "/jobs/export/?org={community}&year=2026"),
    Endpoint("jobs:seekers", "/jobs/seekers/?org={community}&active=all"),
    Endpoint("jobs:offer", "/jobs/offers/{offer}/"),
    Endpoint("jobs:seeker", "/jobs/seekers/{seeker}/"),
    Endpoint("jobs:offer_create", "/jobs/offers/new/?org={community}", change=True),
    Endpoint(
        "jobs:offer_create",
        "/jobs/offers/new/?org={community}",
        "POST",
        {"unit": "{job_unit}", "position": "渗透", "category": "other", "places": "1"},
        change=True,
    ),
    Endpoint("jobs:seeker_create", "/jobs/seekers/new/?org={community}", change=True),
    Endpoint(
        "jobs:seeker_create",
        "/jobs/seekers/new/?org={community}",
        "POST",
        {"name": "渗透", "consent_on": "2026-01-01", "skills": "other"},
        change=True,
    ),
    Endpoint("jobs:offer_end", "/jobs/offers/{offer}/end/", "POST", {"version": "1"}, change=True),
    Endpoint("jobs:seeker_reveal", "/jobs/seekers/{seeker}/reveal-phone/", "POST", change=True),
    Endpoint(
        "jobs:seeker_withdraw",
        "/jobs/seekers/{seeker}/withdraw/",
        "POST",
        {"version": "1"},
        change=True,
    ),
    Endpoint(
        "jobs:refer", "/jobs/seekers/{seeker}/refer/", "POST", {"offer": "{offer}"}, change=True
    ),
    Endpoint(
        "jobs:referral_outcome",
        "/jobs/referrals/{referral}/outcome/",
        "POST",
        {"version": "1", "outcome": "hired", "on": "2026-03-01"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("jobs:home", "/jobs/?year=2026", owner_sees="甲社区再就业岗位"),
    Listing("jobs:seekers", "/jobs/seekers/", owner_sees="甲社区求职者"),
    Listing("jobs:export", "/jobs/export/?year=2026", owner_sees="甲社区求职者"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/jobs/offers", "/api/v1/jobs/offers?org={community}"),
    Endpoint("GET /api/v1/jobs/seekers", "/api/v1/jobs/seekers?org={community}"),
    Endpoint("GET /api/v1/jobs/referrals", "/api/v1/jobs/referrals?org={community}"),
    Endpoint(
        "POST /api/v1/jobs/offers",
        "/api/v1/jobs/offers",
        "POST",
        {
            "unit_id": "{job_unit}",
            "position": "渗透",
            "category": "other",
            "places": 1,
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
        },
        change=True,
        expect=None,
    ),
    Endpoint(
        "POST /api/v1/jobs/seekers",
        "/api/v1/jobs/seekers",
        "POST",
        {"org": "{community}", "name": "渗透", "consent_on": "2026-01-01", "skills": ["other"]},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/jobs/referrals",
        "/api/v1/jobs/referrals",
        "POST",
        {"offer_id": "{offer}", "seeker_id": "{seeker}"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/jobs/referrals/{referral_id}/outcome",
        "/api/v1/jobs/referrals/{referral}/outcome",
        "POST",
        {"version": 1, "outcome": "hired", "on": "2026-03-01"},
        change=True,
    ),
]

LIST_API = [
    Listing("GET /api/v1/jobs/offers", "/api/v1/jobs/offers", owner_sees="甲社区再就业岗位"),
    Listing("GET /api/v1/jobs/seekers", "/api/v1/jobs/seekers", owner_sees="甲社区求职者"),
    Listing("GET /api/v1/jobs/referrals", "/api/v1/jobs/referrals"),
]
