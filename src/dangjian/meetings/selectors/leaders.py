"""County leaders linked to communities (县领导联系社区, rule ``council.county_leaders``).

Each community has ``leaders_per_community`` linked county leaders; each quarter at least
``visits_per_quarter`` supervision visits (meetings of kind LEADER_VISIT naming a linked leader)
and ``meetings_per_quarter`` joint meetings a linked leader attended (COUNCIL meetings of a
JOINT body with ``Meeting.leaders``). A meeting counts for the quarter its date falls in: a
visit on 31 March counts for the first quarter. Leaders are counted as linked on the quarter's
last day (or today, while the quarter runs). Locality overrides are honoured per community.

Both the community page and the roll-up are a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from dangjian.core import rules
from dangjian.core.access import subtree_q
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from ..models import BodyKind, LeaderLink, Meeting, MeetingKind
from .bodies import _ancestor_ids
from .bodies import org_or_404 as org_or_404  # noqa: PLC0414

RULE = "council.county_leaders"
KEYS = ("leaders_per_community", "visits_per_quarter", "meetings_per_quarter")


def numbers_for(paths: list[str]) -> dict[str, dict[str, int]]:
    """The rule's numbers for each organisation path (one query only with locality overrides)."""
    paths_set = set(paths)
    if not rules.override_org_codes():
        default = {k: int(v) for k, v in rules.effective(RULE).items() if k in KEYS}
        return {p: default for p in paths_set}
    ids = {i for p in paths_set for i in _ancestor_ids(p)}
    codes = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "code"))
    out = {}
    for p in paths_set:
        chain = tuple(codes[i] for i in _ancestor_ids(p) if i in codes)
        out[p] = {k: int(v) for k, v in rules.effective(RULE, org_codes=chain).items() if k in KEYS}
    return out


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
    return start, end - dt.timedelta(days=1)


def _linked_on(links: list[LeaderLink] | list[tuple[dt.date, dt.date | None]], on: dt.date) -> int:
    n = 0
    for ln in links:
        since, until = (ln.since, ln.until) if isinstance(ln, LeaderLink) else ln
        if since <= on and (until is None or until >= on):
            n += 1
    return n


@dataclass
class Quarter:
    number: int
    start: dt.date
    end: dt.date
    today: dt.date
    leaders: int
    visits: int
    meetings: int
    need_leaders: int
    need_visits: int
    need_meetings: int
    visit_list: list[Meeting] = field(default_factory=list)
    meeting_list: list[Meeting] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.start.year}Q{self.number}"

    @property
    def future(self) -> bool:
        return self.start > self.today

    @property
    def running(self) -> bool:
        return self.start <= self.today <= self.end

    @property
    def leaders_ok(self) -> bool:
        return self.leaders >= self.need_leaders

    @property
    def visits_ok(self) -> bool:
        return self.visits >= self.need_visits

    @property
    def meetings_ok(self) -> bool:
        return self.meetings >= self.need_meetings

    @property
    def ok(self) -> bool:
        return self.leaders_ok and self.visits_ok and self.meetings_ok

    @property
    def state(self) -> str:
        """``done`` met · ``short`` over and not met · ``open`` running, not met yet ·
        ``future`` not begun."""
        if self.future:
            return "future"
        if self.ok:
            return "done"
        return "open" if self.running else "short"

    @property
    def shortfalls(self) -> list[str]:
        from django.utils.translation import gettext as _

        out = []
        if not self.leaders_ok:
            out.append(
                _("联系县领导 %(n)d/%(need)d 名") % {"n": self.leaders, "need": self.need_leaders}
            )
        if not self.visits_ok:
            out.append(_("督导 %(n)d/%(need)d 次") % {"n": self.visits, "need": self.need_visits})
        if not self.meetings_ok:
            out.append(
                _("参加联席会 %(n)d/%(need)d 次") % {"n": self.meetings, "need": self.need_meetings}
            )
        return out


