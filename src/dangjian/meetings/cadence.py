"""Cadence: is every meeting the rules ask for held, period by period (SPEC §3, §4, §13)?

Pure evaluation — no database. The selectors (``selectors/cadence.py``) read the meetings once,
bucketed by month, and hand them here; this module knows the periods, which rule applies to which
kind of organisation (:data:`CHECKS`, the one table), and turns counts into statuses:

- ``done``     the period has at least the required number of held meetings;
- ``overdue``  the period has ended without them;
- ``due``      the period contains today and is not done yet;
- ``upcoming`` the period has not started;
- ``na``       not required: the organisation did not exist yet when the period began, or the
  rule does not apply to it (a branch below the committee threshold has no committee).

A meeting counts when it is held (not cancelled) and its date is not after today; a meeting on
the last day of a period counts for that period. Numbers and periods come from the rules table
(``core/rules.py``) through the ``numbers`` callable, so a locality override changes the outcome.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from dangjian.core import rules
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS, OrgKind

from .models import BodyKind, MeetingKind

# ---- periods -------------------------------------------------------------------------------
MONTH, QUARTER, HALF, YEAR = "month", "quarter", "half", "year"
PERIOD_KINDS = (MONTH, QUARTER, HALF, YEAR)
_MONTHS_IN = {MONTH: 1, QUARTER: 3, HALF: 6, YEAR: 12}

DONE, OVERDUE, DUE, UPCOMING, NA = "done", "overdue", "due", "upcoming", "na"
RED, AMBER, GREEN = "red", "amber", "green"
#: The two halves of a year's periods as of a day: those that have ended, and the others.
CLOSED, OPEN = "closed", "open"
LIGHTS = (RED, AMBER, GREEN)


@dataclass(frozen=True, order=True)
class Period:
    """One month, quarter, half or year: ``index`` counts from 1 within the year."""

    start: dt.date
    end: dt.date  # inclusive: a meeting on this day counts
    kind: str
    index: int
    key: str = field(compare=False)  # "2025-03", "2025-Q1", "2025-H1", "2025"

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return _("%(n)d月") % {"n": self.index}
        if self.kind == QUARTER:
            return (_("一季度"), _("二季度"), _("三季度"), _("四季度"))[self.index - 1]
        if self.kind == HALF:
            return (_("上半年"), _("下半年"))[self.index - 1]
        return _("全年")

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


_KEY_FORMAT = {MONTH: "{y}-{i:02d}", QUARTER: "{y}-Q{i}", HALF: "{y}-H{i}", YEAR: "{y}"}


@lru_cache(maxsize=4096)
def _period(year: int, kind: str, index: int) -> Period:
    if kind not in _MONTHS_IN:
        raise ValueError(f"unknown period kind: {kind}")
    span = _MONTHS_IN[kind]
    first = (index - 1) * span + 1
    last = first + span - 1
    start = dt.date(year, first, 1)
    end = (dt.date(year + 1, 1, 1) if last == 12 else dt.date(year, last + 1, 1)) - dt.timedelta(1)
    return Period(start, end, kind, index, _KEY_FORMAT[kind].format(y=year, i=index))


def period_of(day: dt.date, kind: str) -> Period:
    """The period of ``kind`` that contains ``day``."""
    if kind not in _MONTHS_IN:
        raise ValueError(f"unknown period kind: {kind}")
    return _period(day.year, kind, (day.month - 1) // _MONTHS_IN[kind] + 1)


@lru_cache(maxsize=256)
def _periods(year: int, kind: str) -> tuple[Period, ...]:
    if kind not in _MONTHS_IN:
        raise ValueError(f"unknown period kind: {kind}")
    return tuple(_period(year, kind, i) for i in range(1, 12 // _MONTHS_IN[kind] + 1))


def periods_in(year: int, kind: str) -> list[Period]:
    """Every period of ``kind`` in ``year``, in order."""
    return list(_periods(year, kind))


# ---- which rule applies to whom: the one table ----------------------------------------------
@dataclass(frozen=True)
class Check:
    """One line of the cadence grid: meetings of ``meeting_kind`` (of a body of ``body_kind``,
    with a linked county leader if ``with_leader``) counted against ``rules[rule_id][count_key]``
    per ``rules[rule_id]["period"]`` (or ``period`` when the rule names none)."""

    id: str
    rule_id: str
    meeting_kind: str
    org_kinds: frozenset[str]
    body_kind: str | None = None
    with_leader: bool = False
    count_key: str = "min_count"
    period: str = ""
    needs_committee: bool = False
    suffix: str = ""  # added to the rule title when one rule makes several lines

    def matches(self, kind: str, body_kind: str | None, led: bool) -> bool:
        return (
            kind == self.meeting_kind
            and (self.body_kind is None or body_kind == self.body_kind)
            and (led or not self.with_leader)
        )


_BRANCH = frozenset(str(k) for k in BRANCH_KINDS)
_COMMUNITY = frozenset(str(k) for k in COMMUNITY_KINDS)
_GROUP = frozenset({str(OrgKind.GROUP)})
_TOWNS = frozenset({str(OrgKind.TOWN), str(OrgKind.STREET)})
_COUNTY = frozenset({str(OrgKind.COUNTY)})
_MK, _BK = MeetingKind, BodyKind

CHECKS: tuple[Check, ...] = (
    Check("meeting.branch_general", "meeting.branch_general", _MK.BRANCH_GENERAL, _BRANCH),
    Check(
        "meeting.branch_committee",
        "meeting.branch_committee",
        _MK.BRANCH_COMMITTEE,
        _BRANCH,
        needs_committee=True,
    ),
    Check("meeting.party_lecture", "meeting.party_lecture", _MK.PARTY_LECTURE, _BRANCH),
    Check("meeting.theme_day", "meeting.theme_day", _MK.THEME_DAY, _BRANCH),
    Check("meeting.org_life", "meeting.org_life", _MK.ORG_LIFE, _BRANCH),
    Check("meeting.member_appraisal", "meeting.member_appraisal", _MK.MEMBER_APPRAISAL, _BRANCH),
    Check("meeting.group", "meeting.group", _MK.GROUP, _GROUP),
    Check("council.joint", "council.joint", _MK.COUNCIL, _COMMUNITY, body_kind=_BK.JOINT),
    Check(
        "council.county_leaders.visits",
        "council.county_leaders",
        _MK.LEADER_VISIT,
        _COMMUNITY,
        with_leader=True,
        count_key="visits_per_quarter",
        period=QUARTER,
        suffix="（督导）",
    ),
    Check(
        "council.county_leaders.meetings",
        "council.county_leaders",
        _MK.COUNCIL,
        _COMMUNITY,
        body_kind=_BK.JOINT,
        with_leader=True,
        count_key="meetings_per_quarter",
        period=QUARTER,
        suffix="（参加联席会）",
    ),
    Check(
        "council.coordination",
        "council.coordination",
        _MK.COUNCIL,
        _TOWNS,
        body_kind=_BK.COORDINATION,
    ),
    Check("council.guidance", "council.guidance", _MK.COUNCIL, _COUNTY, body_kind=_BK.GUIDANCE),
)
CHECKS_BY_ID = {c.id: c for c in CHECKS}
#: Organisation kinds that have at least one cadence rule (the roll-up lists only these).
KINDS_WITH_RULES = frozenset().union(*(c.org_kinds for c in CHECKS))
#: Meeting kinds any check counts (the aggregate reads only these).
COUNTED_KINDS = tuple(sorted({str(c.meeting_kind) for c in CHECKS}))


@lru_cache(maxsize=64)
def _checks_for(org_kind: str) -> tuple[Check, ...]:
    return tuple(c for c in CHECKS if org_kind in c.org_kinds)


def checks_for(org_kind: str) -> list[Check]:
    return list(_checks_for(str(org_kind)))


Numbers = Callable[[str], Mapping[str, Any]]


def default_numbers(rule_id: str) -> Mapping[str, Any]:
    """The rule's numbers with configuration-wide overrides (no organisation's own)."""
    return rules.effective(rule_id)


def period_kind(check: Check, numbers: Numbers) -> str:
    return str(numbers(check.rule_id).get("period") or check.period or YEAR)


# ---- counting --------------------------------------------------------------------------------
class Held(NamedTuple):
    """Held meetings of one organisation in one month (or one meeting, with ``meetings``).
    A named tuple: the roll-up of a street makes tens of thousands of these, and a frozen
    dataclass costs several times more to construct."""

    month: dt.date  # any day of the month (the date of the meeting will do)
    kind: str
    body_kind: str | None
    led: bool  # at least one linked county leader took part
    n: int = 1
    meetings: tuple[tuple[int, dt.date], ...] = ()


def tally(
    held: Iterable[Held],
    checks: Iterable[Check],
    numbers: Numbers,
    memo: dict[Any, Any] | None = None,
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], list[tuple[int, dt.date]]]]:
    """Counts (and the meetings, where known) per (check id, period key).

    ``memo``: a dict the caller keeps for one computation over many organisations (the same
    ``numbers`` objects throughout) — what depends only on the checks and the numbers is
    worked out once, not once per organisation."""
    checks = list(checks)
    state = None
    if memo is not None:
        mkey = ("tally", id(numbers), tuple(c.id for c in checks))
        state = memo.get(mkey)
    if state is None:
        # a thousand organisations each with a few dozen rows: match each (kind, body,
        # leader) against the checks once, and find each month's period key once
        state = ({c.id: period_kind(c, numbers) for c in checks}, {}, {})
        if memo is not None:
            memo[mkey] = state
    kinds: dict[str, str] = state[0]
    matching: dict[tuple[str, str | None, bool], list[Check]] = state[1]
    keys: dict[tuple[str, dt.date, str], tuple[str, str]] = state[2]
    counts: dict[tuple[str, str], int] = defaultdict(int)
    found: dict[tuple[str, str], list[tuple[int, dt.date]]] = defaultdict(list)
    for h in held:
        sig = (h.kind, h.body_kind, h.led)
        hits = matching.get(sig)
        if hits is None:
            hits = matching[sig] = [c for c in checks if c.matches(*sig)]
        for c in hits:
            kkey = (c.id, h.month, kinds[c.id])
            key = keys.get(kkey)
            if key is None:
                key = keys[kkey] = (c.id, period_of(h.month, kinds[c.id]).key)
            counts[key] += h.n
            if h.meetings:
                found[key].extend(h.meetings)
    return dict(counts), dict(found)


# ---- evaluating ------------------------------------------------------------------------------
@dataclass
class Cell:
    period: Period
    status: str
    count: int
    meetings: list[tuple[int, dt.date]] = field(default_factory=list)


@dataclass
class Line:
    check: Check
    title: str
    source: str
    explain: str
    period_kind: str
    required: int
    applicable: bool
    reason: str
    cells: list[Cell]


@dataclass
class Evaluation:
    """One organisation's cadence for one year."""

    year: int
    today: dt.date
    lines: list[Line]
    light: str
    overdue: int
    due: int
    done: int


