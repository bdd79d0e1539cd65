"""Objects of community A for the meetings area's endpoints (see endpoints.py).

``{meeting}`` a branch general meeting of 文化东路离退休党支部 (topic 甲社区离退休支部学习会),
attended by 欧阳测试 · ``{body}`` 文化东路社区党建联席会 · ``{seat}`` its member unit
甲社区实验小学 · ``{council}`` a meeting of that body where the unit was absent (a criticism
notice) · ``{leave}`` 欧阳测试's request for leave from ``{upcoming}``, a future meeting.
Area modules of meetings (endpoints_meetings_*.py) use these ids and add their endpoints.
"""

from __future__ import annotations

import datetime as dt

from dangjian.meetings import services
from dangjian.meetings.models import BodyKind, MeetingKind
from dangjian.members.models import Member
from dangjian.orgs.models import ResidentUnit


def build(cast, ids):
    member = Member.objects.get(pk=ids["member"])
    meeting = services.meeting_create(
        org=cast.branch_a_2,
        acting_user=None,
        kind=MeetingKind.BRANCH_GENERAL,
        date=dt.date(2026, 3, 20),
        topic="甲社区离退休支部学习会",
        minutes="会议记录：甲社区机密纪要",
    )
    services.attendance_record(meeting=meeting, marks=[], acting_user=None)
    body = services.body_create(
        acting_user=None, org=cast.comm_a, kind=BodyKind.JOINT, name="文化东路社区党建联席会"
    )
    unit = ResidentUnit.objects.create(
        community=cast.comm_a, name="甲社区实验小学", kind=ResidentUnit.Kind.SCHOOL, head="钱校长"
    )
    seat = services.seat_create(
        body=body, unit=unit, acting_user=None, joined_on=dt.date(2025, 1, 1)
    )
    council = services.meeting_create(
        org=cast.comm_a,
        acting_user=None,
        kind=MeetingKind.COUNCIL,
        body=body,
        date=dt.date(2026, 4, 10),
        topic="甲社区联席会四月例会",
    )
    services.attendance_record(
        meeting=council,
        marks=[services.Mark(status="absent", seat_id=seat.pk)],
        acting_user=None,
    )
    upcoming = services.meeting_create(
        org=cast.branch_a_2,
        acting_user=None,
        kind=MeetingKind.THEME_DAY,
        date=dt.date.today() + dt.timedelta(days=7),
        topic="甲社区下周主题党日",
    )
    leave = services.leave_request(
        meeting=upcoming, member=member, reason="甲社区请假理由", acting_user=None
    )
    new_ids = {
        "meeting": meeting.pk,
        "body": body.pk,
        "seat": seat.pk,
        "council": council.pk,
        "upcoming": upcoming.pk,
        "leave": leave.pk,
        "seat_unit": unit.pk,
    }
    hidden = (
        "甲社区离退休支部学习会",
        "文化东路社区党建联席会",
        "甲社区实验小学",
        "甲社区联席会四月例会",
    )
    hidden = (*hidden, "甲社区下周主题党日", "甲社区请假理由")
    return new_ids, hidden, hidden
