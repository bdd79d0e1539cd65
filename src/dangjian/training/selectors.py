"""Reads of training records: the courses a user may see (by organisation, level and period,
with head counts annotated — one query), one member's record, and per-member totals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

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
            queryset=Attendance.objects.select_related("member").order_by("pk"),
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
