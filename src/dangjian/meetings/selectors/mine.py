"""A member's own organisational life: the meetings they are expected at, their leave requests
and their attendance record. Everything here is about the member linked to the user — never
another member — so a guessed id of someone else's meeting or leave is a 404.

Which meetings a member sees follows ``selectors.attendees.expected_for`` without evaluating
it per meeting: the meetings of their own organisation (a committee meeting only if they hold a
committee office there), of the groups below it whose places cover their home (or that cover
none), of the organisations above it that invite every member below (not the unit-seat councils),
and the sessions of the study groups they belong to. One query, however many meetings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangjian.core.access import scope_for
from dangjian.members.models import Member
from dangjian.orgs.models import Office, Organisation, OrgKind

from ..models import (
    UNIT_BODY_KINDS,
    Attendance,
    AttendanceStatus,
    LeaveRequest,
    LeaveState,
    Meeting,
    MeetingKind,
)
from .attendees import NO_LIST_KINDS

#: How far back "my attendance record" reaches (a display window, not a rule of §13).
RECORD_MONTHS = 12


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (or earlier when negative); the last day
    of the month when the month is shorter (31 August − 6 months = 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def member_of(user: Any) -> Member | None:
    """The member record linked to ``user`` (through the access scope), or ``None``."""
    member_id = scope_for(user).member_id
    if member_id is None:
        return None
    return (
        Member.objects.visible_to(user)
        .select_related("org", "household")
        .filter(pk=member_id)
        .first()
    )


def member_or_404(user: Any) -> Member:
    member = member_of(user)
    if member is None:
        raise Http404
    return member


def _prefixes(path: str) -> list[str]:
    """ "1/2/3/" → ["1/", "1/2/", "1/2/3/"]: the place and every place above it."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def my_meetings_q(member: Member) -> Q:
    """The meetings ``member`` is expected at (see the module docstring)."""
    covers = Organisation.places.through.objects.filter(organisation_id=OuterRef("org_id"))
    home = member.household.path if member.household_id else ""
    group_covers_home = (
        Exists(covers.filter(place__path__in=_prefixes(home))) if home else Q(pk__in=[])
    )
    holds_office = Exists(
        Office.objects.filter(
            org_id=OuterRef("org_id"),
            member_id=member.pk,
            title__in=Office.COMMITTEE_TITLES,
            left_on__isnull=True,
        )
    )
    own = Q(org_id=member.org_id) & (~Q(kind=MeetingKind.BRANCH_COMMITTEE) | holds_office)
    group = Q(org__parent_id=member.org_id, org__kind=OrgKind.GROUP) & (
        ~Exists(covers) | group_covers_home
    )
    above_ids = member.org.ancestor_ids()[:-1]
    above = Q(org_id__in=above_ids) & ~Q(body__kind__in=UNIT_BODY_KINDS)
    general = ~Q(kind__in=[*NO_LIST_KINDS, MeetingKind.BRANCH_COMMITTEE, MeetingKind.STUDY])
    study = Q(kind=MeetingKind.STUDY, study_group__members=member.pk)
    return ((own | group | above) & general) | study | (own & Q(kind=MeetingKind.BRANCH_COMMITTEE))


def my_meetings(member: Member) -> QuerySet[Meeting]:
    return Meeting.objects.filter(my_meetings_q(member)).distinct()


@dataclass
class Upcoming:
    meeting: Meeting
    leave: LeaveRequest | None  # the open or most recent request, withdrawn ones left out

    @property
    def can_ask(self) -> bool:
        return self.leave is None or self.leave.state == LeaveState.REFUSED

    @property
    def can_withdraw(self) -> bool:
        return self.leave is not None and self.leave.state in (
            LeaveState.PENDING,
            LeaveState.APPROVED,
        )


def upcoming(*, member: Member, today: dt.date) -> list[Upcoming]:
    """Meetings from today on, not cancelled, earliest first, each with the member's leave."""
    meetings = list(
        my_meetings(member)
        .filter(date__gte=today, cancelled=False)
        .select_related("org", "study_group", "body")
        .order_by("date", "start_time", "id")
    )
    leaves: dict[int, LeaveRequest] = {}
    for lr in (
        LeaveRequest.objects.filter(member=member, meeting_id__in=[m.pk for m in meetings])
        .exclude(state=LeaveState.WITHDRAWN)
        .order_by("created_at", "id")
    ):
        leaves[lr.meeting_id] = lr  # the latest wins
    return [Upcoming(meeting=m, leave=leaves.get(m.pk)) for m in meetings]


def upcoming_meeting_or_404(*, member: Member, pk: Any, today: dt.date) -> Meeting:
    """One of the member's upcoming meetings, else 404 (someone else's, past or missing)."""
    try:
        return (
            my_meetings(member).select_related("org").get(pk=pk, date__gte=today, cancelled=False)
        )
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def my_leave_or_404(*, user: Any, member: Member, pk: Any) -> LeaveRequest:
    """One of the member's own leave requests, else 404."""
    try:
        return (
            LeaveRequest.objects.visible_to(user)
            .select_related("meeting")
            .get(pk=pk, member_id=member.pk)
        )
    except (LeaveRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass
class Record:
    """The member's attendance over the last ``RECORD_MONTHS`` months."""

    start: dt.date
    end: dt.date
    rows: list[Attendance]
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def attendance_record(*, user: Any, member: Member, today: dt.date | None = None) -> Record:
    today = today or timezone.localdate()
    start = add_months(today, -RECORD_MONTHS)
    rows = list(
        Attendance.objects.visible_to(user)
        .filter(
            member_id=member.pk,
            meeting__cancelled=False,
            meeting__date__gte=start,
            meeting__date__lte=today,
        )
        .select_related("meeting", "meeting__org")
        .order_by("-meeting__date", "-meeting_id")
    )
    totals = {s: 0 for s in AttendanceStatus.values}
    for r in rows:
        totals[r.status] += 1
    return Record(start=start, end=today, rows=rows, totals=totals)