def _led_meetings(user: Any, *, year: int) -> QuerySet[Meeting]:
    """Held visits and joint meetings of ``year`` with at least one linked leader."""
    return (
        Meeting.objects.visible_to(user)
        .filter(date__year=year, cancelled=False)
        .filter(
            Q(kind=MeetingKind.LEADER_VISIT)
            | Q(kind=MeetingKind.COUNCIL, body__kind=BodyKind.JOINT)
        )
        .filter(leaders__isnull=False)
        .distinct()
    )


def _quarters(
    *,
    year: int,
    today: dt.date,
    links: list,
    meetings: list[tuple[int, str, dt.date]] | list[Meeting],
    numbers: dict[str, int],
    keep: bool = False,
) -> list[Quarter]:
    out = []
    for q in range(1, 5):
        start, end = quarter_bounds(year, q)
        on = min(end, today) if start <= today else end
        mine = [m for m in meetings if start <= m.date <= end]
        visits = [m for m in mine if m.kind == MeetingKind.LEADER_VISIT]
        joint = [m for m in mine if m.kind == MeetingKind.COUNCIL]
        out.append(
            Quarter(
                number=q,
                start=start,
                end=end,
                today=today,
                leaders=_linked_on(links, on),
                visits=len(visits),
                meetings=len(joint),
                need_leaders=numbers["leaders_per_community"],
                need_visits=numbers["visits_per_quarter"],
                need_meetings=numbers["meetings_per_quarter"],
                visit_list=visits if keep else [],
                meeting_list=joint if keep else [],
            )
        )
    return out


@dataclass
class CommunityLeaders:
    community: Organisation
    year: int
    links: list[LeaderLink]
    quarters: list[Quarter]
    numbers: dict[str, int]

    @property
    def current_links(self) -> list[LeaderLink]:
        return [ln for ln in self.links if ln.until is None]

    @property
    def leader_rows(self) -> list[LeaderRow]:
        """Each linked leader's own visits and joint meetings per quarter (no query: read from
        the meetings already fetched with their leaders)."""
        return per_leader(self)


@dataclass
class LeaderQuarter:
    """One leader in one quarter: the rule asks each linked leader for ``need_visits`` visits
    and ``need_meetings`` joint meetings."""

    quarter: Quarter
    linked: bool
    visits: int
    meetings: int

    @property
    def ok(self) -> bool:
        q = self.quarter
        return self.visits >= q.need_visits and self.meetings >= q.need_meetings

    @property
    def state(self) -> str:
        """``na`` not linked that quarter · otherwise as :attr:`Quarter.state`."""
        if not self.linked:
            return "na"
        if self.quarter.future:
            return "future"
        if self.ok:
            return "done"
        return "open" if self.quarter.running else "short"


@dataclass
class LeaderRow:
    link: LeaderLink
    quarters: list[LeaderQuarter]

    @property
    def short(self) -> int:
        return sum(1 for q in self.quarters if q.state == "short")


def per_leader(data: CommunityLeaders) -> list[LeaderRow]:
    rows = []
    for ln in data.links:
        quarters = []
        for q in data.quarters:
            linked = ln.since <= q.end and (ln.until is None or ln.until >= q.start)
            visits = sum(1 for m in q.visit_list if ln in m.leaders.all())
            joint = sum(1 for m in q.meeting_list if ln in m.leaders.all())
            quarters.append(LeaderQuarter(quarter=q, linked=linked, visits=visits, meetings=joint))
        rows.append(LeaderRow(link=ln, quarters=quarters))
    return rows


def links_of(*, user: Any, community: Organisation) -> list[LeaderLink]:
    return list(
        LeaderLink.objects.visible_to(user)
        .filter(community=community)
        .order_by("until", "since", "name")
    )


