"""Coverage (纵向到底、横向到边): every building has a branch, every corridor a group.

A building is covered when an active branch-kind organisation covers the building itself or its
grid (a grid branch covers every building of its grid). A corridor is covered when an active
group covers the corridor itself or its building. Covering the whole community does not count:
that is the community organisation's job, not a branch's.

The whole computation is a handful of set-based queries whatever the size of the subtree: one
for the communities, one grouped count per place kind (each row tests coverage with two indexed
``EXISTS`` on the organisation–place link table, by the place's own id and by its parent's id —
the place tree is strict, so a building's parent is its grid and a corridor's its building), and,
when asked, one query per kind for the gaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.lookups import IsNull

from ..models import BRANCH_KINDS, COMMUNITY_KINDS, Organisation, OrgKind, Place, PlaceKind
from .tree import orgs_visible

Link = Organisation.places.through


def _covered_by(kinds: set[str], *, per_place: bool = False) -> Q:
    """``EXISTS`` a link of an active organisation of ``kinds`` to the place or its parent.

    ``per_place``: the same test as one indexed look-up of the link per place, for a query that
    lists each place (the “五个好” coverage records): given ``EXISTS`` there, PostgreSQL hashes
    every link of the whole city first, so the list would cost as much as the city is large.
    """
    links = Link.objects.filter(organisation__kind__in=kinds, organisation__is_active=True)
    if per_place:

        def linked(ref: str) -> IsNull:
            return IsNull(Subquery(links.filter(place_id=OuterRef(ref)).values("pk")[:1]), False)

        return Q(linked("pk")) | Q(linked("parent_id"))
    return Q(Exists(links.filter(place_id=OuterRef("pk")))) | Q(
        Exists(links.filter(place_id=OuterRef("parent_id")))
    )


def building_covered(*, per_place: bool = False) -> Q:
    return _covered_by(set(BRANCH_KINDS), per_place=per_place)


def corridor_covered(*, per_place: bool = False) -> Q:
    return _covered_by({OrgKind.GROUP}, per_place=per_place)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class CommunityCoverage:
    """Coverage of one community: counts, and the gaps when they were asked for."""

    org: Organisation
    buildings: int = 0
    buildings_covered: int = 0
    corridors: int = 0
    corridors_covered: int = 0
    uncovered_buildings: list[Place] = field(default_factory=list)
    uncovered_corridors: list[Place] = field(default_factory=list)

    @property
    def building_percent(self) -> float | None:
        return _percent(self.buildings_covered, self.buildings)

    @property
    def corridor_percent(self) -> float | None:
        return _percent(self.corridors_covered, self.corridors)

    @property
    def building_gaps(self) -> int:
        return self.buildings - self.buildings_covered

    @property
    def corridor_gaps(self) -> int:
        return self.corridors - self.corridors_covered

    @property
    def complete(self) -> bool:
        return self.building_gaps == 0 and self.corridor_gaps == 0

    def corridor_gaps_by_building(self) -> list[tuple[Place, list[Place]]]:
        """Uncovered corridors grouped under their building (they come ordered by path)."""
        return [
            (building, list(rows))
            for building, rows in groupby(self.uncovered_corridors, key=lambda p: p.parent)
        ]


@dataclass
class Coverage:
    """Coverage of an organisation's subtree: one row per community, and totals."""

    org: Organisation
    communities: list[CommunityCoverage]
    with_gaps: bool

    def _sum(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.communities)

    @property
    def buildings(self) -> int:
        return self._sum("buildings")

    @property
    def buildings_covered(self) -> int:
        return self._sum("buildings_covered")

    @property
    def corridors(self) -> int:
        return self._sum("corridors")

    @property
    def corridors_covered(self) -> int:
        return self._sum("corridors_covered")

    @property
    def building_percent(self) -> float | None:
        return _percent(self.buildings_covered, self.buildings)

    @property
    def corridor_percent(self) -> float | None:
        return _percent(self.corridors_covered, self.corridors)

    @property
    def single(self) -> CommunityCoverage | None:
        return self.communities[0] if len(self.communities) == 1 else None


def coverage_communities(*, user: Any, org: Organisation) -> list[Organisation]:
    """Communities in the subtree: community-kind organisations, and any other that owns
    places (so no place is left out of the count)."""
    owns_places = Exists(Place.objects.filter(community_id=OuterRef("pk")))
    return list(
        orgs_visible(user=user)
        .filter(path__startswith=org.path)
        .filter(Q(kind__in=COMMUNITY_KINDS) | owns_places)
        .select_related("parent")
        .order_by("path")
    )


def coverage_for(*, user: Any, org: Organisation, gaps: bool | None = None) -> Coverage:
    """Coverage of ``org``'s subtree as ``user`` may see it.

    ``gaps`` lists the uncovered buildings and corridors too; by default only when the subtree
    is a single community (a street's page is a roll-up that drills down to each community).
    """
    communities = coverage_communities(user=user, org=org)
    with_gaps = len(communities) == 1 if gaps is None else gaps
    rows = {c.pk: CommunityCoverage(org=c) for c in communities}
    if not rows:
        return Coverage(org=org, communities=[], with_gaps=with_gaps)
    places = Place.objects.visible_to(user).filter(community_id__in=list(rows))
    for kind, covered, total_name, covered_name in (
        (PlaceKind.BUILDING, building_covered(), "buildings", "buildings_covered"),
        (PlaceKind.CORRIDOR, corridor_covered(), "corridors", "corridors_covered"),
    ):
        counts = (
            places.filter(kind=kind)
            .order_by()
            .values("community_id")
            .annotate(total=Count("pk"), covered=Count("pk", filter=covered))
        )
        for r in counts:
            setattr(rows[r["community_id"]], total_name, r["total"])
            setattr(rows[r["community_id"]], covered_name, r["covered"])
    if with_gaps:
        for p in (
            places.filter(kind=PlaceKind.BUILDING)
            .exclude(building_covered())
            .select_related("parent")
            .order_by("path")
        ):
            rows[p.community_id].uncovered_buildings.append(p)
        for p in (
            places.filter(kind=PlaceKind.CORRIDOR)
            .exclude(corridor_covered())
            .select_related("parent")
            .order_by("path")
        ):
            rows[p.community_id].uncovered_corridors.append(p)
    return Coverage(org=org, communities=list(rows.values()), with_gaps=with_gaps)
