"""Members without organisational life for N months (rule ``member.no_org_life``, Party
constitution art. 9): the branch's list, the meetings each one missed, and how it was handled.

The window is ``[today − N calendar months, today]``, both ends included: a member who attended
(present, or on *excused* leave — ``models.COUNTS_AS_ATTENDED``) a held meeting on the day
exactly N months ago is not listed today, and is listed tomorrow. Pending or refused leave is not
attendance (only the recorded ``Attendance`` counts, and attendance turns only approved leave into
excused absence). A member who arrived in their organisation less than N months ago (joined the
Party, or the latest event that moved them into it: registration, transfer in, internal move) is
not listed: they have not been there long enough to miss N months.

Meetings missed are those of the member's own organisation (not the committee's) and of the
groups below it that cover their home (or cover nothing), held in the window, where the member
was absent or not recorded at all.

Issue 4 (dues) will join "no dues paid for N months" into this list — the same article names
both; the list then shows each member's reasons side by side.

All reads are a fixed number of queries, however many members and meetings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Max
from django.http import Http404

from dangjian.core import rules
from dangjian.core.access import CHANGE, VIEW, get_visible_or_404, scope_for, subtree_q
from dangjian.members.models import EventKind, Member, MemberEvent, State
from dangjian.orgs.models import Organisation, OrgKind

from ..models import (
    COUNTS_AS_ATTENDED,
    PARTY_LIFE_KINDS,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    NoLifeCase,
)
from .mine import add_months

RULE = "member.no_org_life"
#: Events that put a member into an organisation (the start of their time there).
MOVE_IN = (EventKind.REGISTERED, EventKind.TRANSFER_IN, EventKind.INTERNAL_MOVE)


@dataclass(frozen=True)
class Missed:
    meeting_id: int
    date: dt.date
    topic: str
    kind_label: str
    org_name: str
    recorded: bool  # False: the member is not on the meeting's attendance at all


@dataclass
class Row:
    member_id: int
    name: str
    org: Organisation
    since: dt.date  # arrived in the organisation
    last_attended: dt.date | None
    months: int
    start: dt.date
    missed: list[Missed] = field(default_factory=list)
    cases: list[NoLifeCase] = field(default_factory=list)
    home: str = ""  # the path of the member's household, to match the groups covering it
    no_life: bool = True  # listed for no organisational life (False: for dues alone)
    unpaid_months: int = 0  # months in a row without dues and without a good reason
    no_work: bool = False  # held a post the whole window and did nothing recorded for it
    last_deed: dt.date | None = None

    @property
    def unpaid_too(self) -> bool:
        return self.unpaid_months >= self.months


@dataclass
class Section:
    org: Organisation
    months: int
    start: dt.date
    rows: list[Row]


@dataclass
class NoLifeList:
    root: Organisation
    today: dt.date
    sections: list[Section]
    rule: rules.Rule

    @property
    def rows(self) -> list[Row]:
        return [r for s in self.sections for r in s.rows]


def org_or_404(*, user: Any, pk: Any, action: str = VIEW) -> Organisation:
    """An organisation the user holds a grant on (or below one); a plain member's own branch is
    not enough — the list is the branch committee's business. Otherwise 404."""
    org = get_visible_or_404(Organisation.objects.all(), user, action=action, pk=pk)
    if not scope_for(user).reaches_path(org.path, action):
        raise Http404
    return org


def default_org(user: Any) -> Organisation | None:
    """The user's top organisation they hold a grant on."""
    scope = scope_for(user)
    if not scope.is_staff_role:
        return None
    qs = Organisation.objects.visible_to(user).filter(is_active=True)
    if not scope.everything:
        qs = qs.filter(path__in=scope.view_paths)
    return qs.order_by("depth", "path").first()


def _months_by_org(root: Organisation, orgs: list[Organisation]) -> dict[int, int]:
    """N for every organisation of the subtree, honouring locality overrides (one query at most)."""
    default = rules.effective(RULE)["months"]
    if not rules.override_org_codes():
        return {o.pk: int(default) for o in orgs}
    codes = {o.pk: o.code for o in orgs}
    codes.update(Organisation.objects.filter(pk__in=root.ancestor_ids()).values_list("pk", "code"))
    out = {}
    for o in orgs:
        chain = tuple(codes[i] for i in o.ancestor_ids() if i in codes)
        out[o.pk] = int(rules.effective(RULE, org_codes=chain)["months"])
    return out


