"""Who is expected at a meeting: the people (or member units) its attendance list holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangjian.core.access import subtree_q
from dangjian.members.models import Member, State
from dangjian.orgs.models import Office, Organisation, OrgKind

from ..models import Attendance, Meeting, MeetingKind, Seat, StudyGroup

#: Meetings with no attendance list (a leader's supervision visit records the leaders instead).
NO_LIST_KINDS = (MeetingKind.LEADER_VISIT,)


@dataclass(frozen=True)
class Expected:
    """The attendance list of a meeting: members, or the member units (seats) of a body."""

    members: QuerySet[Member] | None = None
    seats: QuerySet[Seat] | None = None

    @property
    def by_seat(self) -> bool:
        return self.seats is not None


def seats_on(*, body_id: int, on: dt.date) -> QuerySet[Seat]:
    """The member units of a body on a date."""
    return Seat.objects.filter(body_id=body_id, joined_on__lte=on).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=on)
    )


def expected_for(meeting: Meeting) -> Expected:
    """The people or units expected at ``meeting``; members already recorded stay on the list
    (someone who has since moved away still attended the meetings they attended)."""
    kind = meeting.kind
    if kind in NO_LIST_KINDS:
        return Expected()
    # Those already recorded, as a subquery: an OR across a join to the attendance rows would
    # defeat the indexes (PostgreSQL then reads every attendance row for every meeting) and
    # repeat each member once per attendance row.
    recorded = Attendance.objects.filter(meeting_id=meeting.pk)
    if kind == MeetingKind.COUNCIL and meeting.body.has_unit_seats:
        on_date = seats_on(body_id=meeting.body_id, on=meeting.date).values("pk")
        seats = Seat.objects.filter(
            Q(pk__in=on_date) | Q(pk__in=recorded.filter(seat__isnull=False).values("seat_id"))
        )
        return Expected(seats=seats.order_by("name", "id"))
    already = Q(pk__in=recorded.filter(member__isnull=False).values("member_id"))
    if kind == MeetingKind.BRANCH_COMMITTEE:
        holders = Office.objects.filter(
            org_id=meeting.org_id,
            title__in=Office.COMMITTEE_TITLES,
            member__isnull=False,
            term_start__lte=meeting.date,
        ).filter(Q(left_on__isnull=True) | Q(left_on__gt=meeting.date))
        who = Q(pk__in=holders.values("member_id"))
    elif kind == MeetingKind.STUDY:
        in_group = StudyGroup.members.through.objects.filter(studygroup_id=meeting.study_group_id)
        who = Q(pk__in=in_group.values("member_id"))
    elif meeting.org.kind == OrgKind.GROUP and meeting.org.parent_id:
        who = group_members_q(meeting.org)
    else:
        # the organisation's own members and those of its groups below
        who = subtree_q("org__path", meeting.org.path)
    members = Member.objects.filter((who & Q(state=State.ACTIVE)) | already)
    return Expected(members=members.order_by("name", "id"))


def group_members_q(group: Organisation) -> Q:
    """Members do not belong to a corridor group on the register (they belong to the branch);
    a group's members are those of its branch who live in the places the group covers — or,
    when it covers none, the whole branch."""
    in_branch = Q(org_id=group.parent_id)
    paths = list(group.places.values_list("path", flat=True))
    if not paths:
        return in_branch
    lives_there = Q(pk__in=[])
    for p in paths:
        lives_there |= subtree_q("household__path", p)
    return in_branch & lives_there


# ---- members away from home ------------------------------------------------------------------
#: words in a care recipient's situation that mean they are in hospital or gravely ill
IN_HOSPITAL_WORDS = ("住院", "病重", "卧床")


def away_marks(meeting: Meeting) -> dict[int, str]:
    """Why some of the members expected at ``meeting`` may not be able to come to ``meeting`` — a mobile member away
    on the meeting's day, a member on the care list who is old and frail or in hospital — as
    ``{member_id: "外出（流动党员活动证）"}``. Two queries whatever the number of members; an
    app that is not installed adds nothing."""
    from django.apps import apps

    on = meeting.date
    marks: dict[int, str] = {}
    expected = expected_for(meeting).members
    if expected is None:
        return marks
    member_ids = expected.order_by().values("pk")
    if apps.is_installed("dangjian.care"):
        from dangjian.care.models import Recipient

        listed = (
            Recipient.objects.filter(member_id__in=member_ids, since__lte=on)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
            .filter(Q(elderly=True) | Q(weak=True) | _situation_q())
            .values_list("member_id", "situation")
        )
        for member_id, situation in listed:
            in_hospital = any(w in (situation or "") for w in IN_HOSPITAL_WORDS)
            marks[member_id] = (
                str(_("关爱对象（住院或病重）")) if in_hospital else str(_("关爱对象（年老体弱）"))
            )
    if apps.is_installed("dangjian.mobility"):
        from dangjian.mobility.models import Outbound

        away = (
            Outbound.objects.filter(member_id__in=member_ids, left_on__lte=on)
            .filter(Q(returned_on__isnull=True) | Q(returned_on__gt=on))
            .values_list("member_id", "card_no", "card_valid_until")
        )
        for member_id, card_no, valid_until in away:
            with_card = bool(card_no) and (valid_until is None or valid_until >= on)
            marks[member_id] = (
                str(_("外出（流动党员活动证）")) if with_card else str(_("外出（流动党员）"))
            )
    return marks


def _situation_q() -> Q:
    q = Q(pk__in=[])
    for w in IN_HOSPITAL_WORDS:
        q |= Q(situation__contains=w)
    return q
