"""Meetings, bodies and seats for tests, through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from dangjian.meetings import services
from dangjian.meetings.models import Body, BodyKind, Meeting, MeetingKind, Seat
from dangjian.orgs.models import Organisation, ResidentUnit

_seq = itertools.count(1)


def make_meeting(
    *,
    org: Organisation,
    kind: str = MeetingKind.BRANCH_GENERAL,
    date: dt.date = dt.date(2026, 3, 15),
    topic: str | None = None,
    user: Any = None,
    **fields: Any,
) -> Meeting:
    return services.meeting_create(
        org=org,
        acting_user=user,
        kind=kind,
        date=date,
        topic=topic or f"测试会议{next(_seq)}",
        **fields,
    )


def make_body(*, org: Organisation, kind: str = BodyKind.JOINT, name: str | None = None) -> Body:
    return services.body_create(
        acting_user=None, org=org, kind=kind, name=name or f"{org.name}党建联席会"
    )


def make_unit(
    *, community: Organisation, name: str | None = None, head: str = "赵主任"
) -> ResidentUnit:
    return ResidentUnit.objects.create(
        community=community,
        name=name or f"测试单位{next(_seq)}",
        kind=ResidentUnit.Kind.SCHOOL,
        head=head,
    )


def make_seat(
    *, body: Body, unit: ResidentUnit | None = None, joined_on=dt.date(2025, 1, 1)
) -> Seat:
    unit = unit or make_unit(community=body.org)
    return services.seat_create(body=body, unit=unit, acting_user=None, joined_on=joined_on)
