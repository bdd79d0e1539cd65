"""Reads of cadence: one organisation's grid, and the roll-up of everything below a street.

The number of queries does not depend on how many organisations or meetings there are: the
organisations of the subtree with their full-member counts (one query), the held meetings of the
subtree for the year grouped by organisation, kind, body kind, "a county leader took part" and
month (one query), the current county-leader links per community (one query) and, only when a
locality has numbers of its own for some organisation, the codes of the root's ancestors (one
query). Everything else is :mod:`dangjian.meetings.cadence`, in Python.

The roll-up reads, with the organisations, what :mod:`dangjian.meetings.cadence_kept` keeps of
their closed periods, and then only the meetings of the open periods (plus, in the same
statement, the closed months of organisations with nothing valid kept) — see that module.
``cadence_lights`` gives the roll-up's lights alone, from plain rows (a county's dashboard).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Substr

from dangjian.core import rules, sqlplan
from dangjian.core.access import get_visible_or_404, subtree_q
from dangjian.members.models import Member, State, Status
from dangjian.orgs.models import COMMUNITY_KINDS, UPPER_KINDS, Organisation

from .. import cadence as cad
from .. import cadence_kept as kept
from ..models import LeaderLink, Meeting

PAGE_SIZE = 50
SORTS = ("light", "-overdue", "-due", "name")
_SEVERITY = {cad.RED: 0, cad.AMBER: 1, cad.GREEN: 2}


# ---- rule numbers per organisation, without a query per organisation -----------------------
class NumbersBook:
    """Rule numbers as they apply to each organisation, honouring locality overrides.

    ``rules.value(..., org=org)`` looks up the organisation's ancestors' codes with a query; here
    the codes come from the paths of rows already read, and the numbers are computed once per
    distinct set of overriding ancestors.
    """

    def __init__(self, codes: Mapping[int, str]) -> None:
        self.codes = codes
        self.overriding = rules.override_org_codes()
        self._memo: dict[tuple[str, tuple[str, ...]], Mapping[str, Any]] = {}
        self._numbers: dict[tuple[str, ...], cad.Numbers] = {}

    def for_path(self, path: str) -> cad.Numbers:
        """The numbers for the organisation at ``path``: the same object for every
        organisation with the same overriding ancestors (``cadence_kept`` relies on it)."""
        codes: tuple[str, ...] = ()
        if self.overriding:
            ids = [int(p) for p in path.strip("/").split("/") if p]
            codes = tuple(c for c in (self.codes.get(i) for i in ids) if c and c in self.overriding)
        got = self._numbers.get(codes)
        if got is not None:
            return got

        def numbers(rule_id: str) -> Mapping[str, Any]:
            key = (rule_id, codes)
            if key not in self._memo:
                self._memo[key] = rules.effective(rule_id, org_codes=codes)
            return self._memo[key]

        self._numbers[codes] = numbers
        return numbers


def _book(root: Organisation, orgs: list[Organisation]) -> NumbersBook:
    codes = {o.pk: o.code for o in orgs}
    if rules.override_org_codes():
        # the root's ancestors may be outside what the user sees; only their codes are read
        codes.update(
            Organisation.objects.filter(pk__in=root.ancestor_ids()).values_list("pk", "code")
        )
    return NumbersBook(codes)


# ---- the reads -------------------------------------------------------------------------------
def _full_members() -> Count:
    return Count(
        "members",
        filter=Q(members__status=Status.FULL, members__state=State.ACTIVE),
        distinct=True,
    )


class _CountOf(Func):
    """How many rows a (limited) subquery gives."""

    template = "(SELECT COUNT(*) FROM %(expressions)s AS counted)"
    output_field = IntegerField()


def _full_members_up_to_a_committee() -> _CountOf:
    """Full members counted only up to the largest committee threshold any locality sets: all
    a light depends on is whether there are enough (``cadence_kept`` fingerprints that too), and
    a county's branches need not have every member read — one index range of a few rows each."""
    rule = "org.branch_committee_threshold"
    cap = max(
        int(rules.effective(rule, org_codes=codes)["min_full_members"])
        for codes in [(), *((c,) for c in sorted(rules.override_org_codes()))]
    )
    full = Member.objects.filter(org_id=OuterRef("pk"), status=Status.FULL, state=State.ACTIVE)
    return _CountOf(Subquery(full.order_by().values("pk")[:cap]))


