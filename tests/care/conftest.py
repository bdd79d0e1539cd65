"""Helpers for the care tests: members on the care list through the real services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangjian.care import holidays, services
from tests.factories import make_member

D = dt.date
JAN_2025 = D(2025, 1, 1)


def make_recipient(member=None, *, org=None, since=JAN_2025, **kw):
    member = member or make_member(org=org)
    if not (kw.get("elderly") or kw.get("weak") or kw.get("hardship")):
        kw["hardship"] = True
    return services.recipient_add(acting_user=None, member=member, since=since, **kw)


def next_holiday():
    """The coming holiday (as the plan page shows it today)."""
    return holidays.upcoming(today=timezone.localdate(), count=1)[0]


def last_holiday_before_today():
    """A holiday whose break is over, and a visit date that counts for it (not in the future)."""
    today = timezone.localdate()
    for year in (today.year, today.year - 1):
        past = [b for b in holidays.breaks(year) if b.end < today]
        if past:
            b = past[-1]
            return b, min(b.start, today)
    raise AssertionError("no holiday before today")
