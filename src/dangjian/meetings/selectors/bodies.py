"""Reads of deliberation bodies, their member units (seats), attendance per unit, and the
criticism notices (通报批评) that cost a unit its award eligibility.

Award eligibility (rule ``council.absence_criticism``, key ``notices_to_lose_awards``)
-------------------------------------------------------------------------------------
A unit is counted by its resident unit (``Criticism.unit``); a member unit that is an
organisation (no resident unit) is counted by its seat. Only notices not withdrawn count, per
calendar year of the *meeting* (``Criticism.year``): a notice for a meeting on 31 December and
one for a meeting on 1 January fall in two different years. When a unit has at least
``notices_to_lose_awards`` notices in a year (locality overrides honoured, by the unit's
community or, for an organisation seat, the body's organisation), the unit and its head
(``Criticism.head``, else the seat's head) are not eligible for that year's awards.

For the award lists (co-building deeds, star ranking — issue 5 and later) call::

    from dangjian.meetings.selectors import bodies as eligibility
    out = eligibility.ineligible_units(user=request.user, year=2026)   # list[Standing]
    ids = {s.unit_id for s in out if s.unit_id}    # resident units to leave off the list
    heads = {h for s in out for h in s.heads}      # heads who may not be chosen either

or ``standings(user=..., year=..., units=[...])`` for the candidates you show, and render each
with ``{% include "meetings/bodies/_eligibility_badge.html" with standing=... %}``. Every
function is a fixed number of queries, however many units or notices.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from dangjian.core import rules
from dangjian.core.access import CHANGE, VIEW, get_visible_or_404, scope_for, subtree_q
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, OrgKind, ResidentUnit

from ..models import Attendance, Body, Criticism, Meeting, MeetingKind, Seat

RULE = "council.absence_criticism"
RULE_KEY = "notices_to_lose_awards"
#: Organisations that lead bodies.
BODY_ORG_KINDS = (OrgKind.COUNTY, OrgKind.STREET, OrgKind.TOWN, *COMMUNITY_KINDS)


# ---- organisations and bodies --------------------------------------------------------------
def org_or_404(*, user: Any, pk: Any, action: str = VIEW) -> Organisation:
    """An organisation the user holds a grant on (or below one); otherwise 404."""
    org = get_visible_or_404(Organisation.objects.all(), user, action=action, pk=pk)
    if not scope_for(user).reaches_path(org.path, action):
        raise Http404
    return org


def default_org(user: Any) -> Organisation | None:
    """The user's top organisation they hold a grant on (None for a plain member)."""
    scope = scope_for(user)
    if not scope.is_staff_role:
        return None
    qs = Organisation.objects.visible_to(user).filter(is_active=True)
    if not scope.everything:
        qs = qs.filter(path__in=scope.view_paths)
    return qs.order_by("depth", "path").first()


def orgs_leading_bodies(*, user: Any, action: str = CHANGE) -> QuerySet[Organisation]:
    base = (
        Organisation.objects.changeable_by(user)
        if action == CHANGE
        else Organisation.objects.visible_to(user)
    )
    return base.filter(is_active=True, kind__in=BODY_ORG_KINDS).order_by("path")


def bodies_visible(*, user: Any, org: Organisation | None = None) -> QuerySet[Body]:
    """Bodies the user may see (``org``: its subtree), with the number of current seats."""
    qs = Body.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("org__path", org.path))
    return (
        qs.select_related("org")
        .annotate(
            n_seats=Count("seats", filter=Q(seats__left_on__isnull=True), distinct=True),
            n_meetings=Count("meetings", filter=Q(meetings__cancelled=False), distinct=True),
        )
        .order_by("org__path", "kind", "name")
    )


def body_or_404(*, user: Any, pk: Any, action: str = VIEW) -> Body:
    return get_visible_or_404(Body.objects.select_related("org"), user, action=action, pk=pk)


def seat_or_404(*, user: Any, pk: Any, action: str = VIEW) -> Seat:
    return get_visible_or_404(
        Seat.objects.select_related("body__org", "unit", "member_org"), user, action=action, pk=pk
    )


def unit_or_404(*, user: Any, pk: Any) -> ResidentUnit:
    return get_visible_or_404(ResidentUnit.objects.select_related("community"), user, pk=pk)


def units_for(body: Body) -> QuerySet[ResidentUnit]:
    """Resident units a body may take in: those of its organisation's area."""
    return ResidentUnit.objects.filter(subtree_q("community__path", body.org.path)).order_by("name")


def member_orgs_for(body: Body) -> QuerySet[Organisation]:
    """Organisations a body may take in as member units: those below its organisation."""
    return (
        Organisation.objects.filter(subtree_q("path", body.org.path), is_active=True)
        .exclude(pk=body.org_id)
        .exclude(kind=OrgKind.GROUP)
        .order_by("path")
    )


