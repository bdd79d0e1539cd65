"""Reads of the 困难家庭台帐: the register as a user may see it (filtered, with each household's
pairings counted in the same query), the count per kind per community, and one household's
page — difficulties, pairings and the help given — each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from dangjian.checkin.models import Pairing
from dangjian.core.access import subtree_q
from dangjian.deeds.models import Deed, Participant
from dangjian.orgs.models import Organisation, Place

from .models import Difficulty, Kind


def _active_pairings() -> Any:
    """Active pairings of the row's household, as a subquery (counted in the list query)."""
    return Coalesce(
        Subquery(
            Pairing.objects.filter(
                household_id=OuterRef("household_id"),
                until__isnull=True,
                checkin__ended_on__isnull=True,
            )
            .values("household_id")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def register(
    *,
    user: Any,
    community: Organisation | None = None,
    kind: str = "",
    area: Place | None = None,
    active: bool | None = True,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Difficulty]:
    """The register rows the user may see: by community, kind, grid/building (a subtree of the
    places tree), open or ended, and those that overlap a period."""
    qs = Difficulty.objects.visible_to(user)
    if community is not None:
        qs = qs.filter(subtree_q("household__community__path", community.path))
    if kind:
        qs = qs.filter(kind=kind)
    if area is not None:
        qs = qs.filter(subtree_q("household__path", area.path))
    if active is True:
        qs = qs.filter(until__isnull=True)
    elif active is False:
        qs = qs.filter(until__isnull=False)
    if end is not None:
        qs = qs.filter(since__lte=end)
    if start is not None:
        qs = qs.filter(Q(until__isnull=True) | Q(until__gte=start))
    return (
        qs.select_related("household__parent__parent__parent", "household__community")
        .annotate(paired=_active_pairings())
        .order_by("household__path", "kind", "-since", "pk")
    )


def counts_by_kind(*, user: Any, community: Organisation | None = None) -> list[dict[str, Any]]:
    """Open difficulties per community and kind (one query): rows of community name, the count
    of each kind (in the order of :class:`Kind`), the households and the total."""
    qs = Difficulty.objects.visible_to(user).filter(until__isnull=True)
    if community is not None:
        qs = qs.filter(subtree_q("household__community__path", community.path))
    rows = (
        qs.values("household__community_id", "household__community__name", "kind")
        .annotate(n=Count("pk"))
        .order_by("household__community__path", "kind")
    )
    out: dict[int, dict[str, Any]] = {}
    for r in rows:
        row = out.setdefault(
            r["household__community_id"],
            {"name": r["household__community__name"], "kinds": dict.fromkeys(Kind.values, 0)},
        )
        row["kinds"][r["kind"]] = r["n"]
    households = dict(
        qs.values("household__community_id")
        .annotate(h=Count("household_id", distinct=True))
        .values_list("household__community_id", "h")
    )
    return [
        {
            "name": row["name"],
            "counts": [row["kinds"][k] for k in Kind.values],
            "by_kind": [(label, row["kinds"][k]) for k, label in Kind.choices],
            "total": sum(row["kinds"].values()),
            "households": households.get(cid, 0),
        }
        for cid, row in out.items()
    ]


def household_difficulties(*, user: Any, household: Place) -> QuerySet[Difficulty]:
    """All of a household's difficulties, open first, then the ended (its history)."""
    return (
        Difficulty.objects.visible_to(user)
        .filter(household=household)
        .select_related("recorded_by")
        .order_by(F("until").asc(nulls_first=True), "-since", "pk")  # the open ones first
    )


def household_pairings(*, user: Any, household: Place) -> QuerySet[Pairing]:
    return (
        Pairing.objects.visible_to(user)
        .filter(household=household)
        .select_related("checkin__member__org", "checkin__community")
        .order_by("-since", "-pk")
        .distinct()
    )


def household_history(*, user: Any, household: Place) -> QuerySet[Deed]:
    """The help the household was given (deeds for it), newest first, with who took part."""
    return (
        Deed.objects.visible_to(user)
        .filter(household=household)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("member").order_by("member__name"),
            )
        )
        .order_by("-date", "-pk")
    )
