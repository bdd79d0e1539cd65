"""What the member's phone page shows: only the member's own things — their record, the coming
meetings they are expected at (with their leave), the dues they still owe this year and the
notices sent to them. Nothing of any other member except the hosts of their meetings.

A fixed number of queries whatever the number of meetings, notices or months."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dangjian.dues import selectors as dues
from dangjian.dues.months import month_of
from dangjian.meetings.selectors import mine as meetings
from dangjian.members.models import Member
from dangjian.notices.selectors import for_member

#: How many coming meetings and notices the phone page lists (a display window, not a rule).
MEETINGS_SHOWN = 10
NOTICES_SHOWN = 10


@dataclass
class Dues:
    months: list[dt.date]  # months of this year up to this one, owed and not paid
    amount: Decimal

    @property
    def count(self) -> int:
        return len(self.months)


def dues_owed(*, user: Any, member: Member, today: dt.date) -> Dues:
    """This year's months, up to the current one, that the member owes and has not paid (the
    same ledger ``dues:mine`` reads)."""
    this_month = month_of(today)
    months = [m for m in dues.year_months(today.year) if m <= this_month]
    rows = dues.ledger(user=user, org=member.org, months=months, members=[member])
    owed: list[dt.date] = []
    amount = Decimal(0)
    if rows:
        for month, due, paid in zip(months, rows[0].due, rows[0].paid, strict=True):
            if due is not None and not paid:
                owed.append(month)
                amount += due
    return Dues(months=owed, amount=amount)


@dataclass
class Home:
    member: Member
    upcoming: list[meetings.Upcoming]
    more_meetings: bool
    dues: Dues
    notices: list[Any]


def home(*, user: Any, member: Member, today: dt.date) -> Home:
    rows = meetings.upcoming(member=member, today=today)
    notices = list(for_member(member, today).order_by("-publish_on", "-pk")[:NOTICES_SHOWN])
    return Home(
        member=member,
        upcoming=rows[:MEETINGS_SHOWN],
        more_meetings=len(rows) > MEETINGS_SHOWN,
        dues=dues_owed(user=user, member=member, today=today),
        notices=notices,
    )
