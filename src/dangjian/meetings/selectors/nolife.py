"""Members without organisational life for N months (rule ``member.no_org_life``, Party
constitution art. 9): the branch's list, the meetings each one missed, and how it was handled.

The window is ``[today − N calendar months, today]``, both ends included: a member who attended
(present, or on *excused* leave — ``models.COUNTS_AS_ATTENDED``) a held meeting on the day
exactly N months ago is not listed today, and is listed tomorrow. Pending or refused leave is not
attendance (only the recorded ``Attendance`` counts, and attendance turns only approved leave into
excused absence). A member who arrived in their organisation less than N months ago (joined the
Party, or the latest event that moved them into it: registration, transfer in, internal move) is
not listed: they have not been there long enough to miss N months. A member put on the register
by a roster import has been there, as far as anybody knows, since the import (the event the
import writes carries the day they joined the Party): imported today, they have 0 months.

Meetings missed are those of the member's own organisation (not the committee's) and of the
groups below it that cover their home (or cover nothing), held in the window, where the member
was absent or not recorded at all.

Issue 4 (dues) will join "no dues paid for N months" into this list — the same article names
both; the list then shows each member's reasons side by side.

All reads are a fixed number of queries, however many members and meetings; the list is
selected, counted and paged in the database, and the details (meetings missed, unpaid months,
cases) are read for the rows shown only (``no_life_page``, ``no_life_count``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page
from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
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
#: How a roster import notes the REGISTERED event it opens each timeline with
#: (``roster.services``): that event is dated the day the member joined the Party, which says
#: nothing about when they came into the organisation — their time there counts from the import.
IMPORT_NOTE = "名册导入："


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


@dataclass
class _Scope:
    """What every read of the list shares: the subtree, N and the window's start per
    organisation, and the members annotated with their arrival and last attendance."""

    root: Organisation
    orgs: list[Organisation]
    by_id: dict[int, Organisation]
    months: dict[int, int]
    starts: dict[int, dt.date]
    members: QuerySet


def _scope(
    *, user: Any, org: Organisation | int, today: dt.date, member_id: int | None = None
) -> _Scope:
    root = org if isinstance(org, Organisation) else org_or_404(user=user, pk=org)
    if isinstance(org, Organisation) and not scope_for(user).reaches_path(root.path):
        raise Http404
    orgs = list(
        Organisation.objects.visible_to(user).filter(subtree_q("path", root.path)).order_by("path")
    )
    months = _months_by_org(root, orgs)
    starts = {pk: add_months(today, -n) for pk, n in months.items()}
    members = Member.objects.visible_to(user).filter(
        subtree_q("org__path", root.path), state=State.ACTIVE
    )
    if member_id is not None:
        members = members.filter(pk=member_id)
    arrived = (
        MemberEvent.objects.filter(
            member_id=OuterRef("pk"), kind__in=MOVE_IN, org_id=OuterRef("org_id")
        )
        .order_by()
        .values("member_id")
        .annotate(d=Max("date"))
        .values("d")[:1]
    )
    last = (
        Attendance.objects.filter(
            member_id=OuterRef("pk"),
            status__in=COUNTS_AS_ATTENDED,
            meeting__cancelled=False,
            meeting__date__lte=today,
        )
        .order_by()
        .values("member_id")
        .annotate(d=Max("meeting__date"))
        .values("d")[:1]
    )
    imported = MemberEvent.objects.filter(
        member_id=OuterRef("pk"), kind=EventKind.REGISTERED, note__startswith=IMPORT_NOTE
    )
    joined = F("joined_on")
    members = members.annotate(
        nl_since=Greatest(
            joined,
            Coalesce(Subquery(arrived, output_field=DateField()), joined),
            Case(
                When(Exists(imported), then=TruncDate("created_at")),
                default=joined,
                output_field=DateField(),
            ),
            output_field=DateField(),
        ),
        nl_last=Subquery(last, output_field=DateField()),
    )
    return _Scope(
        root=root,
        orgs=orgs,
        by_id={o.pk: o for o in orgs},
        months=months,
        starts=starts,
        members=members,
    )


def _no_life_q(starts: dict[int, dt.date]) -> Q:
    """Members who have been in their organisation since the window's start at least and did
    not attend since: one condition per distinct start (the organisations sharing N)."""
    by_start: dict[dt.date, list[int]] = defaultdict(list)
    for pk, start in starts.items():
        by_start[start].append(pk)
    q = Q(pk__in=[])
    for start, org_ids in by_start.items():
        q |= Q(org_id__in=org_ids, nl_since__lte=start) & (
            Q(nl_last__isnull=True) | Q(nl_last__lt=start)
        )
    return q


def _dues_candidates(sc: _Scope, today: dt.date) -> list[int]:
    """Members whose unpaid streak reaches their N: prefiltered in the database (a dues base
    set before the streak's first month and nothing paid since), then counted exactly by
    ``dues.selectors.unpaid_streaks`` for those few."""
    from dangjian.dues.models import DuesBase, PaidMonth
    from dangjian.dues.months import add_months as add_dues_months
    from dangjian.dues.months import month_of
    from dangjian.dues.selectors import unpaid_streaks

    if not sc.months:
        return []
    last_month = add_dues_months(month_of(today), -1)
    first = add_dues_months(last_month, -(min(sc.months.values()) - 1))
    ids = list(
        sc.members.filter(
            Exists(DuesBase.objects.filter(member_id=OuterRef("pk"), from_month__lte=first))
        )
        .exclude(
            Exists(
                PaidMonth.objects.filter(
                    member_id=OuterRef("pk"), month__gte=first, month__lte=last_month
                )
            )
        )
        .values_list("pk", "org_id")
    )
    if not ids:
        return []
    streaks = unpaid_streaks([pk for pk, _o in ids], today=today)
    return [pk for pk, org_id in ids if streaks.get(pk, 0) >= sc.months[org_id]]


def _work_candidates(sc: _Scope) -> dict[int, dt.date | None]:
    """Members who held a post the whole window and have no deed in it (art. 9's third
    failing), with their last deed: two queries, over post holders only."""
    from dangjian.commitments.models_posts import PostHolder
    from dangjian.deeds.selectors import last_deed_on

    held: dict[int, dt.date] = {}
    org_of: dict[int, int] = {}
    for mid, org_id, since in PostHolder.objects.filter(
        member__in=sc.members.values("pk"), until__isnull=True
    ).values_list("member_id", "member__org_id", "since"):
        held[mid] = min(since, held.get(mid, since))
        org_of[mid] = org_id
    if not held:
        return {}
    deeds = last_deed_on(list(held))
    out: dict[int, dt.date | None] = {}
    for mid, since in held.items():
        start = sc.starts.get(org_of[mid])
        if start is None or since > start:
            continue
        done = deeds.get(mid)
        if done is not None and done >= start:
            continue
        out[mid] = done
    return out


def _listed(sc: _Scope, today: dt.date) -> tuple[QuerySet, dict[int, dt.date | None]]:
    """The members on the list, ordered, as one queryset (to count and page in the database),
    and the no-work members with their last deed."""
    work = _work_candidates(sc)
    extra = set(_dues_candidates(sc, today)) | set(work)
    q = _no_life_q(sc.starts)
    if extra:
        q |= Q(pk__in=sorted(extra))
    qs = sc.members.filter(q).order_by("org__path", "name", "pk")
    return qs, work


#: What a row of the list is made from, read with the member (``_rows``).
ROW_FIELDS = ("pk", "name", "org_id", "household__path", "nl_since", "nl_last")


def _rows(
    user: Any, sc: _Scope, found: list[dict], work: dict[int, dt.date | None], today: dt.date
) -> list[Row]:
    """The rows of the members ``found`` (``ROW_FIELDS`` of a page, or of the whole list for an
    export) with the meetings missed, the unpaid months and the cases: a fixed number of
    queries."""
    from dangjian.dues.selectors import unpaid_streaks

    rows: list[Row] = []
    for member in found:
        pk, name, org_id, home, since, seen = (member[f] for f in ROW_FIELDS)
        start = sc.starts[org_id]
        no_life = since <= start and (seen is None or seen < start)
        row = Row(
            member_id=pk,
            name=name,
            org=sc.by_id[org_id],
            since=since,
            last_attended=seen,
            months=sc.months[org_id],
            start=start,
            home=home or "",
            no_life=no_life,
        )
        if pk in work:
            row.no_work = True
            row.last_deed = work[pk]
        rows.append(row)
    if not rows:
        return rows
    streaks = unpaid_streaks([r.member_id for r in rows], today=today)
    for r in rows:
        r.unpaid_months = streaks.get(r.member_id, 0)
    missing = [r for r in rows if r.no_life]
    if missing:
        earliest = min(r.start for r in missing)
        _add_missed(user, sc.root, missing, sc.by_id, earliest, today)
    cases: dict[int, list[NoLifeCase]] = defaultdict(list)
    for case in (
        NoLifeCase.objects.visible_to(user)
        .filter(member_id__in=[r.member_id for r in rows])
        .select_related("handled_by")
        .order_by("-handled_on", "-id")
    ):
        cases[case.member_id].append(case)
    for r in rows:
        r.cases = cases.get(r.member_id, [])
    return rows


def _sections(rows: list[Row]) -> list[Section]:
    sections: dict[int, Section] = {}
    for r in rows:
        sec = sections.get(r.org.pk)
        if sec is None:
            sec = sections[r.org.pk] = Section(org=r.org, months=r.months, start=r.start, rows=[])
        sec.rows.append(r)
    return list(sections.values())


def no_life_list(
    *, user: Any, org: Organisation | int, today: dt.date, member_id: int | None = None
) -> NoLifeList:
    """The members of ``org`` and the organisations below it without organisational life (or
    listed for their dues or their work alone), grouped by their organisation (a branch, or
    each branch of a community). Every row in full: for the export and one member's page; the
    page of the list reads ``no_life_page``."""
    sc = _scope(user=user, org=org, today=today, member_id=member_id)
    qs, work = _listed(sc, today)
    rows = _rows(user, sc, list(qs.values(*ROW_FIELDS)), work, today)
    return NoLifeList(root=sc.root, today=today, sections=_sections(rows), rule=rules.get(RULE))


def no_life_page(
    *, user: Any, org: Organisation | int, today: dt.date, page: Any, per_page: int
) -> tuple[NoLifeList, Page]:
    """One page of the list: counted and sliced in the database, the details read for the
    page's rows only — the same number of queries for 50 members or 50,000. On SQLite the
    count comes with the page's rows (``members.paging``), elsewhere it is a statement apart."""
    from dangjian.members.paging import CountedPaginator, counted_in_page

    sc = _scope(user=user, org=org, today=today)
    qs, work = _listed(sc, today)
    p = CountedPaginator(counted_in_page(qs.values(*ROW_FIELDS)), per_page).get_page(page)
    rows = _rows(user, sc, list(p.object_list), work, today)
    p.object_list = rows
    return (
        NoLifeList(root=sc.root, today=today, sections=_sections(rows), rule=rules.get(RULE)),
        p,
    )


def no_life_count(*, user: Any, org: Organisation | int, today: dt.date) -> int:
    """How many members the list holds (the home page's 待办), counted in the database."""
    return no_life_listed(user=user, org=org, today=today).count()


def no_life_listed(*, user: Any, org: Organisation | int, today: dt.date) -> QuerySet[Member]:
    """The members the list holds, as one queryset (to count)."""
    sc = _scope(user=user, org=org, today=today)
    qs, _work = _listed(sc, today)
    return qs


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
