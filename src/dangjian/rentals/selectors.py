"""Reads of the rentals register, always through the need-to-know querysets.

The floating population list puts the tenants whose residence permit (居住证) runs out within
rule ``grid.permit_reminder`` days (or has run out) first, soonest first; then everyone else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from dangjian.core import rules
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.grid.access import duty_area_paths
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place

from .models import Dwelling, Tenant

PLACE_RELATED = ("household__community", "household__parent__parent__parent")


def reminder_days(org: Any = None) -> int:
    return rules.value("grid.permit_reminder", "days_before", org=org)


def reachable_communities(user: Any) -> QuerySet[Organisation]:
    """Communities the user reaches grid data in: by a changing grant, or by a cadre duty on one
    of its areas."""
    scope = scope_for(user)
    communities = Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS))
    if scope.everything:
        return communities
    q = Q(pk__in=[])
    for p in scope.paths(CHANGE):
        q |= subtree_q("path", p)
    areas = duty_area_paths(user)
    if areas:
        q |= Q(pk__in=Place.objects.filter(path__in=areas).values("community_id"))
    return communities.filter(q)


def _where(qs: QuerySet, prefix: str, org: Organisation | None, area: Place | None) -> QuerySet:
    if org is not None:
        qs = qs.filter(subtree_q(f"{prefix}household__community__path", org.path))
    if area is not None:
        qs = qs.filter(subtree_q(f"{prefix}household__path", area.path))
    return qs


def dwellings(
    *,
    user: Any,
    org: Organisation | None = None,
    area: Place | None = None,
    end: dt.date | None = None,
) -> QuerySet[Dwelling]:
    """Dwellings the user reaches, with their current tenants counted."""
    qs = _where(Dwelling.objects.visible_to(user), "", org, area)
    if end is not None:
        qs = qs.filter(Q(rented_since__isnull=True) | Q(rented_since__lte=end))
    return (
        qs.select_related(*PLACE_RELATED)
        .annotate(living=Count("tenants", filter=Q(tenants__move_out__isnull=True)))
        .order_by("household__path", "pk")
    )


def tenants(
    *,
    user: Any,
    org: Organisation | None = None,
    area: Place | None = None,
    state: str = "current",
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date,
    days: int,
) -> QuerySet[Tenant]:
    """Tenants the user reaches; those whose permit expires by ``today + days`` first.

    ``state``: ``current`` (not moved out), ``out`` (moved out) or ``all``; ``start``/``end``:
    tenants who lived there at some time in the period."""
    qs = _where(Tenant.objects.visible_to(user), "dwelling__", org, area)
    if state == "current":
        qs = qs.filter(move_out__isnull=True)
    elif state == "out":
        qs = qs.filter(move_out__isnull=False)
    if end is not None:
        qs = qs.filter(move_in__lte=end)
    if start is not None:
        qs = qs.filter(Q(move_out__isnull=True) | Q(move_out__gte=start))
    soon = today + dt.timedelta(days=days)
    return (
        qs.select_related(*(f"dwelling__{r}" for r in PLACE_RELATED))
        .annotate(
            expiring=Case(
                When(
                    move_out__isnull=True,
                    permit_expires__isnull=False,
                    permit_expires__lte=soon,
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by(
            "-expiring",
            F("permit_expires").asc(nulls_last=True),
            "dwelling__household__path",
            "pk",
        )
    )


def expiring_count(*, user: Any, org: Organisation, today: dt.date, days: int) -> int:
    """Current tenants under ``org`` whose permit expires by ``today + days`` (1 query)."""
    return expiring(user=user, org=org, today=today, days=days).count()


def expiring(*, user: Any, org: Organisation, today: dt.date, days: int) -> QuerySet[Tenant]:
    """Current tenants under ``org`` whose permit expires by ``today + days`` (to count)."""
    return _where(Tenant.objects.visible_to(user), "dwelling__", org, None).filter(
        move_out__isnull=True,
        permit_expires__isnull=False,
        permit_expires__lte=today + dt.timedelta(days=days),
    )


def area_label(household: Place) -> str:
    """网格 / 楼栋 / 单元 of a household (parents selected with it)."""
    names, node = [], household.parent if household.parent_id else None
    while node is not None:
        names.append(node.name)
        if len(names) == 3 or not node.parent_id:
            break
        node = node.parent
    return " / ".join(reversed(names))
