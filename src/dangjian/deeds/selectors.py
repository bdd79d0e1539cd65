"""Reads of deeds: the list a user may see, and the tallies every other view counts from — per
member (deeds, hours, households helped, the last one), per team and per unit — each a fixed
number of queries for any number of rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum

from dangjian.core.access import subtree_q
from dangjian.orgs.models import Organisation

from .models import Deed, Participant


def deeds_visible(
    *,
    user: Any,
    community: Organisation | None = None,
    member: Any = None,
    team: Any = None,
    unit: Any = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Deed]:
    qs = Deed.objects.visible_to(user)
    if community is not None:
        qs = qs.filter(subtree_q("community__path", community.path))
    if member is not None:
        qs = qs.filter(participants__member=member)
    if team is not None:
        qs = qs.filter(team=team)
    if unit is not None:
        qs = qs.filter(units=unit)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    return (
        qs.select_related("community", "household", "team")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("member").order_by("member__name"),
            ),
            "units",
        )
        .order_by("-date", "-pk")
    )


@dataclass(frozen=True)
class Tally:
    deeds: int = 0
    hours: Decimal = Decimal(0)
    households: int = 0
    last: dt.date | None = None


def member_tallies(
    member_ids: list[int],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    community: Organisation | None = None,
    since: Mapping[int, dt.date] | None = None,
) -> dict[int, Tally]:
    """Each member's deeds in a period (optionally in one community): how many, the hours given,
    the distinct households served and the date of the last — one query.

    ``since`` (member id → date) starts the period later for some members (a check-in's year
    starts on the day of checking in); members sharing a date share one condition, so the
    query stays one whatever the number of members."""
    qs = Participant.objects.filter(member_id__in=member_ids)
    if start is not None:
        qs = qs.filter(deed__date__gte=start)
    if end is not None:
        qs = qs.filter(deed__date__lte=end)
    if since:
        by_day: dict[dt.date, list[int]] = {}
        for m, day in since.items():
            by_day.setdefault(day, []).append(m)
        unbounded = [m for m in member_ids if m not in since]
        window = Q(member_id__in=unbounded) if unbounded else Q(pk__in=[])
        for day, ms in by_day.items():
            window |= Q(member_id__in=ms, deed__date__gte=day)
        qs = qs.filter(window)
    if community is not None:
        qs = qs.filter(subtree_q("deed__community__path", community.path))
    rows = qs.values("member_id").annotate(
        n=Count("deed_id", distinct=True),
        h=Sum("hours"),
        hh=Count("deed__household_id", distinct=True),
        last=Max("deed__date"),
    )
    return {r["member_id"]: Tally(r["n"], r["h"] or Decimal(0), r["hh"], r["last"]) for r in rows}


def last_deed_on(member_ids: list[int]) -> dict[int, dt.date]:
    """The date of each member's latest deed, anywhere (for "no assigned work" of art. 9)."""
    return dict(
        Participant.objects.filter(member_id__in=member_ids)
        .values("member_id")
        .annotate(d=Max("deed__date"))
        .values_list("member_id", "d")
    )


def team_tallies(team_ids: list[int], *, year: int) -> dict[int, tuple[int, Decimal, int]]:
    """Each team's year: services done, hours given, distinct members — two queries."""
    y = Q(date__year=year)
    services = dict(
        Deed.objects.filter(y, team_id__in=team_ids)
        .values("team_id")
        .annotate(n=Count("pk"))
        .values_list("team_id", "n")
    )
    rows = (
        Participant.objects.filter(deed__team_id__in=team_ids, deed__date__year=year)
        .values("deed__team_id")
        .annotate(h=Sum("hours"), m=Count("member_id", distinct=True))
    )
    out = {t: (services.get(t, 0), Decimal(0), 0) for t in team_ids}
    for r in rows:
        t = r["deed__team_id"]
        out[t] = (services.get(t, 0), r["h"] or Decimal(0), r["m"])
    return out


def pickable(*, user: Any, member: Any, start: dt.date, end: dt.date) -> QuerySet[Deed]:
    """Deeds the member took part in within a period, as the user may see them: what can be
    attached to a commitment or a post holding instead of typing it again."""
    return deeds_visible(user=user, member=member, start=start, end=end)
