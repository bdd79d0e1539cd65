"""Reads of study groups by member category (分类学习): the groups, a group's sessions (meetings
of kind STUDY naming it) and each member's attendance over a year, and the members one may add.
Every read is a fixed number of queries, however many groups, members or sessions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangjian.core.access import CHANGE, VIEW, get_visible_or_404, subtree_q
from dangjian.members.models import Member, State
from dangjian.members.selectors import members_visible
from dangjian.orgs.models import Organisation, OrgKind

from ..models import Attendance, AttendanceStatus, Meeting, MeetingKind, StudyGroup
from ..selectors.meetings import with_counts
from .bodies import default_org as default_org  # noqa: PLC0414
from .bodies import org_or_404 as org_or_404  # noqa: PLC0414

#: How many search results the member picker shows at once.
PICK_LIMIT = 50


def groups_visible(*, user: Any, org: Organisation | None = None) -> QuerySet[StudyGroup]:
    qs = StudyGroup.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("org__path", org.path))
    return (
        qs.select_related("org")
        .annotate(
            n_members=Count("members", distinct=True),
            n_sessions=Count("sessions", filter=Q(sessions__cancelled=False), distinct=True),
        )
        .order_by("-is_active", "org__path", "name")
    )


def orgs_for_groups(*, user: Any) -> QuerySet[Organisation]:
    return (
        Organisation.objects.changeable_by(user)
        .filter(is_active=True)
        .exclude(kind=OrgKind.GROUP)
        .order_by("path")
    )


def group_or_404(*, user: Any, pk: Any, action: str = VIEW) -> StudyGroup:
    return get_visible_or_404(StudyGroup.objects.select_related("org"), user, action=action, pk=pk)


def sessions_of(group: StudyGroup, *, year: int) -> list[Meeting]:
    return list(
        with_counts(
            Meeting.objects.filter(study_group=group, kind=MeetingKind.STUDY, date__year=year)
        ).order_by("date", "id")
    )


@dataclass
class MemberLine:
    member_id: int
    name: str
    org_name: str
    in_group: bool
    present: int = 0
    excused: int = 0
    absent: int = 0

    @property
    def recorded(self) -> int:
        return self.present + self.excused + self.absent


def member_lines(group: StudyGroup, *, year: int) -> list[MemberLine]:
    """Each member of the group (and anyone recorded at its sessions this year who has since
    left it) with their present / excused / absent counts over ``year``. Three queries at most."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for member_id, status, n in (
        Attendance.objects.filter(
            meeting__study_group=group,
            meeting__kind=MeetingKind.STUDY,
            meeting__cancelled=False,
            meeting__date__year=year,
            member__isnull=False,
        )
        .values_list("member_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[member_id][status] = n
    members = list(group.members.select_related("org").order_by("name", "id"))
    inside = {m.pk for m in members}
    former = [i for i in counts if i not in inside]
    if former:
        members += list(Member.objects.filter(pk__in=former).select_related("org").order_by("name"))
    return [
        MemberLine(
            member_id=m.pk,
            name=m.name,
            org_name=m.org.name,
            in_group=m.pk in inside,
            present=counts[m.pk][AttendanceStatus.PRESENT],
            excused=counts[m.pk][AttendanceStatus.EXCUSED],
            absent=counts[m.pk][AttendanceStatus.ABSENT],
        )
        for m in members
    ]


def candidates(
    *, user: Any, group: StudyGroup, q: str = "", category: str | None = None
) -> list[Member]:
    """Members of the group's organisation (and below) not yet in it, matching ``q`` (name,
    pinyin, initials) and ``category``; at most ``PICK_LIMIT``."""
    qs = members_visible(
        user=user, org=group.org, q=q or None, category=category or None, state=State.ACTIVE
    ).exclude(study_groups=group)
    return list(qs.select_related("org")[:PICK_LIMIT])


def members_for_add(*, user: Any, group: StudyGroup, ids: list[int]) -> list[Member]:
    """The members named by ``ids`` the user may add (within the group's organisation)."""
    return list(
        Member.objects.changeable_by(user)
        .filter(subtree_q("org__path", group.org.path), pk__in=ids)
        .select_related("org")
    )


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


__all__ = [
    "CHANGE",
    "candidates",
    "group_or_404",
    "groups_visible",
    "member_lines",
    "members_for_add",
    "orgs_for_groups",
    "sessions_of",
]
