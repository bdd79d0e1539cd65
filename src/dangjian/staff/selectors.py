"""Reads of the staff roster: who is in post, and each community's staffing against the quotas of
seed [002] (rules ``staff.county_seat`` and ``staff.other_town``), rolled up per town and county.

A community is staffed as a county-seat community when it or an organisation above it is marked
``is_county_seat``. Every shortfall names its rule's title and source, so a secretary can see why
the platform says so. Costs a fixed number of queries for any number of communities.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from dangjian.core import rules
from dangjian.core.access import subtree_q
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from .models import Staff

SEAT_RULE = "staff.county_seat"
TOWN_RULE = "staff.other_town"

#: The quota keys of both rules, in the order a table shows them: (rule key, kind, sub-post)
QUOTA_KEYS: tuple[tuple[str, str, str], ...] = (
    ("admin", Staff.Kind.ADMIN, ""),
    ("institution", Staff.Kind.INSTITUTION, ""),
    ("public_welfare", Staff.Kind.PUBLIC_WELFARE, ""),
    ("of_which_family_planning", Staff.Kind.PUBLIC_WELFARE, Staff.SubPost.FAMILY_PLANNING),
    ("of_which_social_security", Staff.Kind.PUBLIC_WELFARE, Staff.SubPost.SOCIAL_SECURITY),
    ("of_which_security_info", Staff.Kind.PUBLIC_WELFARE, Staff.SubPost.SECURITY_INFO),
)


def quota_label(key: str) -> str:
    _k, kind, sub = next(q for q in QUOTA_KEYS if q[0] == key)
    if sub:
        return _("其中%(s)s") % {"s": Staff.SubPost(sub).label}
    return str(Staff.Kind(kind).label)


@dataclass(frozen=True)
class Shortfall:
    key: str
    label: str
    have: int
    need: int
    rule_id: str
    rule_title: str
    rule_source: str

    @property
    def missing(self) -> int:
        return self.need - self.have


@dataclass
class Staffing:
    community: Organisation
    county_seat: bool
    rule_id: str
    counts: dict[str, int]
    quota: dict[str, int]
    total: int
    hired: int
    shortfalls: list[Shortfall] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[str, str, int, int, int]]:
        """(key, label, have, need, missing) for every quota line."""
        return [
            (
                k,
                quota_label(k),
                self.counts[k],
                self.quota[k],
                max(self.quota[k] - self.counts[k], 0),
            )
            for k, _a, _b in QUOTA_KEYS
        ]


def staff_visible(*, user: Any, community: Organisation, on: dt.date) -> QuerySet[Staff]:
    """The community's workers in post on ``on`` that the user may see, with their member."""
    return (
        Staff.objects.visible_to(user)
        .filter(community=community)
        .current(on)
        .select_related("member", "member__org")
        .order_by("kind", "sub_post", "name", "pk")
    )


def communities_under(*, user: Any, org: Organisation) -> list[Organisation]:
    """The active communities at or below ``org`` the user may see, in tree order."""
    return list(
        Organisation.objects.visible_to(user)
        .filter(subtree_q("path", org.path), kind__in=list(COMMUNITY_KINDS), is_active=True)
        .order_by("path")
    )


def staffing(communities: list[Organisation], *, on: dt.date) -> list[Staffing]:
    """Each community's staff in post on ``on`` against its quota (three queries in all)."""
    if not communities:
        return []
    ancestor_ids = {i for c in communities for i in c.ancestor_ids()}
    above = {
        pk: (code, seat)
        for pk, code, seat in Organisation.objects.filter(pk__in=ancestor_ids).values_list(
            "pk", "code", "is_county_seat"
        )
    }
    counts: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for cid, kind, sub, n in (
        Staff.objects.current(on)
        .filter(community__in=communities)
        .values_list("community_id", "kind", "sub_post")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[cid][(kind, sub)] = n
    out = []
    for c in communities:
        ids = c.ancestor_ids()
        seat = any(above.get(i, ("", False))[1] for i in ids)
        rule_id = SEAT_RULE if seat else TOWN_RULE
        codes = tuple(above[i][0] for i in ids if i in above)
        quota = rules.effective(rule_id, org_codes=codes)
        rule = rules.get(rule_id)
        mine = counts.get(c.pk, {})
        have = {}
        for key, kind, sub in QUOTA_KEYS:
            if sub:
                have[key] = mine.get((kind, sub), 0)
            else:
                have[key] = sum(n for (k, _s), n in mine.items() if k == kind)
        row = Staffing(
            community=c,
            county_seat=seat,
            rule_id=rule_id,
            counts=have,
            quota={k: int(quota.get(k, 0)) for k, _a, _b in QUOTA_KEYS},
            total=sum(mine.values()),
            hired=sum(n for (k, _s), n in mine.items() if k == Staff.Kind.HIRED),
        )
        for key, _kind, _sub in QUOTA_KEYS:
            if row.counts[key] < row.quota[key]:
                row.shortfalls.append(
                    Shortfall(
                        key=key,
                        label=quota_label(key),
                        have=row.counts[key],
                        need=row.quota[key],
                        rule_id=rule_id,
                        rule_title=rule.title,
                        rule_source=rule.source,
                    )
                )
        out.append(row)
    return out


@dataclass(frozen=True)
class Rollup:
    communities: int
    short: int
    staff: int
    missing: dict[str, int]


def rollup(rows: list[Staffing]) -> Rollup:
    """Totals of a town or county: how many communities fall short, and of what."""
    missing: dict[str, int] = defaultdict(int)
    for r in rows:
        for s in r.shortfalls:
            missing[s.key] += s.missing
    return Rollup(
        communities=len(rows),
        short=sum(1 for r in rows if r.shortfalls),
        staff=sum(r.total for r in rows),
        missing=dict(missing),
    )


def seconded_ending(*, user: Any, org: Organisation, on: dt.date) -> QuerySet[Staff]:
    """Seconded cadres in post whose term ends within the rule's reminder days (or has ended)."""
    days = int(rules.value("staff.seconded_term", "remind_days_before", org=org))
    return (
        Staff.objects.changeable_by(user)
        .filter(subtree_q("community__path", org.path), is_seconded=True)
        .current(on)
        .filter(seconded_until__isnull=False, seconded_until__lte=on + dt.timedelta(days=days))
        .filter(Q(left_on__isnull=True))
    )
