"""Reads of training records: the courses a user may see (by organisation, level and period,
with head counts annotated — one query), one member's record, and per-member totals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from dangjian.core import rules
from dangjian.core.access import subtree_q
from dangjian.orgs.models import Organisation

from .models import Attendance, Course


def courses_visible(
    *,
    user: Any,
    org: Organisation | None = None,
    level: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Course]:
    qs = Course.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("org__path", org.path))
    if level:
        qs = qs.filter(level=level)
    if start is not None:
        qs = qs.filter(start__gte=start)
    if end is not None:
        qs = qs.filter(start__lte=end)
    return (
        qs.select_related("org")
        .annotate(
            n_people=Count("attendances"),
            n_done=Count("attendances", filter=Q(attendances__completed=True)),
        )
        .order_by("-start", "-pk")
    )


def courses_for_export(**kw: Any) -> QuerySet[Course]:
    """As :func:`courses_visible`, with everyone who attended (two queries in all)."""
    return courses_visible(**kw).prefetch_related(
        Prefetch(
            "attendances",
            queryset=Attendance.objects.select_related("member", "staff").order_by("pk"),
        )
    )


def member_record(*, user: Any, member: Any) -> QuerySet[Attendance]:
    """A member's training record: every course they attended that the user may see."""
    return (
        Attendance.objects.visible_to(user)
        .filter(member=member)
        .select_related("course__org")
        .order_by("-course__start")
    )


def member_days(member_ids: list[int], *, year: int, level: str = "") -> dict[int, tuple[int, int]]:
    """Each member's courses and days completed in a year (for the §9 party school rules)."""
    qs = Attendance.objects.filter(
        member_id__in=member_ids, completed=True, course__start__year=year
    )
    if level:
        qs = qs.filter(course__level=level)
    rows = qs.values("member_id").annotate(n=Count("pk"), d=Sum("course__days"))
    return {r["member_id"]: (r["n"], r["d"] or 0) for r in rows}


#: The party-school rules a community worker is held to each year (SPEC §9, seed 002).
SCHOOL_RULES = (("county", "training.county"), ("town", "training.town"))


@dataclass(frozen=True)
class SchoolCheck:
    level: str
    rule_id: str
    times: int  # completed courses of the level long enough to count
    need_times: int
    min_days: int

    @property
    def met(self) -> bool:
        return self.times >= self.need_times


@dataclass(frozen=True)
class StaffTraining:
    staff: Any
    checks: tuple[SchoolCheck, ...]

    @property
    def met(self) -> bool:
        return all(c.met for c in self.checks)


def staff_compliance(staff: list[Any], *, year: int, org: Organisation) -> list[StaffTraining]:
    """Each worker against this year's party-school rules: completed courses of the level that
    last at least the rule's days, counted whether the worker attended as a party member
    (``member``) or as a worker (``staff``). One query for any number of workers."""
    need = {
        level: (
            int(rules.value(rule_id, "min_times_per_year", org=org)),
            int(rules.value(rule_id, "min_days", org=org)),
        )
        for level, rule_id in SCHOOL_RULES
    }
    member_of = {s.pk: s.member_id for s in staff if s.member_id}
    counted: dict[tuple[str, str, int], int] = defaultdict(int)
    rows = (
        Attendance.objects.filter(
            Q(member_id__in=list(member_of.values())) | Q(staff_id__in=[s.pk for s in staff]),
            completed=True,
            course__start__year=year,
            course__level__in=[lv for lv, _r in SCHOOL_RULES],
        )
        .values_list("member_id", "staff_id", "course__level", "course__days")
        .order_by()
    )
    for member_id, staff_id, level, days in rows:
        if days >= need[level][1]:
            if member_id:
                counted[("m", level, member_id)] += 1
            else:
                counted[("s", level, staff_id)] += 1
    out = []
    for s in staff:
        checks = []
        for level, rule_id in SCHOOL_RULES:
            times = counted[("s", level, s.pk)]
            if s.member_id:
                times += counted[("m", level, s.member_id)]
            checks.append(SchoolCheck(level, rule_id, times, need[level][0], need[level][1]))
        out.append(StaffTraining(s, tuple(checks)))
    return out
