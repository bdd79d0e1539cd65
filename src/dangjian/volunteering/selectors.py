"""Reads of volunteer service: a community's teams with their year's services and hours, each
member's yearly hours, and — only where the community opted in — the rankings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from dangjian.core import rules
from dangjian.orgs.models import Organisation

from .models import Hours, Team


def teams_with_totals(*, user: Any, community: Organisation, year: int) -> QuerySet[Team]:
    in_year = Q(services__date__year=year)
    return (
        Team.objects.visible_to(user)
        .filter(community=community)
        .annotate(
            n_services=Count("services", filter=in_year, distinct=True),
            total_hours=Sum("services__hours__hours", filter=in_year),
        )
        .order_by("kind", "name")
    )


def member_hours(*, user: Any, community: Organisation, year: int) -> list[dict[str, Any]]:
    """Each member's hours in the year, by name (or, where opted in, by hours)."""
    rows = (
        Hours.objects.visible_to(user)
        .filter(service__team__community=community, service__date__year=year)
        .values("member_id", "member__name", "member__org__name")
        .annotate(hours=Sum("hours"), services=Count("service", distinct=True))
    )
    ranked = rankings_enabled(community, "members")
    out = list(rows.order_by("-hours", "member__name") if ranked else rows.order_by("member__name"))
    for r in out:
        r["hours"] = r["hours"] or Decimal(0)
    return out


def rankings_enabled(community: Organisation, what: str) -> bool:
    """Rankings of members or teams are shown only where the community opted in."""
    return bool(rules.value("volunteer.rankings", what, org=community))
