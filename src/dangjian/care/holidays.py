"""Chinese public holidays for the holiday-visit rule (``care.holiday_visit``).

The dates come from the ``holidays`` package (maintained; it carries the State Council's
published schedule where known and the statutory dates otherwise — lunar festivals included).
A *break* is the run of days off around a festival (weekends and substituted days off join it),
so 中秋 inside the National Day week begins with it, as people live it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays as holiday_calendar
from django.utils.translation import gettext as _

from dangjian.core import rules

from .models import Holiday

#: the package's English names → our keys (English names are the package's stable ones)
_NAMES = (
    ("New Year's Day", Holiday.NEW_YEAR.value),
    ("Chinese New Year", Holiday.SPRING_FESTIVAL.value),
    ("Tomb-Sweeping", Holiday.TOMB_SWEEPING.value),
    ("Labor Day", Holiday.LABOUR_DAY.value),
    ("Dragon Boat", Holiday.DRAGON_BOAT.value),
    ("Mid-Autumn", Holiday.MID_AUTUMN.value),
    ("National Day", Holiday.NATIONAL_DAY.value),
)
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Break:
    """One holiday in one year: the first and last day off."""

    key: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return str(Holiday(self.key).label)

    @property
    def title(self) -> str:
        return _("%(y)d年%(h)s") % {"y": self.start.year, "h": self.label}

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _key(name: str) -> str | None:
    for needle, key in _NAMES:
        if needle in name:
            return key
    return None


@lru_cache(maxsize=16)
def breaks(year: int) -> tuple[Break, ...]:
    """The holidays whose first festival day falls in ``year``, in date order."""
    cal = holiday_calendar.China(years=[year - 1, year, year + 1], language="en_US")
    listed = set(cal)

    def off(day: dt.date) -> bool:
        return day in listed or day.weekday() >= 5

    first: dict[str, dt.date] = {}
    for day in sorted(listed):
        key = _key(str(cal.get(day)))
        if key and day.year == year and key not in first:
            first[key] = day
    out = []
    for key, day in first.items():
        start = day
        while off(start - ONE_DAY):
            start -= ONE_DAY
        while start not in listed:  # a run begins on its first listed day, not a weekend
            start += ONE_DAY
        end = day
        while off(end + ONE_DAY):
            end += ONE_DAY
        out.append(Break(key, start, end))
    return tuple(sorted(out, key=lambda b: (b.start, b.key)))


@dataclass(frozen=True)
class Planned:
    """A holiday ahead (or under way), with the day visits should start."""

    brk: Break
    visit_from: dt.date
    #: the first day a visit counts for this holiday (``count_before_days`` before the break)
    counts_from: dt.date

    def is_open(self, today: dt.date) -> bool:
        return self.visit_from <= today <= self.brk.end


def keys(*, org=None) -> list[str]:  # noqa: ANN001 - an Organisation or None
    return [k for k in rules.value("care.holiday_visit", "holidays", org=org) if k in Holiday]


def upcoming(*, today: dt.date, org=None, count: int = 3) -> list[Planned]:  # noqa: ANN001
    """The next ``count`` holidays of the rule not yet over on ``today``, soonest first."""
    lead = dt.timedelta(days=rules.value("care.holiday_visit", "lead_days", org=org))
    before = dt.timedelta(days=rules.value("care.holiday_visit", "count_before_days", org=org))
    wanted = set(keys(org=org))
    found = [
        b
        for year in (today.year, today.year + 1)
        for b in breaks(year)
        if b.key in wanted and b.end >= today
    ]
    found.sort(key=lambda b: (b.start, b.key))
    return [Planned(b, b.start - lead, b.start - before) for b in found[:count]]


def open_now(*, today: dt.date, org=None) -> list[Planned]:  # noqa: ANN001
    """The holidays whose visiting time has come: from ``lead_days`` before the break to its
    last day (boundaries included)."""
    return [p for p in upcoming(today=today, org=org, count=4) if p.is_open(today)]


def occurrence(key: str, on: dt.date, *, org=None) -> Break | None:  # noqa: ANN001
    """The holiday ``key`` a visit on ``on`` was for: the one whose break begins at most
    ``count_before_days`` after the visit and ended at most ``count_after_days`` before it."""
    before = rules.value("care.holiday_visit", "count_before_days", org=org)
    after = rules.value("care.holiday_visit", "count_after_days", org=org)
    for year in (on.year - 1, on.year, on.year + 1):
        for b in breaks(year):
            if (
                b.key == key
                and b.start - dt.timedelta(days=before) <= on
                and on <= b.end + dt.timedelta(days=after)
            ):
                return b
    return None
