"""What an indicator is, and how its figure stays explainable.

An indicator measures one thing of one community in one year from the platform's own records —
say, how many of the due 三会一课 were held. It returns a :class:`Measure`: the list of
:class:`Record` rows it counted, each with the points it earned out of the points it could earn.
The figure is *derived from the list*: ``numerator`` is the sum of the records' points and
``denominator`` the sum of their ``out_of`` — so the drill-down page, which shows the same list,
always adds up to the figure (SPEC §10 "every score is explainable").

Indicators read the community's records with :func:`system_user` (every record of the community,
whoever looks): the viewer's right to see the community is checked once, by the page, and a score
never depends on who is looking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone


class Good:
    """The five goods (五个好), in the order they are always shown."""

    LEADERSHIP = "leadership"
    MEMBERS = "members"
    MECHANISM = "mechanism"
    RESULTS = "results"
    RESIDENTS = "residents"

    LABELS = {
        LEADERSHIP: "领导班子好",
        MEMBERS: "党员队伍好",
        MECHANISM: "工作机制好",
        RESULTS: "工作业绩好",
        RESIDENTS: "群众反映好",
    }
    ORDER = (LEADERSHIP, MEMBERS, MECHANISM, RESULTS, RESIDENTS)


@dataclass(frozen=True)
class Record:
    """One record an indicator counted: what it is, where to see it, and what it earned.

    For a yes/no record (a meeting held or not) leave ``points`` to ``ok``; for a graded one (an
    inspector's score 85 of 100) give ``points`` and ``out_of``.
    """

    label: str  # "第一支部 2026年3月 支部委员会会议"
    ok: bool  # met / not met — the drill-down marks it
    url: str = ""  # the record's own page ("" when it has none)
    note: str = ""  # why: "已开 1 次，应开 1 次"
    day: dt.date | None = None
    points: Decimal | int | None = None  # default: 1 if ok else 0
    out_of: Decimal | int = 1

    @property
    def earned(self) -> Decimal:
        if self.points is not None:
            return Decimal(self.points)
        return Decimal(1 if self.ok else 0)


@dataclass
class Measure:
    """An indicator's figure for one community and year, with the records behind it."""

    key: str
    records: list[Record] = field(default_factory=list)
    note: str = ""  # one line shown under the figure: "按 2026 年 1–11 月计"

    @property
    def numerator(self) -> Decimal:
        return sum((r.earned for r in self.records), Decimal(0))

    @property
    def denominator(self) -> Decimal:
        return sum((Decimal(r.out_of) for r in self.records), Decimal(0))

    @property
    def ratio(self) -> float | None:
        """Share achieved, 0–1; ``None`` when nothing was due (the indicator is not scored)."""
        d = self.denominator
        return None if not d else float(self.numerator / d)


@dataclass(frozen=True)
class Ctx:
    """What an indicator measures: one community organisation, one year, as of ``end``."""

    community: Any  # orgs.Organisation of a community kind
    year: int
    start: dt.date  # 1 January
    end: dt.date  # 31 December, or today while the year is running
    today: dt.date

    @property
    def user(self) -> Any:
        return system_user()

    @classmethod
    def of(cls, community: Any, year: int, today: dt.date | None = None) -> Ctx:
        today = today or timezone.localdate()
        start = dt.date(year, 1, 1)
        end = min(dt.date(year, 12, 31), today)
        return cls(community=community, year=year, start=start, end=end, today=today)

    @property
    def running(self) -> bool:
        return self.end < dt.date(self.year, 12, 31)


@dataclass(frozen=True)
class Indicator:
    """One indicator: a key (also its id in the rules ``assess.weights``/``assess.targets``),
    the good it belongs to, a Chinese title and explanation, and the function that measures it."""

    key: str
    good: str
    title: str
    explain: str  # what is counted, in one or two Chinese sentences
    measure: Callable[[Ctx], Measure]
    unit: str = "项"  # what one record is: 次、人、户、项、件


def system_user() -> Any:
    """A user that reaches every record, used only to compute figures (never saved or logged in)."""
    from django.contrib.auth import get_user_model

    user = get_user_model()(username="__assessment__", is_superuser=True, is_active=True)
    return user
