"""Reads of target responsibility letters: the letters a user may see, one letter's progress
through the year, and a street's list of its communities with their letter of the year.

A linked target's figure is the assessment indicator's own (``assessment.scoring.measure_one``),
so the letter, the five goods and the drill-down page can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dangjian.assessment.selectors import communities_visible
from dangjian.orgs.models import Organisation

from .models import Judgement, Letter, ProgressNote, Status, Target

MET, NOT_MET, NO_DATA, PENDING = "met", "not_met", "no_data", "pending"
STATE_LABELS = {MET: "已达到", NOT_MET: "未达到", NO_DATA: "无数据", PENDING: "未评定"}


def letters_visible(
    *, user: Any, year: int | None = None, community: Organisation | None = None
) -> QuerySet[Letter]:
    qs = Letter.objects.visible_to(user).select_related("issuer", "community")
    if year is not None:
        qs = qs.filter(year=year)
    if community is not None:
        qs = qs.filter(community=community)
    return qs.annotate(n_targets=Count("targets")).order_by("-year", "community__path", "-pk")


def records_url(community_pk: int, year: int, key: str) -> str:
    """The indicator's drill-down page (built by the assessment app), or "" while it is missing."""
    try:
        return reverse("assessment:records", args=[community_pk, year, key])
    except NoReverseMatch:
        return ""


@dataclass
class TargetProgress:
    target: Target
    state: str  # MET / NOT_MET / NO_DATA / PENDING
    percent: Decimal | None = None  # the figure, 0–100 (linked targets)
    goal: Decimal | None = None  # the percent to reach (linked targets)
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    unit: str = ""
    url: str = ""
    notes: list[ProgressNote] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def linked(self) -> bool:
        return bool(self.target.indicator)


def _goal(target: Target, line: Any) -> Decimal:
    """The target value; a linked target without one is held to the rule's 达标线."""
    if target.target_percent is not None:
        return Decimal(target.target_percent)
    return (line.target * 100).quantize(Decimal("0.1"))


def progress(letter: Letter, *, today: dt.date | None = None) -> list[TargetProgress]:
    """Each target of the letter with where it stands today (one measure per linked target)."""
    from dangjian.assessment.indicators import get as get_indicator
    from dangjian.assessment.scoring import measure_one

    today = today or timezone.localdate()
    targets = list(
        letter.targets.prefetch_related(
            Prefetch("notes", queryset=ProgressNote.objects.order_by("day", "pk"))
        ).order_by("order", "pk")
    )
    out: list[TargetProgress] = []
    for t in targets:
        notes = list(t.notes.all())
        if not t.indicator:
            state = {Judgement.MET: MET, Judgement.NOT_MET: NOT_MET}.get(t.judgement, PENDING)
            out.append(TargetProgress(t, state, notes=notes))
            continue
        if get_indicator(t.indicator) is None:  # withdrawn since the letter was written
            out.append(TargetProgress(t, NO_DATA, notes=notes))
            continue
        line = measure_one(letter.community, letter.year, t.indicator, today=today)
        goal = _goal(t, line)
        pct = line.percent
        m = line.measure
        state = NO_DATA if pct is None else (MET if pct >= goal else NOT_MET)
        out.append(
            TargetProgress(
                t,
                state,
                percent=pct,
                goal=goal,
                numerator=m.numerator,
                denominator=m.denominator,
                unit=line.indicator.unit,
                url=records_url(letter.community_id, letter.year, t.indicator),
                notes=notes,
            )
        )
    return out


def met_of(rows: list[TargetProgress]) -> tuple[int, int]:
    """Targets met, of all targets."""
    return sum(1 for r in rows if r.state == MET), len(rows)


@dataclass
class Row:
    """One community of the list: its live letter of the year (or none yet)."""

    community: Organisation
    letter: Letter | None


def community_rows(
    *, user: Any, under: Organisation | None, year: int
) -> tuple[QuerySet[Organisation], Any]:
    """The communities below ``under`` the user may see, and a function that attaches each
    page's live letters of ``year`` in one query."""
    communities = communities_visible(user=user, under=under)

    def attach(page: list[Organisation]) -> list[Row]:
        letters = {
            x.community_id: x
            for x in Letter.objects.live()
            .filter(year=year, community__in=page)
            .select_related("issuer")
            .annotate(n_targets=Count("targets"))
        }
        return [Row(c, letters.get(c.pk)) for c in page]

    return communities, attach


def unsigned_count(*, org: Organisation, year: int) -> int:
    """Active communities below ``org`` without a signed letter for ``year`` (1 query)."""
    return unsigned(org=org, year=year).count()


def unsigned(*, org: Organisation, year: int) -> QuerySet[Organisation]:
    """Active communities below ``org`` without a signed letter for ``year`` (to count)."""
    from dangjian.core.access import subtree_q
    from dangjian.orgs.models import COMMUNITY_KINDS

    signed = Letter.objects.filter(year=year, status=Status.SIGNED).values("community_id")
    return Organisation.objects.filter(
        subtree_q("path", org.path), kind__in=list(COMMUNITY_KINDS), is_active=True
    ).exclude(pk__in=signed)
