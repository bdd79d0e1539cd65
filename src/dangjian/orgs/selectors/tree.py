"""Reads of the organisation and place trees, always for a user."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from dangjian.core.access import scope_for
from dangjian.members.models import State, Status

from .models import Organisation


def orgs_visible(*, user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(user).filter(is_active=True)


def org_roots_for(*, user: Any) -> list[Organisation]:
    """The top organisations of a user's scope (what the navigation starts from)."""
    scope = scope_for(user)
    if scope.everything:
        return list(Organisation.objects.filter(parent__isnull=True, is_active=True))
    paths = list(scope.view_paths)
    if not paths and scope.member_org_path:
        paths = [scope.member_org_path]
    return list(Organisation.objects.filter(path__in=paths, is_active=True))


def org_summaries(*, orgs: list[Organisation]) -> dict[int, dict[str, int]]:
    """Members in each organisation's subtree (active, full, probationary), one query per org."""
    out: dict[int, dict[str, int]] = {}
    from dangjian.members.models import Member

    for org in orgs:
        agg = Member.objects.filter(org__path__startswith=org.path, state=State.ACTIVE).aggregate(
            total=Count("pk"),
            full=Count("pk", filter=Q(status=Status.FULL)),
            probationary=Count("pk", filter=Q(status=Status.PROBATIONARY)),
        )
        agg["orgs"] = (
            Organisation.objects.filter(path__startswith=org.path, is_active=True).count() - 1
        )
        out[org.pk] = agg
    return out
