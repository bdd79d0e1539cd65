"""Demo data for the member app (issue 19): the ``member`` account's branch has a meeting in the
next two weeks, so the phone page (/m/) shows a coming meeting with its 请假 button. The demo
meetings usually plan one already; otherwise a 主题党日 is planned through the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from dangjian.meetings import services
from dangjian.meetings.models import Meeting, MeetingKind
from dangjian.members.models import Member

#: how far ahead the phone page should find a meeting of the demo member's branch
WITHIN_DAYS = 14


def build(demo: Any, *, log: Callable[[str], None] = lambda s: None) -> None:
    member = Member.objects.select_related("org").filter(user__username="member").first()
    if member is None:
        return
    today = timezone.localdate()
    if Meeting.objects.filter(
        org=member.org,
        cancelled=False,
        date__gte=today,
        date__lte=today + dt.timedelta(days=WITHIN_DAYS),
    ).exists():
        return
    services.meeting_create(
        org=member.org,
        acting_user=getattr(demo, "admin", None),
        kind=MeetingKind.THEME_DAY,
        date=today + dt.timedelta(days=7),
        start_time=dt.time(9, 30),
        place="社区党群服务中心二楼",
        host="支部书记",
        topic="主题党日：走访慰问独居老人",
    )
    log("memberapp: planned a 主题党日 for the member account's branch")
