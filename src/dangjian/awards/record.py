"""The record behind a nominee (优秀党务工作者的工作记录), counted from the platform's own records —
nothing typed: offices held, organisational life attended in the round's year and the year
before, party lectures given, deeds and volunteer hours, training days, commitments and their
grades. A handful of queries per nominee, whatever the length of the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from dangjian.commitments.models import Commitment
from dangjian.deeds.selectors import member_tallies
from dangjian.meetings.models import Attendance as MeetingAttendance
from dangjian.meetings.models import AttendanceStatus, Meeting, MeetingKind
from dangjian.orgs.models import Office
from dangjian.training.models import Attendance as TrainingAttendance

from .models import Nomination


@dataclass
class YearFigures:
    year: int
    meetings_attended: int = 0  # present
    meetings_excused: int = 0
    meetings_absent: int = 0
    lectures: int = 0
    deeds: int = 0
    volunteer_hours: Decimal = Decimal(0)
    households: int = 0
    courses: int = 0
    training_days: int = 0


@dataclass
class NomineeRecord:
    nomination: Nomination
    years: list[YearFigures]
    offices: list[Office] = field(default_factory=list)
    lectures: list[Meeting] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)

    def year(self, y: int) -> YearFigures:
        return next(f for f in self.years if f.year == y)


def nominee_record(nomination: Nomination) -> NomineeRecord:
    """The nominee's record for the round's year and the year before."""
    year = nomination.round.year
    years = [year - 1, year]
    start, end = dt.date(year - 1, 1, 1), dt.date(year, 12, 31)
    figures = {y: YearFigures(y) for y in years}
    member_id = nomination.member_id
    rec = NomineeRecord(nomination, [figures[y] for y in years])
    if member_id:
        # offices held at any time during the two years
        rec.offices = list(
            Office.objects.filter(member_id=member_id, term_start__lte=end)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
            .select_related("org")
            .order_by("term_start", "pk")
        )
        # organisational life: meetings held, by year and attendance
        rows = (
            MeetingAttendance.objects.filter(
                member_id=member_id,
                meeting__cancelled=False,
                meeting__date__gte=start,
                meeting__date__lte=end,
            )
            .values("meeting__date__year", "status")
            .annotate(n=Count("pk"))
        )
        for r in rows:
            f = figures[r["meeting__date__year"]]
            if r["status"] == AttendanceStatus.PRESENT:
                f.meetings_attended += r["n"]
            elif r["status"] == AttendanceStatus.EXCUSED:
                f.meetings_excused += r["n"]
            else:
                f.meetings_absent += r["n"]
        rec.lectures = list(
            Meeting.objects.filter(
                lecturer_id=member_id,
                kind=MeetingKind.PARTY_LECTURE,
                cancelled=False,
                date__gte=start,
                date__lte=end,
            )
            .select_related("org")
            .order_by("date", "pk")
        )
        for m in rec.lectures:
            figures[m.date.year].lectures += 1
        for y in years:
            t = member_tallies([member_id], start=dt.date(y, 1, 1), end=dt.date(y, 12, 31))
            tally = t.get(member_id)
            if tally:
                figures[y].deeds = tally.deeds
                figures[y].volunteer_hours = tally.hours
                figures[y].households = tally.households
        rec.commitments = list(
            Commitment.objects.filter(member_id=member_id, year__in=years).order_by("year", "pk")
        )
    training = Q(pk__in=[])
    if member_id:
        training |= Q(member_id=member_id)
    if nomination.staff_id:
        training |= Q(staff_id=nomination.staff_id)
    rows = (
        TrainingAttendance.objects.filter(
            training,
            completed=True,
            course__start__gte=start,
            course__start__lte=end,
        )
        .values("course__start__year")
        .annotate(n=Count("pk"), d=Sum("course__days"))
    )
    for r in rows:
        f = figures[r["course__start__year"]]
        f.courses += r["n"]
        f.training_days += r["d"] or 0
    return rec


def record_lines(rec: NomineeRecord) -> dict[str, Any]:
    """The record as short texts (for the round's .xlsx)."""
    this = rec.years[-1]
    prev = rec.years[0]
    offices = "、".join(f"{o.org.name}{o.get_title_display()}" for o in rec.offices)
    graded = "、".join(
        f"{c.year} {c.title}（{c.grade or c.get_state_display()}）" for c in rec.commitments
    )
    return {
        "offices": offices,
        "meetings": f"{prev.year}年 {prev.meetings_attended} 次；{this.year}年 {this.meetings_attended} 次",
        "lectures": prev.lectures + this.lectures,
        "deeds": prev.deeds + this.deeds,
        "hours": prev.volunteer_hours + this.volunteer_hours,
        "training_days": prev.training_days + this.training_days,
        "commitments": graded,
    }