def seats_of(body: Body, *, current_only: bool = False) -> list[Seat]:
    qs = Seat.objects.filter(body=body).select_related("unit", "member_org")
    if current_only:
        qs = qs.filter(left_on__isnull=True)
    return list(qs.order_by("left_on", "name", "id"))


def meetings_of(body: Body, *, year: int) -> list[Meeting]:
    return list(
        Meeting.objects.filter(body=body, date__year=year)
        .annotate(n_leaders=Count("leaders"))
        .order_by("date", "id")
    )


# ---- attendance per unit -------------------------------------------------------------------
@dataclass
class MatrixRow:
    seat: Seat
    cells: list[str | None]  # status per meeting; None: not on the list that day / not recorded
    present: int = 0
    excused: int = 0
    absent: int = 0


@dataclass
class Matrix:
    meetings: list[Meeting]
    rows: list[MatrixRow]


def attendance_matrix(*, body: Body, year: int, seats: list[Seat] | None = None) -> Matrix:
    """Units × held meetings of the year: present / excused / absent (three queries at most)."""
    meetings = [m for m in meetings_of(body, year=year) if not m.cancelled]
    seats = seats if seats is not None else seats_of(body)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    seats = [s for s in seats if s.joined_on <= end and (s.left_on is None or s.left_on >= start)]
    status: dict[tuple[int, int], str] = {}
    if meetings:
        for seat_id, meeting_id, st in Attendance.objects.filter(
            meeting__in=[m.pk for m in meetings], seat__isnull=False
        ).values_list("seat_id", "meeting_id", "status"):
            status[(seat_id, meeting_id)] = st
    rows = []
    for s in seats:
        cells = [status.get((s.pk, m.pk)) for m in meetings]
        rows.append(
            MatrixRow(
                seat=s,
                cells=cells,
                present=cells.count("present"),
                excused=cells.count("excused"),
                absent=cells.count("absent"),
            )
        )
    return Matrix(meetings=meetings, rows=rows)


# ---- criticism and award eligibility -------------------------------------------------------
class UnitKey(NamedTuple):
    """How a member unit is counted: ``("unit", resident unit id)`` or ``("seat", seat id)``
    for an organisation that sits on a body."""

    kind: str
    id: int


def key_of(*, unit_id: int | None, seat_id: int | None) -> UnitKey:
    return UnitKey("unit", unit_id) if unit_id else UnitKey("seat", seat_id)


@dataclass
class Standing:
    """One unit's notices in one year, and whether it keeps its award eligibility."""

    key: UnitKey
    year: int
    name: str
    count: int
    needed: int
    unit_id: int | None = None
    seat_id: int | None = None
    heads: list[str] = field(default_factory=list)

    @property
    def ineligible(self) -> bool:
        return self.count >= self.needed


def notices_visible(*, user: Any, year: int | None = None) -> QuerySet[Criticism]:
    qs = Criticism.objects.visible_to(user)
    if year is not None:
        qs = qs.filter(year=year)
    return qs


def _ancestor_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def thresholds(paths: Iterable[str]) -> dict[str, int]:
    """``notices_to_lose_awards`` for each organisation path (one query only when locality
    overrides exist)."""
    paths = set(paths)
    default = int(rules.effective(RULE)[RULE_KEY])
    if not rules.override_org_codes():
        return {p: default for p in paths}
    ids = {i for p in paths for i in _ancestor_ids(p)}
    codes = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "code"))
    return {
        p: int(
            rules.effective(
                RULE, org_codes=tuple(codes[i] for i in _ancestor_ids(p) if i in codes)
            )[RULE_KEY]
        )
        for p in paths
    }


def threshold_for(org: Organisation) -> int:
    return thresholds([org.path])[org.path]


