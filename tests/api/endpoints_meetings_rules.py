"""Pages of the §13 rules kept by the meetings app, for the isolation suite (see endpoints.py
and endpoints_meetings.py, whose {meeting} — a general meeting of 文化东路离退休党支部 — these use).

``{lost}`` 欧阳测试's lost-contact case (lost 400 days ago, so 停止党籍 is proposed) · a talk
with 欧阳测试 by ``{office}`` (司马测试, secretary) · ``{vote}`` a vote on ``{meeting}``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.meetings.models import Meeting
from dangjian.meetings.services_lost import lost_contact_record
from dangjian.meetings.services_talks import heart_talk_record
from dangjian.meetings.services_votes import vote_record
from dangjian.members.models import Member
from dangjian.orgs.models import Office

from .endpoints import Endpoint, Listing


def build(cast, ids):
    member = Member.objects.select_related("org").get(pk=ids["member"])
    today = timezone.localdate()
    heart_talk_record(
        member=member,
        talker=Office.objects.get(pk=ids["office"]),
        date=today,
        note="甲社区谈话要点",
        acting_user=None,
    )
    case = lost_contact_record(
        member=member,
        lost_on=today - dt.timedelta(days=400),
        note="甲社区失联查找情况",
        acting_user=None,
    )
    vote = vote_record(
        meeting=Meeting.objects.get(pk=ids["meeting"]),
        motion="甲社区表决事项",
        yes=1,
        no=0,
        abstain=0,
        acting_user=None,
    )
    hidden = ("甲社区谈话要点", "甲社区失联查找情况", "甲社区表决事项")
    return {"lost": case.pk, "vote": vote.pk}, hidden, hidden


OBJECT_PAGES = [
    Endpoint("meetings:talks", "/meetings/talks/?org={org}"),
    Endpoint("meetings:talks", "/meetings/talks/?org={community}&show=all"),
    Endpoint("meetings:talk_new", "/meetings/talks/{org}/new/{member}/", change=True),
    Endpoint("meetings:talk_new", "/meetings/talks/{org}/new/{member}/", "POST", {}, change=True),
    Endpoint("meetings:lost", "/meetings/lost/?org={community}"),
    Endpoint("meetings:lost_new", "/meetings/lost/{org}/new/", change=True),
    Endpoint("meetings:lost_new", "/meetings/lost/{org}/new/", "POST", {}, change=True),
    Endpoint("meetings:lost_found", "/meetings/lost/case/{lost}/found/", change=True),
    Endpoint("meetings:lost_found", "/meetings/lost/case/{lost}/found/", "POST", {}, change=True),
    Endpoint("meetings:lost_decide", "/meetings/lost/case/{lost}/decide/", change=True),
    Endpoint("meetings:lost_decide", "/meetings/lost/case/{lost}/decide/", "POST", {}, change=True),
    Endpoint(
        "meetings:vote_add",
        "/meetings/{meeting}/votes/",
        "POST",
        {"motion": "渗透", "yes": 1, "no": 0, "abstain": 0},
        change=True,
    ),
    Endpoint(
        "meetings:vote_void",
        "/meetings/votes/{vote}/void/",
        "POST",
        {"reason": "渗透"},
        change=True,
    ),
]

LIST_PAGES = [
    Listing("meetings:talks", "/meetings/talks/", owner_sees="文化东路离退休党支部"),
    Listing("meetings:talks", "/meetings/talks/?show=all", owner_sees="甲社区谈话要点"),
    Listing("meetings:talks_mine", "/meetings/talks/mine/"),
    Listing("meetings:lost", "/meetings/lost/", owner_sees="甲社区失联查找情况"),
    Listing("meetings:detail", "/meetings/{meeting}/", owner_sees="甲社区表决事项"),
]

OBJECT_API = [
    Endpoint("GET /api/v1/meetings/talks/{org_id}", "/api/v1/meetings/talks/{org}?show=all"),
    Endpoint("GET /api/v1/meetings/talks/{org_id}", "/api/v1/meetings/talks/{community}"),
    Endpoint(
        "POST /api/v1/meetings/talks/{org_id}",
        "/api/v1/meetings/talks/{org}",
        "POST",
        {"member_id": "{member}", "talker_id": "{office}", "note": "渗透"},
        change=True,
    ),
    Endpoint("GET /api/v1/meetings/lost/{org_id}", "/api/v1/meetings/lost/{community}"),
    Endpoint(
        "POST /api/v1/meetings/lost/cases/{case_id}/decisions",
        "/api/v1/meetings/lost/cases/{lost}/decisions",
        "POST",
        {"kind": "suspend", "decided_by": "渗透"},
        change=True,
    ),
    Endpoint("GET /api/v1/meetings/{meeting_id}/votes", "/api/v1/meetings/{meeting}/votes"),
    Endpoint(
        "POST /api/v1/meetings/{meeting_id}/votes",
        "/api/v1/meetings/{meeting}/votes",
        "POST",
        {"motion": "渗透", "yes": 1},
        change=True,
    ),
    Endpoint(
        "POST /api/v1/meetings/votes/{vote_id}/void",
        "/api/v1/meetings/votes/{vote}/void",
        "POST",
        {"reason": "渗透"},
        change=True,
    ),
]
