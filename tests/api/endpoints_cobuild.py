"""Objects of community A for co-building (see endpoints.py).

``{unit}`` 甲社区共建医院 (its pledge ``{pledge}`` and resource ``{resource}`` 甲社区共建礼堂),
``{activity}`` 甲社区共建义诊 with ``{photo}``. The plain member of community A sees none of it.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.cobuild import services
from tests.cobuild.images import png
from tests.meetings.factories import make_unit

from .endpoints import Endpoint, Listing


def build(cast, ids):
    unit = make_unit(community=cast.comm_a, name="甲社区共建医院")
    agreement = services.agreement_create(
        acting_user=cast.comm_a_sec,
        unit=unit,
        title="甲社区共建协议",
        signed_on=dt.date(2026, 1, 5),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        unit_pledges=["甲社区共建承诺"],
    )
    resource = services.resource_create(
        acting_user=cast.comm_a_sec, unit=unit, kind="venue", name="甲社区共建礼堂"
    )
    activity = services.activity_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        units=[unit],
        kind="service",
        date=dt.date(2026, 5, 1),
        title="甲社区共建义诊",
        photos=[SimpleUploadedFile("p.png", png(), content_type="image/png")],
    )
    ids = {
        "unit": unit.pk,
        "pledge": agreement.pledges.get().pk,
        "resource": resource.pk,
        "activity": activity.pk,
        "photo": activity.photos.get().pk,
    }
    hidden = (
        "甲社区共建医院",
        "甲社区共建协议",
        "甲社区共建承诺",
        "甲社区共建礼堂",
        "甲社区共建义诊",
    )
    return ids, hidden, hidden


BOOK = {"day": "2026-12-01", "start": "09:00", "end": "10:00", "purpose": "渗透"}

OBJECT_PAGES = [
    Endpoint("cobuild:overview", "/cobuild/?org={community}"),
    Endpoint("cobuild:unit", "/cobuild/units/{unit}/"),
    Endpoint("cobuild:unit_create", "/cobuild/units/new/?org={community}", change=True),
    Endpoint(
        "cobuild:unit_create",
        "/cobuild/units/new/?org={community}",
        "POST",
        {"name": "渗透单位", "kind": "other", "member_count": "0"},
        change=True,
    ),
    Endpoint(
        "cobuild:stars_decide", "/cobuild/units/{unit}/stars/", "POST", {"stars": "1"}, change=True
    ),
    Endpoint(
        "cobuild:agreement_create",
        "/cobuild/units/{unit}/agreements/",
        "POST",
        {
            "title": "渗透",
            "signed_on": "2026-01-01",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "unit_pledges": "渗透",
        },
        change=True,
    ),
    Endpoint(
        "cobuild:pledge_check",
        "/cobuild/pledges/{pledge}/check/",
        "POST",
        {"kept": "1"},
        change=True,
    ),
    Endpoint("cobuild:activities", "/cobuild/activities/?org={community}"),
    Endpoint("cobuild:activity_create", "/cobuild/activities/new/?org={community}", change=True),
    Endpoint("cobuild:activity_export", "/cobuild/activities/export/?org={community}"),
    Endpoint("cobuild:activity", "/cobuild/activities/{activity}/"),
    Endpoint("cobuild:activity_edit", "/cobuild/activities/{activity}/edit/", change=True),
    Endpoint(
        "cobuild:activity_edit",
        "/cobuild/activities/{activity}/edit/",
        "POST",
        {
            "kind": "service",
            "title": "渗透",
            "date": "2026-05-01",
            "version": "1",
            "deed_version": "1",
        },
        change=True,
    ),
    Endpoint(
        "cobuild:activity_delete", "/cobuild/activities/{activity}/delete/", "POST", change=True
    ),
    Endpoint("cobuild:photo", "/cobuild/photos/{photo}/"),
    Endpoint("cobuild:chronicle", "/cobuild/chronicle/?org={community}"),
    Endpoint(
        "cobuild:briefing",
        "/cobuild/briefing/",
        "POST",
        {"org": "{community}", "activity": "{activity}"},
    ),
    Endpoint("cobuild:resources", "/cobuild/resources/?org={community}"),
    Endpoint(
        "cobuild:resource_create",
        "/cobuild/resources/new/",
        "POST",
        {"unit": "{unit}", "kind": "venue", "name": "渗透"},
        change=True,
    ),
    Endpoint(
        "cobuild:booking_create", "/cobuild/resources/{resource}/book/", "POST", BOOK, change=True
    ),
    Endpoint("cobuild:commended", "/cobuild/stars/commended/?org={community}"),
    Endpoint("cobuild:assessment", "/cobuild/stars/assessment/?org={community}"),
]

LIST_PAGES = [
    Listing("cobuild:overview", "/cobuild/", owner_sees="甲社区共建医院"),
    Listing("cobuild:activities", "/cobuild/activities/", owner_sees="甲社区共建义诊"),
    Listing("cobuild:activity_export", "/cobuild/activities/export/"),
    Listing("cobuild:chronicle", "/cobuild/chronicle/"),
    Listing("cobuild:resources", "/cobuild/resources/", owner_sees="甲社区共建礼堂"),
    Listing("cobuild:commended", "/cobuild/stars/commended/"),
    Listing("cobuild:assessment", "/cobuild/stars/assessment/"),
    Listing("cobuild:unit_create", "/cobuild/units/new/"),
    Listing("cobuild:activity_create", "/cobuild/activities/new/"),
    Listing("cobuild:my_unit", "/cobuild/my-unit/"),  # a unit contact's own page: 404 to others
]

OBJECT_API = [
    Endpoint("GET /api/v1/cobuild/units", "/api/v1/cobuild/units?org={community}&year=2026"),
    Endpoint("GET /api/v1/cobuild/activities", "/api/v1/cobuild/activities?org={community}"),
    Endpoint(
        "POST /api/v1/cobuild/activities",
        "/api/v1/cobuild/activities?org={community}",
        "POST",
        {"kind": "service", "title": "渗透", "date": "2026-05-01"},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/cobuild/units/{pk}/stars",
        "/api/v1/cobuild/units/{unit}/stars",
        "POST",
        {"year": 2026, "stars": 1},
        change=True,
    ),
]
