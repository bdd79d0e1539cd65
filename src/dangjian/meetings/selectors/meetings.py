"""Reads of the meeting pages: the list, one meeting, its tick list, its quorum, the ledger.

Every function takes ``user`` (or a meeting already fetched through ``visible_to``) and starts
from a scoped queryset. Counts per meeting are annotations, so a page of 50 meetings costs the
same number of queries as a page of 5.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from dangjian.core import rules
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.members.labels import duplicate_hints
from dangjian.members.models import Status
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS, Organisation, OrgKind

from ..models import (
    PARTY_LIFE_KINDS,
    Attendance,
    AttendanceStatus,
    Body,
    Criticism,
    LeaderLink,
    LeaveRequest,
    LeaveState,
    Meeting,
    MeetingFile,
    MeetingKind,
    StudyGroup,
)
from .attendees import expected_for

#: Sortable columns of the list.
SORTS = {"date": ("date", "id"), "-date": ("-date", "-id")}
DEFAULT_SORT = "-date"

P, E, A = AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT


def today() -> dt.date:
    return timezone.localdate()


def with_counts(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Each meeting with ``n_present``, ``n_excused``, ``n_absent`` and ``n_expected``
    (the rows recorded; 0 before attendance is taken)."""
    return qs.annotate(
        n_present=Count("attendance", filter=Q(attendance__status=P)),
        n_excused=Count("attendance", filter=Q(attendance__status=E)),
        n_absent=Count("attendance", filter=Q(attendance__status=A)),
        n_expected=Count("attendance"),
        # a subquery, not a second join: joining leave rows too would multiply the counts above
        n_leave_pending=Subquery(
            LeaveRequest.objects.filter(meeting=OuterRef("pk"), state=LeaveState.PENDING)
            .order_by()
            .values("meeting")
            .annotate(c=Count("id"))
            .values("c")[:1]
        ),
    )


def meetings_visible(
    *,
    user: Any,
    org: Organisation | None = None,
    kind: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    body: int | None = None,
    q: str | None = None,
    sort: str | None = None,
    cancelled: bool | None = None,
) -> QuerySet[Meeting]:
    """The meetings the user may see, filtered; ``org`` includes its subtree."""
    qs = Meeting.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("org__path", org.path))
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    if body:
        qs = qs.filter(body_id=body)
    if q:
        qs = qs.filter(topic__icontains=q.strip())
    if cancelled is not None:
        qs = qs.filter(cancelled=cancelled)
    return with_counts(qs.select_related("org", "body")).order_by(
        *SORTS.get(sort or "", SORTS[DEFAULT_SORT])
    )


def orgs_for_meetings(*, user: Any, action: str = "view") -> QuerySet[Organisation]:
    """Organisations the user may see (or hold meetings for, with ``action=CHANGE``)."""
    base = (
        Organisation.objects.changeable_by(user)
        if action == CHANGE
        else Organisation.objects.visible_to(user)
    )
    return base.filter(is_active=True).order_by("path")


def bodies_visible(*, user: Any) -> QuerySet[Body]:
    return Body.objects.visible_to(user).filter(is_active=True).order_by("org__path", "name")


def can_change(user: Any, meeting: Meeting) -> bool:
    return scope_for(user).reaches_path(meeting.org.path, CHANGE)


def can_create(user: Any) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.change_paths)


# ---- what an organisation may hold ---------------------------------------------------------
@dataclass(frozen=True)
class Options:
    """The choices a meeting form of ``org`` offers."""

    kinds: list[tuple[str, str]]
    bodies: QuerySet[Body]
    study_groups: QuerySet[StudyGroup]
    leaders: QuerySet[LeaderLink]