def _year_bounds(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)


def _held(
    user: Any,
    *,
    root_path: str,
    year: int,
    today: dt.date,
    kinds: bool = True,
    wide: bool = False,
) -> QuerySet[Meeting]:
    """Held meetings of the subtree in ``year`` up to ``today``, of the kinds a rule counts
    (``kinds=False``: the caller filters kinds itself — each kind in an ``IN`` list is one
    more index range per organisation)."""
    start, end = _year_bounds(year, today)
    # the date's own index left aside on SQLite (core.sqlplan): the subtree's organisations
    # lead, and every date condition (here and in the parts of _grouped) is on ``_day``
    held = (
        Meeting.objects.visible_to(user)
        .alias(_day=sqlplan.day_alias("date", using=Meeting.objects.db, wide=wide))
        .filter(subtree_q("org__path", root_path), cancelled=False, _day__gte=start, _day__lte=end)
    )
    if kinds:
        held = held.filter(kind__in=cad.COUNTED_KINDS)
    return held.annotate(
        led=Exists(Meeting.leaders.through.objects.filter(meeting_id=OuterRef("pk"))),
    ).order_by()


def _leader_counts(user: Any, *, root_path: str, on: dt.date) -> dict[int, int]:
    rows = (
        LeaderLink.objects.visible_to(user)
        .filter(subtree_q("community__path", root_path), since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gt=on))
        .values("community_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["community_id"]: r["n"] for r in rows}


@dataclass
class LeaderCheck:
    """The structural check of the county-leader rule: enough leaders linked now."""

    linked: int
    required: int

    @property
    def ok(self) -> bool:
        return self.linked >= self.required


@dataclass
class OrgCadence:
    org: Organisation
    evaluation: cad.Evaluation
    full_members: int
    leaders: LeaderCheck | None = None
    #: the community the organisation is in (the roll-up's root for what is in none of them)
    community: Organisation | None = None

    @property
    def light(self) -> str:
        return self.evaluation.light


def _leader_check(org: Organisation, counts: dict[int, int], numbers: cad.Numbers):
    if org.kind not in COMMUNITY_KINDS:
        return None
    need = int(numbers("council.county_leaders")["leaders_per_community"])
    return LeaderCheck(linked=counts.get(org.pk, 0), required=need)


def _evaluate(
    org: Any, counts: Any, numbers: cad.Numbers, *, year: int, today: dt.date, **options: Any
) -> cad.Evaluation:
    """``cad.evaluate`` for one organisation (a model instance or a plain row with ``kind``,
    ``established_on`` and ``full``); ``options``: meetings, cells, only, kept, memo."""
    return cad.evaluate(
        org_kind=org.kind,
        year=year,
        today=today,
        counts=counts,
        numbers=numbers,
        established_on=org.established_on,
        full_members=org.full,
        **options,
    )


def cadence_for_org(*, user: Any, org: Organisation | int, year: int, today: dt.date) -> OrgCadence:
    """One organisation's grid for ``year``, each done period with the meetings that did it.
    An organisation the user cannot see is a 404."""
    pk = org.pk if isinstance(org, Organisation) else org
    org = get_visible_or_404(Organisation.objects.annotate(full=_full_members()), user, pk=pk)
    rows = (
        _held(user, root_path=org.path, year=year, today=today)
        .filter(org_id=org.pk)
        .values_list("pk", "date", "kind", "body__kind", "led")
    )
    held = [
        cad.Held(month=d, kind=k, body_kind=b, led=led, meetings=((mid, d),))
        for mid, d, k, b, led in rows
    ]
    numbers = _book(org, [org]).for_path(org.path)
    checks = cad.checks_for(org.kind)
    counts, found = cad.tally(held, checks, numbers)
    evaluation = _evaluate(
        org,
        counts,
        numbers,
        year=year,
        today=today,
        meetings=found,
    )
    leaders = None
    if org.kind in COMMUNITY_KINDS:
        on = _year_bounds(year, today)[1]
        leaders = _leader_check(org, _leader_counts(user, root_path=org.path, on=on), numbers)
    return OrgCadence(org=org, evaluation=evaluation, full_members=org.full, leaders=leaders)


def evaluations_under(
    *, user: Any, root: Organisation, year: int, today: dt.date
) -> list[tuple[Organisation, cad.Evaluation]]:
    """Every organisation with cadence rules in ``root``'s subtree (active, in tree order) with
    its grid for ``year`` — the same evaluation as :func:`cadence_for_org`, for a whole subtree in
    two queries (three with locality overrides). Each organisation carries ``full``."""
    orgs = list(
        Organisation.objects.visible_to(user)
        .filter(subtree_q("path", root.path), is_active=True, kind__in=cad.KINDS_WITH_RULES)
        .annotate(full=_full_members())
        .order_by("path")
    )
    held: dict[int, list[cad.Held]] = {o.pk: [] for o in orgs}
    for org_id, day, kind, body_kind, led in _held(
        user, root_path=root.path, year=year, today=today, wide=sqlplan.is_wide(root)
    ).values_list("org_id", "date", "kind", "body__kind", "led"):
        if org_id in held:
            held[org_id].append(cad.Held(month=day, kind=kind, body_kind=body_kind, led=led))
    book = _book(root, orgs)
    out = []
    for org in orgs:
        numbers = book.for_path(org.path)
        counts, _found = cad.tally(held[org.pk], cad.checks_for(org.kind), numbers)
        evaluation = _evaluate(
            org,
            counts,
            numbers,
            year=year,
            today=today,
        )
        out.append((org, evaluation))
    return out


def _closed_filter(orgs: list[Organisation], year: int, months: int) -> Q:
    """The held meetings of the closed months of ``orgs`` (by id when they are a few, else the
    whole subtree — the rows of the others are not used)."""
    q = Q(date__lte=kept.closed_end(year, months), kind__in=cad.COUNTED_KINDS)
    if len(orgs) * 4 < 3 * PAGE_SIZE:
        q &= Q(org_id__in=[o.pk for o in orgs])
    return q


def _closed_counts(
    buckets: dict[int, list[cad.Held]],
    orgs: list[Organisation],
    numbers_of: dict[int, cad.Numbers],
    year: int,
    today: dt.date,
) -> dict[int, tuple[int, int]]:
    """(overdue, done) of the closed periods of ``orgs``, from their held meetings."""
    out = {}
    memo: dict[Any, Any] = {}
    for org in orgs:
        numbers = numbers_of[org.pk]
        checks = cad.checks_for(org.kind)
        counts, _found = cad.tally(buckets.get(org.pk, ()), checks, numbers, memo)
        evaluation = _evaluate(
            org,
            counts,
            numbers,
            year=year,
            today=today,
            cells=False,
            only=cad.CLOSED,
            memo=memo,
        )
        out[org.pk] = (evaluation.overdue, evaluation.done)
    return out


@dataclass
class Group:
    """The rows of one community (on the page asked for) with the community's subtotals of
    red/amber/green over all its organisations, whatever the filter and the page."""

    org: Organisation  # the community, or the roll-up's root for what is in no community
    totals: dict[str, int]
    rows: list[OrgCadence] = field(default_factory=list)
    own: bool = False  # a street's (town's, county's) own organisations, in no community
    continued: bool = False  # the group began on an earlier page

    @property
    def count(self) -> int:
        return sum(self.totals.values())

    @property
    def behind(self) -> int:
        return self.totals.get(cad.RED, 0) + self.totals.get(cad.AMBER, 0)


@dataclass
class Rollup:
    root: Organisation
    year: int
    today: dt.date
    rows: list[OrgCadence]  # the page asked for (all rows when no page was asked for)
    totals: dict[str, int] = field(default_factory=dict)
    page: Page | None = None
    groups: list[Group] = field(default_factory=list)  # the rows by community (``grouped``)

    @property
    def count(self) -> int:
        return sum(self.totals.values())


def _communities(root: Organisation, orgs: list[Organisation]) -> dict[int, Organisation]:
    """Each organisation's community — the outermost community organisation on its path
    among those read — or the root for an organisation in none (the street itself, a unit's
    organisation directly under it). No query: the paths say it."""
    by_id = {o.pk: o for o in orgs}
    out: dict[int, Organisation] = {}
    for org in orgs:
        out[org.pk] = root
        for pk in org.ancestor_ids():
            above = by_id.get(pk)
            if above is not None and above.kind in COMMUNITY_KINDS:
                out[org.pk] = above
                break
    return out


def _groups(
    root: Organisation, rows: list[OrgCadence], totals: dict[int, dict[str, int]]
) -> list[Group]:
    """The rows (already in group order) cut into runs of one community each."""
    out: list[Group] = []
    for row in rows:
        community = row.community or root
        if not out or out[-1].org.pk != community.pk:
            out.append(
                Group(
                    org=community,
                    totals=totals[community.pk],
                    own=community.pk == root.pk and root.kind in UPPER_KINDS,
                )
            )
        out[-1].rows.append(row)
    return out


def _sort_key(sort: str):
    if sort == "name":
        return lambda r: r.org.path
    if sort == "-overdue":
        return lambda r: (-r.evaluation.overdue, -r.evaluation.due, r.org.path)
    if sort == "-due":
        return lambda r: (-r.evaluation.due, -r.evaluation.overdue, r.org.path)
    return lambda r: (_SEVERITY[r.light], -r.evaluation.overdue, r.org.path)


OPEN_PART, CLOSED_PART = 0, 1


def _grouped(
    held: QuerySet[Meeting], parts: list[tuple[int, Q]] | None = None
) -> dict[int, dict[int, list[cad.Held]]]:
    """Held meetings per organisation, grouped by kind, body kind, leader and month — per part:
    with ``parts`` ((tag, filter) pairs) the ``UNION ALL`` of each filter's groups, tagged, in
    one statement; without, everything under :data:`OPEN_PART`."""
    out: dict[int, dict[int, list[cad.Held]]] = defaultdict(lambda: defaultdict(list))

    def grouped(qs: QuerySet[Meeting], tag: int) -> QuerySet[Meeting]:
        # the month as text ("2026-03", a native substring on both databases) rather than
        # TruncMonth, which SQLite computes in a Python callback per row
        return (
            qs.annotate(month=Substr(Cast("date", CharField()), 1, 7), part=Value(tag))
            .values_list("part", "org_id", "kind", "body__kind", "led", "month")
            .annotate(n=Count("id"))
        )

    if parts:
        first, *others = [
            grouped(held.filter(sqlplan.renamed(q, "date", "_day")), tag) for tag, q in parts
        ]
        held = first.union(*others, all=True) if others else first
    else:
        held = grouped(held, OPEN_PART)
    # thousands of plain rows: read them straight from the cursor, without Django's per-value
    # converters (a third of the fetch time on SQLite; every value is already plain)
    sql, params = held.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    months: dict[str, dt.date] = {}
    for part, org_id, kind, body_kind, led, month, n in rows:
        day = months.get(month)
        if day is None:
            day = months[month] = dt.date(int(month[:4]), int(month[5:7]), 1)
        out[part][org_id].append(cad.Held(month=day, kind=kind, body_kind=body_kind, led=led, n=n))
    return out


def _rule_orgs(
    user: Any, root: Organisation, year: int, months: int, full: Any = None
) -> QuerySet[Organisation]:
    """The active organisations of the subtree that have cadence rules, in tree order, each with
    ``full`` (by default every full member counted) and, when closed months are kept
    (``months``), its kept row and stamp."""
    orgs = (
        Organisation.objects.visible_to(user)
        .filter(subtree_q("path", root.path), is_active=True, kind__in=cad.KINDS_WITH_RULES)
        # a thousand rows: the two timestamps are a third of the time Django spends making them
        .defer("created_at", "updated_at")
        .annotate(full=full or _full_members())
    )
    if months:
        orgs = orgs.annotate(**kept.annotations(year))
    return orgs.order_by("path")


def _evaluated_closed(
    user: Any, root: Organisation, orgs: list[Any], year: int, today: dt.date, months: int
) -> tuple[dict[int, cad.Numbers], dict[int, tuple[int, int]], dict[int, list[cad.Held]]]:
    """Each organisation's rule numbers, its (overdue, done) of the closed periods — kept, or
    computed now and kept for the next request — and its held meetings of the periods still to
    evaluate (the open ones; all of them when nothing is kept, ``months`` 0). ``orgs`` as read
    by :func:`_rule_orgs` (model instances or :class:`_OrgRow`)."""
    book = _book(root, orgs)
    numbers_of = {org.pk: book.for_path(org.path) for org in orgs}
    closed: dict[int, tuple[int, int]] = {}
    stale: list[Any] = []
    parts: list[tuple[int, Q]] | None = None
    if months:
        prints = kept.Prints(year, months)
        fingerprints = {org.pk: prints.of(org, numbers_of[org.pk]) for org in orgs}
        for org in orgs:
            counts = kept.kept_counts(org, fingerprints[org.pk])
            if counts is None:
                stale.append(org)
            else:
                closed[org.pk] = counts
        # the open periods' meetings, and those of the closed months of what has nothing (or
        # nothing valid) kept, in one statement
        parts = [(OPEN_PART, q) for q in kept.open_filters(today, year, set(numbers_of.values()))]
        if stale:
            parts.append((CLOSED_PART, _closed_filter(stale, year, months)))
    held = _grouped(
        _held(
            user,
            root_path=root.path,
            year=year,
            today=today,
            kinds=parts is None,
            wide=sqlplan.is_wide(root),
        ),
        parts,
    )
    if stale:
        closed.update(_closed_counts(held[CLOSED_PART], stale, numbers_of, year, today))
        kept.store_later(year, [(o.pk, fingerprints[o.pk], *closed[o.pk]) for o in stale])
    return numbers_of, closed, held[OPEN_PART]


def cadence_rollup(
    *,
    user: Any,
    root: Organisation | int,
    year: int,
    today: dt.date,
    page: Any = None,
    light: str = "",
    sort: str = "light",
    grouped: bool = False,
    keep: bool = True,
) -> Rollup:
    """Every organisation of the subtree that has cadence rules, with its light, and the totals
    of red/amber/green over all of them. ``page`` (a number) cuts the rows to one page of 50;
    ``None`` gives every row (the export). ``light`` filters the rows, not the totals.
    ``grouped``: the rows in their communities (tree order), sorted within each, and
    ``groups`` holding each community's rows of the page with its subtotals over all its
    organisations — no more queries than without.

    ``keep``: use (and refresh) what :mod:`~dangjian.meetings.cadence_kept` keeps of the closed
    periods and evaluate only the open ones; ``False`` evaluates every period from the meetings
    (the same result, slower)."""
    pk = root.pk if isinstance(root, Organisation) else root
    root = get_visible_or_404(Organisation.objects, user, pk=pk)
    months = kept.closed_months(year, today) if keep else 0
    orgs = list(_rule_orgs(user, root, year, months))
    numbers_of, closed, buckets = _evaluated_closed(user, root, orgs, year, today, months)
    on = _year_bounds(year, today)[1]
    leader_counts = _leader_counts(user, root_path=root.path, on=on)
    out: list[OrgCadence] = []
    totals = dict.fromkeys(cad.LIGHTS, 0)
    communities = _communities(root, orgs)
    subtotals: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(cad.LIGHTS, 0))
    memo: dict[Any, Any] = {}
    for org in orgs:
        numbers = numbers_of[org.pk]
        checks = cad.checks_for(org.kind)
        counts, _found = cad.tally(buckets.get(org.pk, ()), checks, numbers, memo)
        evaluation = _evaluate(
            org,
            counts,
            numbers,
            year=year,
            today=today,
            cells=False,
            only=cad.OPEN if months else "",
            kept=closed.get(org.pk, (0, 0)),
            memo=memo,
        )
        totals[evaluation.light] += 1
        community = communities[org.pk]
        subtotals[community.pk][evaluation.light] += 1
        out.append(
            OrgCadence(
                org=org,
                evaluation=evaluation,
                full_members=org.full,
                leaders=_leader_check(org, leader_counts, numbers),
                community=community,
            )
        )
    if light in cad.LIGHTS:
        out = [r for r in out if r.light == light]
    key = _sort_key(sort if sort in SORTS else "light")
    if grouped:
        out.sort(key=lambda r: (r.community.path, key(r)))
    else:
        out.sort(key=key)
    result = Rollup(root=root, year=year, today=today, rows=out, totals=totals)
    if page is not None:
        result.page = Paginator(out, PAGE_SIZE).get_page(page)
        result.rows = list(result.page.object_list)
    if grouped:
        result.groups = _groups(root, result.rows, subtotals)
        if result.groups and result.page is not None and result.page.start_index() > 1:
            before = out[result.page.start_index() - 2]
            result.groups[0].continued = before.community.pk == result.groups[0].org.pk
    return result


