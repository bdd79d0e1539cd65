"""Who may see and who may decide assessments — access follows the tree (SPEC §10, §14).

* A community's scores are seen by anyone whose grant reaches the community (its secretaries,
  and the street/town and county above it): a community sees its own, a street its communities'.
* Inspectors' scores and decisions are made *from above*: a changing grant on an organisation
  strictly above the community (the street, town or county).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from dangjian.core.access import scope_for, subtree_q
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation


def communities_visible(*, user: Any, under: Organisation | None = None) -> QuerySet[Organisation]:
    """The active community organisations the user may see (below ``under`` if given)."""
    qs = Organisation.objects.visible_to(user).filter(
        kind__in=list(COMMUNITY_KINDS), is_active=True
    )
    scope = scope_for(user)
    if not scope.everything and not scope.view_paths:
        return qs.none()  # a plain member sees no scores
    if under is not None:
        qs = qs.filter(subtree_q("path", under.path))
    return qs.order_by("path")


def community_or_404(*, user: Any, pk: Any) -> Organisation:
    try:
        return communities_visible(user=user).get(pk=int(pk))
    except (Organisation.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def may_decide(*, user: Any, community: Organisation) -> bool:
    """Whether the user holds a changing grant strictly above the community."""
    scope = scope_for(user)
    if scope.everything:
        return True
    return any(community.path.startswith(p) and community.path != p for p in scope.change_paths)


def deciding_orgs(*, user: Any) -> QuerySet[Organisation]:
    """Upper organisations (street, town, county) the user may decide for."""
    from dangjian.orgs.models import UPPER_KINDS

    return (
        Organisation.objects.changeable_by(user)
        .filter(kind__in=list(UPPER_KINDS), is_active=True)
        .order_by("path")
    )
