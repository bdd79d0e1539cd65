"""A few records of every kind the dashboard counts, in the cast's street A, through the real
services where they exist (plain rows where only the dashboard reads them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.cobuild.models import StarRating
from dangjian.meetings.models import MeetingKind
from dangjian.orgs.models import OrgKind, PlaceKind
from dangjian.servicedesk import services as desk
from dangjian.servicedesk.models import Channel, Request
from tests.factories import make_member, make_org, make_place
from tests.meetings.factories import make_meeting, make_unit


def receive(community, on: dt.date, *, done: dt.date | None = None, deadline=None) -> Request:
    r = desk.request_receive(
        acting_user=None,
        community=community,
        channel=Channel.HALL,
        category="repair",
        resident_name="王大妈",
        content="厨房水管漏水",
        received_on=on,
        deadline=deadline or on + dt.timedelta(days=5),
        today=on,
    )
    if done is not None:
        Request.objects.filter(pk=r.pk).update(done_on=done, state="done")
    return r


def fill_community(community, *, year: int, n: int = 1) -> None:
    """A covered building with a covered corridor, an uncovered building, a branch with a
    member, a meeting, a request and a rated resident unit — ``n`` of each where it counts."""
    root = make_place(parent=None, community=community, name=f"{community.name}区域")
    grid = make_place(parent=root, community=community, kind=PlaceKind.GRID)
    b1 = make_place(parent=grid, community=community, kind=PlaceKind.BUILDING)
    c1 = make_place(parent=b1, community=community, kind=PlaceKind.CORRIDOR)
    make_place(parent=grid, community=community, kind=PlaceKind.BUILDING)
    branch = make_org(parent=community, kind=OrgKind.BUILDING_BRANCH)
    group = make_org(parent=branch, kind=OrgKind.GROUP)
    branch.places.add(b1)
    group.places.add(c1)
    for _ in range(n):
        make_member(org=branch)
        make_meeting(org=branch, kind=MeetingKind.BRANCH_GENERAL, date=dt.date(year, 2, 10))
        receive(community, dt.date(year, 3, 2), done=dt.date(year, 3, 4))
        unit = make_unit(community=community)
        StarRating.objects.create(
            unit=unit, year=year, proposed=3, stars=3, decided_on=dt.date(year, 3, 1)
        )


@pytest.fixture
def today():
    return timezone.localdate()