class _OrgRow(NamedTuple):
    """What the lights need of an organisation: a plain row, not a model instance (a county has
    tens of thousands of organisations; making the instances cost more than judging them)."""

    pk: int
    path: str
    code: str
    kind: str
    established_on: dt.date | None
    full: int
    kept_row: str | None = None
    kept_stamp: str | None = None


def cadence_lights(
    *, user: Any, root: Organisation, year: int, today: dt.date
) -> list[tuple[str, str]]:
    """(path, light) of every organisation of the subtree that has cadence rules, in tree order:
    the lights of :func:`cadence_rollup` (kept closed periods and all) without its rows, for the
    counts of a whole county (the dashboard). ``root`` must be visible to ``user``.

    Organisations judged alike get one evaluation: the same rule numbers, kind, committee or
    not, kept counts and counts of the open periods, and a founding date that decides nothing
    this year (on or before 1 January: every period evaluated starts on or after it) — most
    organisations of a county, whose evaluation would otherwise be most of the page."""
    months = kept.closed_months(year, today)
    fields = ["pk", "path", "code", "kind", "established_on", "full"]
    if months:
        fields += ["kept_row", "kept_stamp"]
    read = _rule_orgs(user, root, year, months, full=_full_members_up_to_a_committee())
    orgs = [_OrgRow(*r) for r in read.values_list(*fields)]
    numbers_of, closed, buckets = _evaluated_closed(user, root, orgs, year, today, months)
    first = dt.date(year, 1, 1)
    memo: dict[Any, Any] = {}
    lights: dict[tuple[Any, ...], str] = {}
    out = []
    for org in orgs:
        numbers = numbers_of[org.pk]
        held = buckets.get(org.pk)
        counts = cad.tally(held, cad.checks_for(org.kind), numbers, memo)[0] if held else {}
        need = int(numbers("org.branch_committee_threshold")["min_full_members"])
        since = org.established_on if org.established_on and org.established_on > first else None
        kept_counts = closed.get(org.pk, (0, 0))
        key = (id(numbers), org.kind, since, org.full >= need, kept_counts, *sorted(counts.items()))
        light = lights.get(key)
        if light is None:
            light = lights[key] = _evaluate(
                org,
                counts,
                numbers,
                year=year,
                today=today,
                cells=False,
                only=cad.OPEN if months else "",
                kept=kept_counts,
                memo=memo,
            ).light
        out.append((org.path, light))
    return out


def default_org(user: Any) -> Organisation | None:
    """The user's top organisation: the shallowest one they can see."""
    return (
        Organisation.objects.visible_to(user)
        .filter(is_active=True)
        .order_by("depth", "path")
        .first()
    )
