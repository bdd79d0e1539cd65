"""Reads of check-ins: each checked-in member's year against the rule (1–2 deeds, at least one
household paired: ``cobuild.member_deeds``) — the deeds counted from ``deeds``, the posts from
``commitments.PostHolder`` — and the "invisible" members — checked in, then
nothing for ``member.invisible`` months (seed [003])."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from dangjian.commitments.models_posts import PostHolder
from dangjian.core import rules
from dangjian.core.access import subtree_q
from dangjian.deeds.models import Deed
from dangjian.deeds.selectors import deeds_visible, member_tallies
from dangjian.dues.months import add_months
from dangjian.meetings.models import COUNTS_AS_ATTENDED, Attendance
from dangjian.orgs.models import Organisation

from .models import CHECKIN_RELATED, CheckIn


def checkins_visible(*, user: Any, community: Organisation | None = None) -> QuerySet[CheckIn]:
    qs = CheckIn.objects.visible_to(user).filter(ended_on__isnull=True)
    if community is not None:
        qs = qs.filter(subtree_q("community__path", community.path))
    return qs.select_related(*CHECKIN_RELATED).order_by("community__path", "member__name", "pk")


def checkin_deeds(*, user: Any, checkin: CheckIn) -> QuerySet[Deed]:
    """The deeds of a check-in as ``user`` may see them: those its member took part in, in the
    community checked in to, from the day of checking in until it ended."""
    return deeds_visible(
        user=user,
        member=checkin.member,
        community=checkin.community,
        start=checkin.checked_in_on,
        end=checkin.ended_on,
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
    posts: list[str] = field(default_factory=list)

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

    @property
    def post_label(self) -> str:
        """The posts the member holds in the community checked in to, for one cell."""
        return "、".join(self.posts)


def _deed_tallies(
    checkins: list[CheckIn], y0: dt.date, y1: dt.date
) -> tuple[dict[int, int], dict[int, dt.date]]:
    """Each check-in's deeds this year and the date of its last deed: the deeds its member took
    part in, in the community checked in to (its subtree), while checked in — counted by
    ``deeds.selectors.member_tallies``, two queries per community (and end date) in the list,
    so a volunteer service or a co-building activity the member took part in counts too."""
    groups: dict[tuple[int, dt.date | None], list[CheckIn]] = defaultdict(list)
    for c in checkins:
        groups[(c.community_id, c.ended_on)].append(c)
    year: dict[int, int] = {}
    last: dict[int, dt.date] = {}
    for (_community, ended), rows in groups.items():
        community = rows[0].community
        ids = [c.member_id for c in rows]
        end = min(y1, ended) if ended else y1
        # A check-in's year starts on the later of 1 January and the day of checking in.
        this_year = member_tallies(
            ids,
            start=y0,
            end=end,
            community=community,
            since={c.member_id: max(y0, c.checked_in_on) for c in rows},
        )
        # The last deed: one done in the community before checking in is older than the
        # check-in itself, which counts as activity anyway, so no lower bound is needed.
        ever = member_tallies(ids, end=ended, community=community)
        for c in rows:
            t = this_year.get(c.member_id)
            year[c.pk] = t.deeds if t else 0
            e = ever.get(c.member_id)
            if e is not None and e.last is not None:
                last[c.pk] = e.last
    return year, last


def _posts(checkins: list[CheckIn]) -> dict[int, list[str]]:
    """The posts each member holds (open holdings) in the community checked in to: one query."""
    by_member = {c.member_id: c for c in checkins}
    out: dict[int, list[str]] = defaultdict(list)
    for mid, name, path in (
        PostHolder.objects.filter(member_id__in=list(by_member), until__isnull=True)
        .order_by("post__kind", "post__order", "post_id")
        .values_list("member_id", "post__name", "post__community__path")
    ):
        c = by_member[mid]
        if path.startswith(c.community.path):
            out[c.pk].append(name)
    return out


def standings(checkins: list[CheckIn], *, year: int, today: dt.date) -> list[Standing]:
    """The year of each check-in: a fixed number of queries for any number of check-ins of one
    community (pairings, deeds ×2, posts, meetings)."""
    ids = [c.pk for c in checkins]
    y0, y1 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counts = {
        r["pk"]: r
        for r in CheckIn.objects.filter(pk__in=ids)
        .annotate(
            n_pairs=Count(
                "pairings",
                filter=Q(pairings__since__lte=y1)
                & (Q(pairings__until__isnull=True) | Q(pairings__until__gte=y0)),
                distinct=True,
            ),
            last_pair=Max("pairings__since"),
        )
        .values("pk", "n_pairs", "last_pair")
    }
    deeds_this_year, last_deed = _deed_tallies(checkins, y0, y1) if checkins else ({}, {})
    posts = _posts(checkins) if checkins else {}
    # Community activity: meetings of the community checked in to, not those of the member's
    # own branch or its groups (an in-service member's branch life is their employer's
    # business, wherever the branch sits).
    seen: dict[int, dt.date] = {}
    by_member = {c.member_id: c for c in checkins}
    for mid, own, path, d in (
        Attendance.objects.filter(
            member__in=list(by_member), status__in=COUNTS_AS_ATTENDED, meeting__cancelled=False
        )
        .values("member_id", "member__org__path", "meeting__org__path")
        .annotate(d=Max("meeting__date"))
        .values_list("member_id", "member__org__path", "meeting__org__path", "d")
    ):
        c = by_member[mid]
        if (
            not path.startswith(own)
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
                last_deed.get(c.pk),
                r.get("last_pair"),
                seen.get(c.member_id),
            )
            if d
        ]
        out.append(
            Standing(
                checkin=c,
                deeds=deeds_this_year.get(c.pk, 0),
                households=r.get("n_pairs", 0),
                last_active=max(dates),
                deeds_min=int(numbers["min_per_year"]),
                deeds_max=int(numbers["max_per_year"]),
                households_min=int(numbers["min_households"]),
                silent_months=int(
                    rules.value("member.invisible", "silent_months", org=c.community)
                ),
                today=today,
                posts=posts.get(c.pk, []),
            )
        )
    return out
