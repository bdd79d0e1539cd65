"""Reads of the places tree (community → grid → building → corridor → household)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from ..models import BRANCH_KINDS, COMMUNITY_KINDS, Organisation, OrgKind, Place, PlaceKind

Link = Organisation.places.through


def places_visible(*, user: Any) -> QuerySet[Place]:
    return Place.objects.visible_to(user)


def covering_orgs(*, places: Iterable[Place]) -> dict[int, list[Organisation]]:
    """Active organisations covering each place directly (one query)."""
    ids = [p.pk for p in places]
    out: dict[int, list[Organisation]] = defaultdict(list)
    if not ids:
        return out
    links = (
        Link.objects.filter(place_id__in=ids, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__path")
    )
    for link in links:
        out[link.place_id].append(link.organisation)
    return out


@dataclass
class PlaceNode:
    """A place in the tree page, with its children, households and covering organisations."""

    place: Place
    covering: list[Organisation]
    households: int = 0
    children: list[PlaceNode] = field(default_factory=list)


def place_tree(*, user: Any, community: Organisation) -> list[PlaceNode]:
    """The community's places down to corridors (households are counted, not listed: a
    community has thousands), in three queries."""
    rows = list(
        places_visible(user=user)
        .filter(community=community)
        .exclude(kind=PlaceKind.HOUSEHOLD)
        .order_by("path")
    )
    households = dict(
        places_visible(user=user)
        .filter(community=community, kind=PlaceKind.HOUSEHOLD)
        .order_by()
        .values("parent_id")
        .annotate(n=Count("pk"))
        .values_list("parent_id", "n")
    )
    covering = covering_orgs(places=rows)
    nodes = {
        p.pk: PlaceNode(
            place=p, covering=covering.get(p.pk, []), households=households.get(p.pk, 0)
        )
        for p in rows
    }
    roots: list[PlaceNode] = []
    for p in rows:  # ordered by path: a parent always comes before its children
        parent = nodes.get(p.parent_id) if p.parent_id else None
        (parent.children if parent else roots).append(nodes[p.pk])
    return roots


def place_ancestors(*, place: Place) -> list[Place]:
    """The places above this one, root first (one query)."""
    ids = [int(s) for s in place.path.strip("/").split("/") if s][:-1]
    return list(Place.objects.filter(pk__in=ids).order_by("depth"))


def place_children(*, user: Any, place: Place) -> QuerySet[Place]:
    return places_visible(user=user).filter(parent=place).order_by("path")


def child_place_counts(*, places: Iterable[Place]) -> dict[int, int]:
    ids = [p.pk for p in places]
    if not ids:
        return {}
    rows = (
        Place.objects.filter(parent_id__in=ids)
        .order_by()
        .values("parent_id")
        .annotate(n=Count("pk"))
        .values_list("parent_id", "n")
    )
    return dict(rows)


#: Which places each kind of organisation covers: branches their buildings or grids, groups
#: their corridors (or a whole building), a community organisation the community.
COVER_KINDS: dict[str, tuple[str, ...]] = {
    OrgKind.GROUP: (PlaceKind.BUILDING, PlaceKind.CORRIDOR),
    **{k: (PlaceKind.GRID, PlaceKind.BUILDING) for k in BRANCH_KINDS},
    **{k: (PlaceKind.COMMUNITY,) for k in COMMUNITY_KINDS if k not in BRANCH_KINDS},
}


def cover_candidates(*, user: Any, org: Organisation, community: Organisation) -> QuerySet[Place]:
    """Places ``org`` may be attached to: in its community, of the kinds it covers."""
    kinds = COVER_KINDS.get(org.kind)
    qs = places_visible(user=user).filter(community=community)
    if org.kind == OrgKind.COMMUNITY_BRANCH:
        # A community branch is both the community's organisation and a branch.
        kinds = (PlaceKind.COMMUNITY, PlaceKind.GRID, PlaceKind.BUILDING)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    else:
        qs = qs.exclude(kind=PlaceKind.HOUSEHOLD)
    return qs.select_related("parent").order_by("path")
