"""The extra reach over resident units that sit in more than one community (see
``ResidentUnitQuerySet``): a secretary of any community a unit is also listed in sees it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from dangjian.core.access import scope_for, subtree_q


def also_in_q(user: Any, action: str) -> Q | None:
    scope = scope_for(user)
    if scope.everything:
        return None
    paths = scope.paths(action)
    if not paths:
        return None
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q("also_in__path", p)
    return q