def _status(period: Period, count: int, required: int, today: dt.date, since: dt.date | None):
    if count >= required:
        return DONE
    if since is not None and since > period.start:
        return NA
    if period.start > today:
        return UPCOMING
    if period.end < today:
        return OVERDUE
    return DUE


def _plan(
    org_kind: str, year: int, today: dt.date, numbers: Numbers, only: str
) -> list[tuple[Check, rules.Rule, str, int, int | None, list[Period]]]:
    """Per check: its rule, period kind, required count, committee threshold (for a check
    that needs a committee) and the periods to evaluate."""
    out = []
    for check in _checks_for(org_kind):
        values = numbers(check.rule_id)
        kind = period_kind(check, numbers)
        need = None
        if check.needs_committee:
            need = int(numbers("org.branch_committee_threshold")["min_full_members"])
        periods = [
            p for p in _periods(year, kind) if not only or (p.end < today) == (only == CLOSED)
        ]
        out.append(
            (check, rules.get(check.rule_id), kind, int(values[check.count_key]), need, periods)
        )
    return out


def evaluate(
    *,
    org_kind: str,
    year: int,
    today: dt.date,
    counts: Mapping[tuple[str, str], int],
    numbers: Numbers = default_numbers,
    established_on: dt.date | None = None,
    full_members: int | None = None,
    meetings: Mapping[tuple[str, str], list[tuple[int, dt.date]]] | None = None,
    cells: bool = True,
    only: str = "",
    kept: tuple[int, int] = (0, 0),
    memo: dict[Any, Any] | None = None,
) -> Evaluation:
    """Status of every applicable rule for every period of ``year`` as of ``today``.

    ``counts`` are held meetings per (check id, period key) — see :func:`tally`; ``meetings``
    optionally the (id, date) of those meetings, to show which satisfied a period.
    ``full_members`` decides whether a branch has a committee (``None``: assume it has).
    ``cells=False`` counts the statuses without keeping a cell per period (the roll-up of a
    thousand organisations needs only the totals).

    ``only``: :data:`CLOSED` evaluates only the periods that ended before ``today`` (their
    statuses are done, overdue or na whatever day it is later), :data:`OPEN` only the others;
    ``kept`` is (overdue, done) of the closed periods counted earlier, added to the totals —
    see ``cadence_kept``. Both halves together are the whole evaluation. ``memo``: as for
    :func:`tally`.
    """
    plan = None
    if memo is not None:
        mkey = ("evaluate", id(numbers), str(org_kind), year, today, only)
        plan = memo.get(mkey)
    if plan is None:
        plan = _plan(str(org_kind), year, today, numbers, only)
        if memo is not None:
            memo[mkey] = plan
    lines: list[Line] = []
    overdue, done = kept
    due = 0
    for check, rule, kind, required, need, periods in plan:
        applicable, reason = True, ""
        if need is not None and full_members is not None and full_members < need:
            applicable = False
            rkey = ("reason", full_members, need)
            reason = memo.get(rkey) if memo is not None else None
            if reason is None:
                reason = _(
                    "本支部正式党员 %(n)d 名，不足 %(need)d 名，不设支部委员会，此项不适用。"
                ) % {"n": full_members, "need": need}
                if memo is not None:
                    memo[rkey] = reason
        out: list[Cell] = []
        for p in periods:
            n = counts.get((check.id, p.key), 0)
            status = _status(p, n, required, today, established_on) if applicable else NA
            if status == OVERDUE:
                overdue += 1
            elif status == DUE:
                due += 1
            elif status == DONE:
                done += 1
            if cells:
                found = meetings.get((check.id, p.key)) if meetings else None
                out.append(Cell(p, status, n, sorted(found, key=lambda m: m[1]) if found else []))
        lines.append(
            Line(
                check=check,
                title=rule.title + check.suffix,
                source=rule.source,
                explain=rule.explain,
                period_kind=kind,
                required=required,
                applicable=applicable,
                reason=reason,
                cells=out,
            )
        )
    light = RED if overdue else AMBER if due else GREEN
    return Evaluation(year, today, lines, light, overdue, due, done)


def light_label(light: str) -> str:
    return {RED: _("有逾期"), AMBER: _("本期待开"), GREEN: _("按时召开")}.get(light, light)


def status_label(status: str) -> str:
    return {
        DONE: _("已开"),
        OVERDUE: _("逾期"),
        DUE: _("待开"),
        UPCOMING: _("未到"),
        NA: _("不适用"),
    }.get(status, status)


def period_kind_label(kind: str) -> str:
    return {MONTH: _("每月"), QUARTER: _("每季度"), HALF: _("每半年"), YEAR: _("每年")}.get(
        kind, kind
    )