def no_life_list(
    *, user: Any, org: Organisation | int, today: dt.date, member_id: int | None = None
) -> NoLifeList:
    """The members of ``org`` and the organisations below it without organisational life,
    grouped by their organisation (a branch, or each branch of a community)."""
    root = org if isinstance(org, Organisation) else org_or_404(user=user, pk=org)
    if isinstance(org, Organisation) and not scope_for(user).reaches_path(root.path):
        raise Http404
    orgs = list(
        Organisation.objects.visible_to(user).filter(subtree_q("path", root.path)).order_by("path")
    )
    by_id = {o.pk: o for o in orgs}
    months = _months_by_org(root, orgs)
    starts = {pk: add_months(today, -n) for pk, n in months.items()}
    earliest = min(starts.values(), default=today)

    members_qs = Member.objects.visible_to(user).filter(
        subtree_q("org__path", root.path), state=State.ACTIVE
    )
    if member_id is not None:
        members_qs = members_qs.filter(pk=member_id)
    members = list(
        members_qs.values_list("pk", "name", "org_id", "joined_on", "household__path").order_by(
            "org__path", "name", "pk"
        )
    )
    arrived = dict(
        MemberEvent.objects.filter(
            member__in=members_qs, kind__in=MOVE_IN, org_id=F("member__org_id")
        )
        .values("member_id")
        .annotate(d=Max("date"))
        .values_list("member_id", "d")
    )
    last = dict(
        Attendance.objects.filter(
            member__in=members_qs,
            status__in=COUNTS_AS_ATTENDED,
            meeting__cancelled=False,
            meeting__date__lte=today,
        )
        .values("member_id")
        .annotate(d=Max("meeting__date"))
        .values_list("member_id", "d")
    )

    listed: list[Row] = []
    for pk, name, org_id, joined_on, home in members:
        start = starts[org_id]
        since = max(d for d in (joined_on, arrived.get(pk)) if d is not None)
        if since > start:
            continue
        seen = last.get(pk)
        if seen is not None and seen >= start:
            continue
        row = Row(
            member_id=pk,
            name=name,
            org=by_id[org_id],
            since=since,
            last_attended=seen,
            months=months[org_id],
            start=start,
            home=home or "",
        )
        listed.append(row)
    if listed:
        _add_missed(user, root, listed, by_id, earliest, today)
    listed = _with_dues(listed, members, by_id, months, starts, last, today)
    listed = _with_work(listed, members, by_id, months, starts, last)
    if not listed:
        return NoLifeList(root=root, today=today, sections=[], rule=rules.get(RULE))

    cases: dict[int, list[NoLifeCase]] = defaultdict(list)
    for case in (
        NoLifeCase.objects.visible_to(user)
        .filter(member_id__in=[r.member_id for r in listed])
        .select_related("handled_by")
        .order_by("-handled_on", "-id")
    ):
        cases[case.member_id].append(case)
    sections: dict[int, Section] = {}
    for r in listed:
        r.cases = cases.get(r.member_id, [])
        sec = sections.get(r.org.pk)
        if sec is None:
            sec = sections[r.org.pk] = Section(org=r.org, months=r.months, start=r.start, rows=[])
        sec.rows.append(r)
    return NoLifeList(
        root=root, today=today, sections=list(sections.values()), rule=rules.get(RULE)
    )


def _with_dues(
    listed: list[Row],
    members: list[tuple],
    by_id: dict[int, Organisation],
    months: dict[int, int],
    starts: dict[int, dt.date],
    last: dict[int, dt.date],
    today: dt.date,
) -> list[Row]:
    """Art. 9 names three failings, any one of which for six months without a good reason puts
    a member on the list: no organisational life, no dues, no assigned work. Add the months of
    unpaid dues to every row, and the members listed for their dues alone (3 queries)."""
    from dangjian.dues.selectors import unpaid_streaks

    streaks = unpaid_streaks([m[0] for m in members], today=today)
    for r in listed:
        r.unpaid_months = streaks.get(r.member_id, 0)
    seen = {r.member_id for r in listed}
    for pk, name, org_id, joined_on, home in members:
        if pk in seen or streaks.get(pk, 0) < months[org_id]:
            continue
        listed.append(
            Row(
                member_id=pk,
                name=name,
                org=by_id[org_id],
                since=joined_on,
                last_attended=last.get(pk),
                months=months[org_id],
                start=starts[org_id],
                home=home or "",
                no_life=False,
                unpaid_months=streaks[pk],
            )
        )
    listed.sort(key=lambda r: (r.org.path, r.name, r.member_id))
    return listed


