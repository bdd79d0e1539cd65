"""Reads of grid visits (走访记录) and key households (重点户), SPEC §8, issue 16 item 2.

Everything starts from the grid's need-to-know querysets (:mod:`.access`): a community grant
reaches every area of the community, a cadre only their own areas. Counting is done in the
database, one query per kind of row, whatever the number of areas, months or visits.

Monthly coverage follows rule ``grid.area_visits`` (at least ``min_count`` visits per area per
``period``) with the lights of the meeting cadence (``dangjian.meetings.cadence``): green — the
rule is met for the period; amber — the current period, not met yet; red — a past period missed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth, Substr
from django.http import Http404

from dangjian.core import rules
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.meetings.cadence import (
    AMBER,
    DONE,
    DUE,
    GREEN,
    MONTH,
    OVERDUE,
    RED,
    UPCOMING,
    Period,
    period_of,
    periods_in,
)
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place, PlaceKind

from .access import duty_area_paths
from .models import KeyHousehold, Visit
from .services import places_reached

#: status of a period → its light (``None``: not started, no light)
LIGHT_OF = {DONE: GREEN, DUE: AMBER, OVERDUE: RED, UPCOMING: None}


# ---- which community, which areas --------------------------------------------------------
def communities_reached(user: Any) -> QuerySet[Organisation]:
    """Communities the user reaches in grid work: by a changing grant, or by a cadre duty on one
    of its areas."""
    qs = Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS), is_active=True)
    scope = scope_for(user)
    if scope.everything:
        return qs.order_by("path")
    q = Q(pk__in=[])
    for p in scope.paths(CHANGE):
        q |= subtree_q("path", p)
    duty = duty_area_paths(user)
    if duty:
        q |= Q(pk__in=Place.objects.filter(path__in=duty).values("community_id"))
    return qs.filter(q).order_by("path")


def community_for(*, user: Any, raw: str = "") -> Organisation:
    """The community a page is about: the one asked for (404 if the user does not reach it),
    else the first the user reaches (404 if none)."""
    qs = communities_reached(user)
    found = qs.filter(pk=int(raw)).first() if raw.isdigit() else (None if raw else qs.first())
    if found is None:
        raise Http404
    return found


def areas_of(*, user: Any, community: Organisation) -> QuerySet[Place]:
    """The areas (网格/片区) of the community the user reaches, in tree order."""
    return places_reached(user).filter(community=community, kind=PlaceKind.GRID).order_by("path")


def area_for(*, user: Any, community: Organisation, raw: str) -> Place | None:
    """The area asked for (``raw``: its id), or None when none is asked; 404 when out of reach."""
    if not raw:
        return None
    found = (
        areas_of(user=user, community=community).filter(pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    if found is None:
        raise Http404
    return found


# ---- visits ------------------------------------------------------------------------------
def visits(
    *,
    user: Any,
    community: Organisation | None = None,
    area: Place | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Visit]:
    """Visits the user may read, newest first, with what a list or a ledger row shows."""
    qs = Visit.objects.visible_to(user).select_related(
        "household__parent__parent__parent", "request"
    )
    if community is not None:
        qs = qs.filter(household__community=community)
    if area is not None:
        qs = qs.filter(subtree_q("household__path", area.path))
    if start is not None:
        qs = qs.filter(visited_on__gte=start)
    if end is not None:
        qs = qs.filter(visited_on__lte=end)
    return qs.order_by("-visited_on", "-pk")


def area_label(place: Place) -> str:
    """Grid / building / corridor above a household (``parent__parent__parent`` selected)."""
    names: list[str] = []
    p = place.parent
    while p is not None and p.kind != PlaceKind.COMMUNITY and len(names) < 3:
        names.append(p.name)
        p = p.parent if len(names) < 3 else None
    return " / ".join(reversed(names))


def household_visits(*, user: Any, household: Place) -> QuerySet[Visit]:
    return (
        Visit.objects.visible_to(user)
        .filter(household=household)
        .select_related("request")
        .order_by("-visited_on", "-pk")
    )


# ---- coverage ----------------------------------------------------------------------------
@dataclass
class CoverageCell:
    period: Period
    status: str
    light: str | None
    visits: int
    households: int


@dataclass
class CoverageRow:
    area: Place
    cells: list[CoverageCell]
    light: str
    missed: int


@dataclass
class Coverage:
    community: Organisation
    year: int
    today: dt.date
    required: int
    period_kind: str
    periods: list[Period]
    rows: list[CoverageRow] = field(default_factory=list)

    @property
    def light(self) -> str:
        lights = {r.light for r in self.rows}
        return RED if RED in lights else AMBER if AMBER in lights else GREEN


def _status(period: Period, count: int, required: int, today: dt.date) -> str:
    if count >= required:
        return DONE
    if period.start > today:
        return UPCOMING
    if period.end < today:
        return OVERDUE
    return DUE


def coverage(*, user: Any, community: Organisation, year: int, today: dt.date) -> Coverage:
    """Visits and households visited per area and period of ``year``, with the lights — two
    queries (the areas, the counts) whatever the number of areas and visits."""
    required = int(rules.value("grid.area_visits", "min_count", org=community))
    kind = str(rules.value("grid.area_visits", "period", org=community) or MONTH)
    periods = periods_in(year, kind)
    result = Coverage(community, year, today, required, kind, periods)
    areas = list(areas_of(user=user, community=community))
    if not areas:
        return result
    # every grid of a community has a path of the same length (fixed-width segments), so the
    # first characters of a household's path name its area
    width = len(areas[0].path)
    counts = (
        Visit.objects.visible_to(user)
        .filter(household__community=community, visited_on__year=year, visited_on__lte=today)
        .annotate(area_path=Substr("household__path", 1, width), m=ExtractMonth("visited_on"))
        .order_by()
        .values("area_path", "m")
        .annotate(n=Count("pk"), hh=Count("household_id", distinct=True))
    )
    per: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in counts:
        key = period_of(dt.date(year, row["m"], 1), kind).key
        cell = per[(row["area_path"], key)]
        cell[0] += row["n"]
        cell[1] += row["hh"]  # exact for monthly periods (the rule's own); a sum otherwise
    for area in areas:
        cells = []
        for p in periods:
            n, hh = per.get((area.path, p.key), (0, 0))
            status = _status(p, n, required, today)
            cells.append(CoverageCell(p, status, LIGHT_OF[status], n, hh))
        missed = sum(1 for c in cells if c.status == OVERDUE)
        light = RED if missed else AMBER if any(c.status == DUE for c in cells) else GREEN
        result.rows.append(CoverageRow(area, cells, light, missed))
    return result


# ---- key households ----------------------------------------------------------------------
SECRETARY, OTHERS_ONLY, NOT_VISITED = "secretary", "others_only", "not_visited"


@dataclass
class KeyRow:
    mark: KeyHousehold
    by_secretary: int
    by_others: int

    @property
    def state(self) -> str:
        if self.by_secretary:
            return SECRETARY
        return OTHERS_ONLY if self.by_others else NOT_VISITED

    @property
    def flagged(self) -> bool:
        return self.state != SECRETARY


def key_households(
    *,
    user: Any,
    community: Organisation,
    start: dt.date,
    end: dt.date,
    area: Place | None = None,
) -> list[KeyRow]:
    """Key households marked at some time in [start, end], with their visits in that period by
    the secretary in person and by others — one query. A key household visited only by others
    (or not at all) is flagged: rule ``grid.area_visits`` asks the secretary to go in person."""
    in_period = Q(household__visits__visited_on__gte=start, household__visits__visited_on__lte=end)
    qs = (
        KeyHousehold.objects.visible_to(user)
        .filter(household__community=community, since__lte=end)
        .filter(Q(until__isnull=True) | Q(until__gte=start))
        .select_related("household__parent__parent__parent")
        .annotate(
            sec=Count(
                "household__visits", filter=in_period & Q(household__visits__by_secretary=True)
            ),
            others=Count(
                "household__visits", filter=in_period & Q(household__visits__by_secretary=False)
            ),
        )
        .order_by("household__path", "-since")
    )
    if area is not None:
        qs = qs.filter(subtree_q("household__path", area.path))
    rows = [KeyRow(m, m.sec, m.others) for m in qs]
    rows.sort(key=lambda r: (not r.flagged, r.mark.household.path))
    return rows


def key_state_label(state: str) -> str:
    from django.utils.translation import gettext as _

    return {
        SECRETARY: _("书记已亲自走访"),
        OTHERS_ONLY: _("仅他人走访，书记未亲自走访"),
        NOT_VISITED: _("未走访"),
    }[state]
