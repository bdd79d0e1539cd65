"""Need-to-know for grid work (SPEC §8, issue 16 item 5) — the one place that decides who reaches
which households, visits, cases and tenants.

Two ways in, and only two:

* a **changing grant** that reaches the community (its secretaries, and the street or county
  secretaries above it, as for the register of households in difficulty). A read-only grant
  (督查) and a branch secretary reach nothing here: grid records are personal data, not a
  branch's business;
* a **current cadre duty** on an area (网格/片区) of the places tree: the grid cadre reaches the
  households below that area and what was recorded about them — nothing of the next area.

Every queryset of grid data subclasses :class:`AreaScopedQuerySet` and names two lookups: the
community organisation's path (``scope_path``) and the place's path (``place_path``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from dangjian.core.access import CHANGE, ScopedQuerySet, scope_for, subtree_q


def duty_area_paths(user: Any, on: dt.date | None = None) -> tuple[str, ...]:
    """Paths of the areas the user is the grid cadre of on ``on`` (today), cached per request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    on = on or timezone.localdate()
    cache = getattr(user, "_dangjian_grid_areas", None)
    if cache is not None and cache[0] == on:
        return cache[1]
    from .models import AreaDuty, DutyRole

    paths = tuple(
        sorted(
            AreaDuty.objects.current(on)
            .filter(user=user, role=DutyRole.CADRE)
            .values_list("area__path", flat=True)
        )
    )
    user._dangjian_grid_areas = (on, paths)
    return paths


def forget_duties(user: Any) -> None:
    if hasattr(user, "_dangjian_grid_areas"):
        del user._dangjian_grid_areas


def reaches_grid(user: Any) -> bool:
    """Whether the user has any way into grid work (a changing grant or a cadre duty)."""
    scope = scope_for(user)
    return scope.everything or bool(scope.change_paths) or bool(duty_area_paths(user))


class AreaScopedQuerySet(ScopedQuerySet):
    """Grid records: reached by a changing grant on the community or a cadre duty on the area.

    Reading takes the same as changing (need-to-know), so ``visible_to`` and ``changeable_by``
    answer alike.
    """

    scope_path = "household__community__path"
    place_path = "household__path"

    def _restrict(self, user: Any, action: str) -> ScopedQuerySet:
        scope = scope_for(user)
        if scope.everything:
            return self
        q = Q(pk__in=[])
        for p in scope.paths(CHANGE):
            q |= subtree_q(self.scope_path, p)
        for p in duty_area_paths(user):
            q |= subtree_q(self.place_path, p)
        return self.filter(q)