def options_for(org: Organisation) -> Options:
    """Kinds sensible for ``org``: a branch holds the 三会一课 and the like, a group its group
    meeting; councils, study sessions and leader visits only where the organisation has a body,
    a study group or linked county leaders."""
    bodies = Body.objects.filter(org=org, is_active=True).order_by("name")
    groups = StudyGroup.objects.filter(org=org, is_active=True).order_by("name")
    leaders = LeaderLink.objects.filter(community=org).filter(
        Q(until__isnull=True) | Q(until__gte=today() - dt.timedelta(days=366))
    )
    if org.kind == OrgKind.GROUP:
        base: tuple[str, ...] = (MeetingKind.GROUP, MeetingKind.PARTY_LECTURE)
    elif org.kind in BRANCH_KINDS or org.kind in COMMUNITY_KINDS:
        base = tuple(k for k in PARTY_LIFE_KINDS if k != MeetingKind.GROUP)
    else:  # a street, town or county: lectures and theme days for its own members
        base = (MeetingKind.PARTY_LECTURE, MeetingKind.THEME_DAY)
    kinds = list(base)
    # one query for the three "has any" checks
    has = Organisation.objects.filter(pk=org.pk).aggregate(
        b=Count("bodies", filter=Q(bodies__is_active=True), distinct=True),
        s=Count("study_groups", filter=Q(study_groups__is_active=True), distinct=True),
        l=Count("leader_links", distinct=True),
    )
    if has["b"]:
        kinds.append(MeetingKind.COUNCIL)
    if has["s"]:
        kinds.append(MeetingKind.STUDY)
    if has["l"]:
        kinds.append(MeetingKind.LEADER_VISIT)
    return Options(
        kinds=[(k, MeetingKind(k).label) for k in kinds],
        bodies=bodies,
        study_groups=groups,
        leaders=leaders,
    )


# ---- one meeting ---------------------------------------------------------------------------
def meeting_for(*, user: Any, pk: int, action: str = "view") -> Meeting | None:
    qs = (
        Meeting.objects.changeable_by(user)
        if action == CHANGE
        else Meeting.objects.visible_to(user)
    )
    return (
        with_counts(qs.select_related("org", "body", "study_group", "lecturer"))
        .filter(pk=pk)
        .first()
    )


def attendance_of(*, user: Any, meeting: Meeting) -> list[Attendance]:
    """The recorded rows the user may see (a plain member sees their own), absent first."""
    rows = (
        Attendance.objects.visible_to(user).filter(meeting=meeting).select_related("member", "seat")
    )
    order = {A: 0, E: 1, P: 2}
    return sorted(rows, key=lambda r: (order.get(r.status, 3), _name(r), r.pk))


def _name(row: Attendance) -> str:
    if row.member_id:
        return row.member.name
    return row.seat.name if row.seat_id else ""


def leave_requests_of(*, user: Any, meeting: Meeting) -> list[LeaveRequest]:
    return list(
        LeaveRequest.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("member", "decided_by")
        .order_by("created_at", "id")
    )


def files_of(*, user: Any, meeting: Meeting) -> list[MeetingFile]:
    return list(
        MeetingFile.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "id")
    )


def criticisms_of(*, user: Any, meeting: Meeting) -> list[Criticism]:
    return list(Criticism.objects.visible_to(user).filter(meeting=meeting).select_related("seat"))


@dataclass(frozen=True)
class Quorum:
    """Whether a branch general meeting could vote: full members present against expected."""

    expected: int
    present: int
    fraction: float
    recorded: bool

    @property
    def needed(self) -> int:
        """The fewest present that is *more than* the fraction of those expected."""
        return int(self.expected * self.fraction) + 1

    @property
    def ok(self) -> bool:
        return self.present > self.expected * self.fraction


