"""Reads of volunteer service: a community's teams with their year's services and hours, each
member's yearly hours, and — only where the community opted in — the rankings.

Everything is counted from the deeds (issue 14): a team's services are its deeds, and a member's
hours are the hours of all the deeds they took part in during the year — a team's service, a
deed in the community they checked in to, one done for a commitment or a post — not only the
teams' services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q

from dangjian.core import rules
from dangjian.core.access import subtree_q
from dangjian.deeds.models import Participant
from dangjian.deeds.selectors import member_tallies, team_tallies
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation

from .models import Team


def teams_with_totals(*, user: Any, community: Organisation, year: int) -> list[Team]:
    """The community's teams, each with ``n_services``, ``total_hours`` and ``n_members`` of
    the year — three queries for any number of teams."""
    teams = list(Team.objects.visible_to(user).filter(community=community).order_by("kind", "name"))
    tallies = team_tallies([t.pk for t in teams], year=year)
    for t in teams:
        t.n_services, t.total_hours, t.n_members = tallies.get(t.pk, (0, Decimal(0), 0))
    return teams


def _members_of(*, user: Any, community: Organisation, year: int) -> list[int]:
    """Who has hours to show: the members the user may see who took part in a deed of the
    community this year, and the community's own members who did one anywhere."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_year = Q(deed__date__gte=start, deed__date__lte=end)
    here = (
        Participant.objects.visible_to(user)
        .filter(in_year, subtree_q("deed__community__path", community.path))
        .values_list("member_id", flat=True)
    )
    own = (
        Member.objects.visible_to(user)
        .filter(subtree_q("org__path", community.path))
        .filter(pk__in=Participant.objects.filter(in_year).values("member_id"))
        .values_list("pk", flat=True)
    )
    return sorted(set(here) | set(own))


def member_hours(*, user: Any, community: Organisation, year: int) -> list[dict[str, Any]]:
    """Each member's deeds and hours in the year (all their deeds, not only a team's), by name
    (or, where the community opted in, by hours) — four queries for any number of members."""
    ids = _members_of(user=user, community=community, year=year)
    tallies = member_tallies(ids, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    names = Member.objects.filter(pk__in=ids).values_list("pk", "name", "org__name")
    out = [
        {
            "member_id": pk,
            "member__name": name,
            "member__org__name": org_name,
            "services": tallies[pk].deeds,
            "hours": tallies[pk].hours or Decimal(0),
        }
        for pk, name, org_name in names
        if pk in tallies
    ]
    out.sort(key=lambda r: r["member__name"])
    if rankings_enabled(community, "members"):
        out.sort(key=lambda r: r["hours"], reverse=True)  # stable: equal hours stay by name
    return out


def rankings_enabled(community: Organisation, what: str) -> bool:
    """Rankings of members or teams are shown only where the community opted in."""
    return bool(rules.value("volunteer.rankings", what, org=community))