def standings(
    *,
    user: Any,
    year: int,
    units: Iterable[ResidentUnit | int] | None = None,
    seats: Iterable[Seat | int] | None = None,
) -> dict[UnitKey, Standing]:
    """Every unit with a notice (not withdrawn) in ``year`` that the user may see; restricted to
    ``units`` (resident units) and/or ``seats`` when given. Two queries at most."""
    qs = notices_visible(user=user, year=year).filter(withdrawn_at__isnull=True)
    if units is not None or seats is not None:
        unit_ids = [getattr(u, "pk", u) for u in (units or ())]
        seat_ids = [getattr(s, "pk", s) for s in (seats or ())]
        # a seat of a resident unit counts with the unit's notices from every body
        qs = qs.filter(
            Q(unit_id__in=unit_ids)
            | Q(unit__seats__in=seat_ids)
            | Q(unit__isnull=True, seat_id__in=seat_ids)
        )
    rows = (
        qs.values(
            "unit_id",
            "unit__name",
            "unit__community__path",
            "seat_id",
            "seat__name",
            "seat__head",
            "seat__body__org__path",
            "head",
        )
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    counts: dict[UnitKey, int] = defaultdict(int)
    info: dict[UnitKey, dict[str, Any]] = {}
    heads: dict[UnitKey, list[str]] = defaultdict(list)
    for r in rows:
        key = key_of(unit_id=r["unit_id"], seat_id=r["seat_id"])
        counts[key] += r["n"]
        if key not in info:
            info[key] = {
                "name": r["unit__name"] if r["unit_id"] else r["seat__name"],
                "path": r["unit__community__path"] if r["unit_id"] else r["seat__body__org__path"],
                "unit_id": r["unit_id"],
                "seat_id": None if r["unit_id"] else r["seat_id"],
            }
        head = (r["head"] or r["seat__head"] or "").strip()
        if head and head not in heads[key]:
            heads[key].append(head)
    need = thresholds(i["path"] for i in info.values())
    return {
        key: Standing(
            key=key,
            year=year,
            name=i["name"],
            count=counts[key],
            needed=need[i["path"]],
            unit_id=i["unit_id"],
            seat_id=i["seat_id"],
            heads=heads[key],
        )
        for key, i in info.items()
    }


def criticism_counts(
    *, user: Any, year: int, units: Iterable[ResidentUnit | int] | None = None
) -> dict[UnitKey, int]:
    """Notices not withdrawn per unit in ``year`` (``UnitKey("unit", id)`` for resident units,
    ``UnitKey("seat", id)`` for organisations on a body)."""
    return {k: s.count for k, s in standings(user=user, year=year, units=units).items()}


def ineligible_units(*, user: Any, year: int) -> list[Standing]:
    """Units (and their heads) that lost ``year``'s award eligibility, by name."""
    out = [s for s in standings(user=user, year=year).values() if s.ineligible]
    return sorted(out, key=lambda s: (s.name, s.key))


def ineligible_unit_ids(*, user: Any, year: int) -> set[int]:
    """Resident units not eligible for ``year``'s awards (for the award lists)."""
    return {s.unit_id for s in ineligible_units(user=user, year=year) if s.unit_id}


def standing_for_seat(
    table: dict[UnitKey, Standing], seat: Seat, *, year: int, needed: int
) -> Standing:
    """A seat's standing from ``standings(...)``, or a clean one (0 notices)."""
    key = key_of(unit_id=seat.unit_id, seat_id=seat.pk)
    found = table.get(key)
    if found is not None:
        return found
    return Standing(
        key=key,
        year=year,
        name=seat.name,
        count=0,
        needed=needed,
        unit_id=seat.unit_id,
        seat_id=None if seat.unit_id else seat.pk,
        heads=[seat.head] if seat.head else [],
    )


def criticisms_list(
    *, user: Any, year: int, org: Organisation | None = None, withdrawn: bool | None = None
) -> QuerySet[Criticism]:
    """The notices of a year (``org``: meetings of its subtree), newest first."""
    qs = notices_visible(user=user, year=year)
    if org is not None:
        qs = qs.filter(subtree_q("meeting__org__path", org.path))
    if withdrawn is not None:
        qs = qs.filter(withdrawn_at__isnull=not withdrawn)
    return qs.select_related("meeting__body", "meeting__org", "seat", "unit").order_by(
        "-meeting__date", "-id"
    )


# ---- one resident unit ---------------------------------------------------------------------
@dataclass
class UnitYear:
    year: int
    notices: list[Criticism]
    count: int
    needed: int

    @property
    def ineligible(self) -> bool:
        return self.count >= self.needed


@dataclass
class UnitRecord:
    unit: ResidentUnit
    seats: list[Seat]
    attendance: list[Attendance]
    years: list[UnitYear]

    def year(self, y: int) -> UnitYear | None:
        return next((u for u in self.years if u.year == y), None)


def unit_record(*, user: Any, unit: ResidentUnit, year: int) -> UnitRecord:
    """A resident unit's seats (the bodies the user may see), its attendance in ``year`` and its
    notices per year with the eligibility of each year. Four queries."""
    seats = list(
        Seat.objects.visible_to(user)
        .filter(unit=unit)
        .select_related("body__org")
        .order_by("left_on", "body__name")
    )
    attendance = list(
        Attendance.objects.visible_to(user)
        .filter(seat__unit=unit, meeting__date__year=year, meeting__kind=MeetingKind.COUNCIL)
        .select_related("meeting__body", "seat")
        .order_by("meeting__date", "id")
    )
    notices = list(
        Criticism.objects.visible_to(user)
        .filter(unit=unit)
        .select_related("meeting__body", "seat")
        .order_by("-year", "-meeting__date", "-id")
    )
    needed = threshold_for(unit.community)
    by_year: dict[int, list[Criticism]] = defaultdict(list)
    for n in notices:
        by_year[n.year].append(n)
    by_year.setdefault(year, [])
    years = [
        UnitYear(
            year=y,
            notices=by_year[y],
            count=sum(1 for n in by_year[y] if n.withdrawn_at is None),
            needed=needed,
        )
        for y in sorted(by_year, reverse=True)
    ]
    return UnitRecord(unit=unit, seats=seats, attendance=attendance, years=years)