def quorum_of(meeting: Meeting) -> Quorum | None:
    """For a branch general meeting (rule ``meeting.general_vote``): full members present
    versus full members expected. Before attendance is taken, ``present`` is 0."""
    if meeting.kind != MeetingKind.BRANCH_GENERAL:
        return None
    fraction = rules.value("meeting.general_vote", "quorum_fraction", org=meeting.org)
    recorded = meeting.attendance_taken_at is not None
    if recorded:
        agg = Attendance.objects.filter(meeting=meeting, member__status=Status.FULL).aggregate(
            expected=Count("pk"), present=Count("pk", filter=Q(status=P))
        )
        return Quorum(agg["expected"], agg["present"], fraction, True)
    members = expected_for(meeting).members
    expected = members.filter(status=Status.FULL).count() if members is not None else 0
    return Quorum(expected, 0, fraction, False)


# ---- the tick list -------------------------------------------------------------------------
@dataclass
class Line:
    """One line of the tick list: a member or a member unit, and what is recorded (or
    proposed) for them."""

    id: int
    name: str
    note: str
    status: str
    reason: str = ""
    attendee: str = ""
    leave: str = ""  # "approved" / "pending" when a request exists
    leave_reason: str = ""
    #: why the member may be away (流动党员 with a card, 关爱对象): shown on the attendance form
    away: str = ""
    error: str = ""
    #: what tells the member from another of the same name on the list (birth year, …)
    hint: str = ""


def tick_list(meeting: Meeting) -> tuple[bool, list[Line]] | None:
    """``(by_seat, lines)`` for the attendance page, or None when the kind keeps no list.
    Everybody is present by default; recorded rows keep their status; approved leave is
    pre-set to excused with its reason."""
    expected = expected_for(meeting)
    if expected.members is None and expected.seats is None:
        return None
    by_seat = expected.by_seat
    field = "seat_id" if by_seat else "member_id"
    recorded = {getattr(a, field): a for a in Attendance.objects.filter(meeting=meeting)}
    lines: list[Line] = []
    if by_seat:
        for seat in expected.seats:
            row = recorded.get(seat.pk)
            lines.append(
                Line(
                    id=seat.pk,
                    name=seat.name,
                    note=seat.head,
                    status=row.status if row else P,
                    reason=row.reason if row else "",
                    attendee=row.attendee if row else "",
                )
            )
        return True, lines
    leaves = {
        lr.member_id: lr
        for lr in LeaveRequest.objects.filter(
            meeting=meeting, state__in=[LeaveState.APPROVED, LeaveState.PENDING]
        )
    }
    members = list(expected.members.select_related("org"))
    for member, hint in zip(members, duplicate_hints(members), strict=True):
        row = recorded.get(member.pk)
        lr = leaves.get(member.pk)
        line = Line(
            id=member.pk,
            name=member.name,
            note=member.org.name if member.org_id != meeting.org_id else "",
            status=row.status if row else P,
            reason=row.reason if row else "",
            leave=lr.state if lr else "",
            leave_reason=lr.reason if lr else "",
            hint=hint,
        )
        if row is None and lr is not None and lr.state == LeaveState.APPROVED:
            line.status, line.reason = E, lr.reason
        lines.append(line)
    return False, lines


# ---- the ledger ----------------------------------------------------------------------------
def ledger(
    *,
    user: Any,
    org: Organisation,
    date_from: dt.date | None,
    date_to: dt.date | None,
    kind: str | None = None,
) -> QuerySet[Meeting]:
    """Meetings held by ``org`` and its subtree in a period (of one ``kind``, or all), oldest
    first, with counts and the absent rows prefetched (one query for all of them)."""
    absent = Attendance.objects.filter(status=A).select_related("member", "seat").order_by("id")
    qs = meetings_visible(
        user=user,
        org=org,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        cancelled=False,
        sort="date",
    )
    return qs.prefetch_related(Prefetch("attendance", queryset=absent, to_attr="absent_rows"))


def absent_names(meeting: Meeting) -> str:
    return "、".join(_name(r) for r in getattr(meeting, "absent_rows", []))


def excused_text(rows: list[Attendance]) -> str:
    return "；".join(f"{_name(r)}（{r.reason}）" if r.reason else _name(r) for r in rows)