def _with_work(
    listed: list[Row],
    members: list[tuple],
    by_id: dict[int, Organisation],
    months: dict[int, int],
    starts: dict[int, dt.date],
    last: dict[int, dt.date],
) -> list[Row]:
    """The third failing of art. 9: not doing the work the Party assigned. A member has been
    assigned work when they held a post (设岗定责 / 一人一职) for the whole window; they did none
    of it when no deed of theirs (the one record of what members do) falls in the window. A
    member without a post is not listed for this: nothing was assigned. Two queries."""
    from dangjian.commitments.models_posts import PostHolder
    from dangjian.deeds.selectors import last_deed_on

    ids = [m[0] for m in members]
    if not ids:
        return listed
    held: dict[int, dt.date] = {}
    for mid, since in PostHolder.objects.filter(member_id__in=ids, until__isnull=True).values_list(
        "member_id", "since"
    ):
        held[mid] = min(since, held.get(mid, since))
    if not held:
        return listed
    deeds = last_deed_on(list(held))
    rows = {r.member_id: r for r in listed}
    for pk, name, org_id, joined_on, home in members:
        since = held.get(pk)
        if since is None or since > starts[org_id]:
            continue
        done = deeds.get(pk)
        if done is not None and done >= starts[org_id]:
            continue
        row = rows.get(pk)
        if row is None:
            row = rows[pk] = Row(
                member_id=pk,
                name=name,
                org=by_id[org_id],
                since=joined_on,
                last_attended=last.get(pk),
                months=months[org_id],
                start=starts[org_id],
                home=home or "",
                no_life=False,
            )
            listed.append(row)
        row.no_work = True
        row.last_deed = done
    listed.sort(key=lambda r: (r.org.path, r.name, r.member_id))
    return listed


def _add_missed(
    user: Any,
    root: Organisation,
    listed: list[Row],
    by_id: dict[int, Organisation],
    earliest: dt.date,
    today: dt.date,
) -> None:
    """Fill ``missed`` of each row: two queries (meetings, their attendance of these members)
    and one for the places the groups cover."""
    meetings = list(
        Meeting.objects.visible_to(user)
        .filter(
            subtree_q("org__path", root.path),
            cancelled=False,
            date__gte=earliest,
            date__lte=today,
            kind__in=PARTY_LIFE_KINDS,
        )
        .values_list("pk", "org_id", "date", "topic", "kind")
        .order_by("date", "pk")
    )
    groups = [o.pk for o in by_id.values() if o.kind == OrgKind.GROUP]
    covers: dict[int, list[str]] = defaultdict(list)
    for gid, path in Organisation.places.through.objects.filter(
        organisation_id__in=groups
    ).values_list("organisation_id", "place__path"):
        covers[gid].append(path)
    recorded: dict[tuple[int, int], str] = dict(
        (
            ((mid, mem), status)
            for mid, mem, status in Attendance.objects.filter(
                meeting_id__in=[m[0] for m in meetings],
                member_id__in=[r.member_id for r in listed],
            ).values_list("meeting_id", "member_id", "status")
        )
    )
    labels = dict(MeetingKind.choices)
    for row in listed:
        home = row.home
        for mid, org_id, date, topic, kind in meetings:
            if date < row.start:
                continue
            status = recorded.get((mid, row.member_id))
            if status is None:
                if kind == MeetingKind.BRANCH_COMMITTEE:
                    continue
                mo = by_id.get(org_id)
                if mo is None:
                    continue
                expected = org_id == row.org.pk or (
                    mo.kind == OrgKind.GROUP
                    and mo.parent_id == row.org.pk
                    and (not covers[org_id] or any(home.startswith(p) for p in covers[org_id]))
                    and (home or not covers[org_id])
                )
                if not expected:
                    continue
            elif status != AttendanceStatus.ABSENT:
                continue  # cannot happen for a listed member; kept for safety
            row.missed.append(
                Missed(
                    meeting_id=mid,
                    date=date,
                    topic=topic,
                    kind_label=str(labels.get(kind, kind)),
                    org_name=by_id[org_id].name if org_id in by_id else "",
                    recorded=status is not None,
                )
            )


def last_attended(*, member_id: int, today: dt.date) -> dt.date | None:
    """The date of the member's last organisational life up to ``today`` (a service reads this
    for the member it was handed, already checked by the caller)."""
    return Attendance.objects.filter(
        member_id=member_id,
        status__in=COUNTS_AS_ATTENDED,
        meeting__cancelled=False,
        meeting__date__lte=today,
    ).aggregate(d=Max("meeting__date"))["d"]


def member_or_404(*, user: Any, org: Organisation, pk: Any, action: str = CHANGE) -> Member:
    """An active member of ``org``'s subtree the user may change, else 404."""
    qs = Member.objects.filter(subtree_q("org__path", org.path), state=State.ACTIVE).select_related(
        "org"
    )
    member = get_visible_or_404(qs, user, action=action, pk=pk)
    if not scope_for(user).reaches_path(member.org.path, action):
        raise Http404
    return member