def community_leaders(
    *, user: Any, community: Organisation, year: int, today: dt.date
) -> CommunityLeaders:
    """A community's linked leaders and, per quarter of ``year``, the visits and the joint
    meetings they attended against the rule. Three queries (four with locality overrides)."""
    links = links_of(user=user, community=community)
    meetings = list(
        _led_meetings(user, year=year)
        .filter(org=community)
        .select_related("body")
        .prefetch_related("leaders")
        .order_by("date", "id")
    )
    numbers = numbers_for([community.path])[community.path]
    return CommunityLeaders(
        community=community,
        year=year,
        links=links,
        quarters=_quarters(
            year=year, today=today, links=links, meetings=meetings, numbers=numbers, keep=True
        ),
        numbers=numbers,
    )


@dataclass
class RollupRow:
    community: Organisation
    linked: int
    quarters: list[Quarter]
    #: each linked leader's own visits and joint meetings per quarter
    leader_rows: list[LeaderRow] = field(default_factory=list)

    @property
    def short(self) -> list[Quarter]:
        return [q for q in self.quarters if q.state == "short"]


@dataclass(frozen=True)
class _Led:
    """A held visit or joint meeting of the roll-up and the linked leaders who took part."""

    pk: int
    kind: str
    date: dt.date
    leader_ids: frozenset[int]


def _per_leader_rows(
    links: list[LeaderLink], quarters: list[Quarter], led: list[_Led]
) -> list[LeaderRow]:
    rows = []
    for ln in links:
        mine = [m for m in led if ln.pk in m.leader_ids]
        out = []
        for q in quarters:
            inside = [m for m in mine if q.start <= m.date <= q.end]
            out.append(
                LeaderQuarter(
                    quarter=q,
                    linked=ln.since <= q.end and (ln.until is None or ln.until >= q.start),
                    visits=sum(1 for m in inside if m.kind == MeetingKind.LEADER_VISIT),
                    meetings=sum(1 for m in inside if m.kind == MeetingKind.COUNCIL),
                )
            )
        rows.append(LeaderRow(link=ln, quarters=out))
    return rows


def leaders_rollup(*, user: Any, org: Organisation, year: int, today: dt.date) -> list[RollupRow]:
    """Every community under ``org`` (or ``org`` itself), which quarters of ``year`` fall
    short, and each linked leader's own visits and joint meetings per quarter. Three queries
    (four with locality overrides), however many communities, leaders and meetings: the
    communities, their links, and the held meetings with one row per leader taking part."""
    communities = list(
        Organisation.objects.visible_to(user)
        .filter(subtree_q("path", org.path), kind__in=COMMUNITY_KINDS, is_active=True)
        .order_by("path")
    )
    links: dict[int, list[LeaderLink]] = defaultdict(list)
    for ln in (
        LeaderLink.objects.visible_to(user)
        .filter(subtree_q("community__path", org.path))
        .order_by("until", "since", "name", "pk")
    ):
        links[ln.community_id].append(ln)
    kinds: dict[int, tuple[int, str, dt.date]] = {}
    leaders: dict[int, set[int]] = defaultdict(set)
    for pk, org_id, kind, day, leader_id in (
        _led_meetings(user, year=year)
        .filter(subtree_q("org__path", org.path), org__kind__in=COMMUNITY_KINDS)
        .values_list("pk", "org_id", "kind", "date", "leaders")
        .order_by("date", "pk")
    ):
        kinds[pk] = (org_id, kind, day)
        leaders[pk].add(leader_id)
    led: dict[int, list[_Led]] = defaultdict(list)
    for pk, (org_id, kind, day) in kinds.items():
        led[org_id].append(_Led(pk, kind, day, frozenset(leaders[pk])))
    numbers = numbers_for([c.path for c in communities])
    on = min(today, dt.date(year, 12, 31))
    rows = []
    for c in communities:
        spans = [(ln.since, ln.until) for ln in links[c.pk]]
        quarters = _quarters(
            year=year, today=today, links=spans, meetings=led[c.pk], numbers=numbers[c.path]
        )
        rows.append(
            RollupRow(
                community=c,
                linked=_linked_on(spans, on),
                quarters=quarters,
                leader_rows=_per_leader_rows(links[c.pk], quarters, led[c.pk]),
            )
        )
    return rows
