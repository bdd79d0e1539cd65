"""Reads of check-ins: each checked-in member's year against the rule (1–2 deeds, at least one
household paired: ``cobuild.member_deeds``), and the "invisible" members — checked in, then
nothing for ``member.invisible`` months (seed [003])."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from dangjian.core import rules
from dangjian.core.access import subtree_q
from dangjian.dues.months import add_months
from dangjian.meetings.models import COUNTS_AS_ATTENDED, Attendance
from dangjian.orgs.models import Organisation

from .models import CheckIn


def checkins_visible(*, user: Any, community: Organisation | None = None) -> QuerySet[CheckIn]:
    qs = CheckIn.objects.visible_to(user).filter(ended_on__isnull=True)
    if community is not None:
        qs = qs.filter(subtree_q("community__path", community.path))
    return qs.select_related("member__org", "community", "unit").order_by(
        "community__path", "member__name", "pk"
    )


@dataclass
class Standing:
    checkin: CheckIn
    deeds: int
    households: int
    last_active: dt.date
    deeds_min: int
    deeds_max: int
    households_min: int
    silent_months: int
    today: dt.date

    @property
    def met(self) -> bool:
        return self.deeds >= self.deeds_min and self.households >= self.households_min

    @property
    def behind(self) -> list[str]:
        out = []
        if self.deeds < self.deeds_min:
            out.append(f"今年实事 {self.deeds} 件（应 {self.deeds_min}–{self.deeds_max} 件）")
        if self.households < self.households_min:
            out.append(f"结对帮扶 {self.households} 户（应不少于 {self.households_min} 户）")
        return out

    @property
    def invisible(self) -> bool:
        return self.last_active <= add_months(self.today, -self.silent_months)


def standings(checkins: list[CheckIn], *, year: int, today: dt.date) -> list[Standing]:
    """The year of each check-in (3 queries for any number)."""
    ids = [c.pk for c in checkins]
    y0, y1 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counts = {
        r["pk"]: r
        for r in CheckIn.objects.filter(pk__in=ids)
        .annotate(
            n_deeds=Count("deeds", filter=Q(deeds__date__range=(y0, y1)), distinct=True),
            n_pairs=Count(
                "pairings",
                filter=Q(pairings__since__lte=y1)
                & (Q(pairings__until__isnull=True) | Q(pairings__until__gte=y0)),
                distinct=True,
            ),
            last_deed=Max("deeds__date"),
            last_pair=Max("pairings__since"),
        )
        .values("pk", "n_deeds", "n_pairs", "last_deed", "last_pair")
    }
    # Community activity: meetings of the community checked in to, not those of the member's
    # own branch (an in-service member's branch life is their employer's business).
    seen: dict[int, dt.date] = {}
    by_member = {c.member_id: c for c in checkins}
    for mid, org_id, path, d in (
        Attendance.objects.filter(
            member__in=list(by_member), status__in=COUNTS_AS_ATTENDED, meeting__cancelled=False
        )
        .values("member_id", "meeting__org_id", "meeting__org__path")
        .annotate(d=Max("meeting__date"))
        .values_list("member_id", "meeting__org_id", "meeting__org__path", "d")
    ):
        c = by_member[mid]
        if (
            org_id != c.member.org_id
            and path.startswith(c.community.path)
            and d > seen.get(mid, d.min)
        ):
            seen[mid] = d
    out = []
    for c in checkins:
        r = counts.get(c.pk, {})
        numbers = rules.effective("cobuild.member_deeds")
        dates = [
            d
            for d in (
                c.checked_in_on,
                r.get("last_deed"),
                r.get("last_pair"),
                seen.get(c.member_id),
            )
            if d
        ]
        out.append(
            Standing(
                checkin=c,
                deeds=r.get("n_deeds", 0),
                households=r.get("n_pairs", 0),
                last_active=max(dates),
                deeds_min=int(numbers["min_per_year"]),
                deeds_max=int(numbers["max_per_year"]),
                households_min=int(numbers["min_households"]),
                silent_months=int(
                    rules.value("member.invisible", "silent_months", org=c.community)
                ),
                today=today,
            )
        )
    return out
