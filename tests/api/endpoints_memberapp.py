"""The member's phone app (/m/) for the isolation suite (see endpoints.py).

``{mmeeting}`` a coming meeting of 文化东路离退休党支部 (topic 甲社区手机端请假会), at which 欧阳测试
(``cast.ouyang``, given a login by endpoints_meetings_mine.py) is expected and has not asked for
leave: the leave endpoint's positive control. member_user (张三, another branch) is an attacker
like the others: 404 for that meeting, the same as a missing one.

The phone page, the manifest and the service worker show only the logged-in member's own
things (or nothing personal at all); the commitment draft acts only on the logged-in member's own
record and names no object (tests/memberapp covers it).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.meetings import services
from dangjian.meetings.models import MeetingKind

from .endpoints import Endpoint, Listing


def build(cast, ids):
    meeting = services.meeting_create(
        org=cast.branch_a_2,
        acting_user=None,
        kind=MeetingKind.BRANCH_GENERAL,
        date=timezone.localdate() + dt.timedelta(days=9),
        topic="甲社区手机端请假会",
    )
    hidden = ("甲社区手机端请假会",)
    return {"mmeeting": meeting.pk}, hidden, hidden


OBJECT_PAGES = [
    Endpoint(
        "memberapp:sync_leave",
        "/m/sync/leave/",
        "POST",
        {"meeting": "{mmeeting}", "reason": "渗透"},
        change=True,
        owner="ouyang",
    ),
]

LIST_PAGES = [
    Listing("memberapp:home", "/m/"),
]

NO_DATA_PAGES = {
    "memberapp:manifest",
    "memberapp:sw",
    "memberapp:sync_commitment",
}
