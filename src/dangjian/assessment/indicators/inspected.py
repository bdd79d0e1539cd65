"""Inspectors' on-site scores as indicators (``inspect.<good>``), one per good.

Each score entered counts as a record of ``score`` points out of 100, so the indicator's figure is
the average of the scores, and the drill-down lists each of them. They count only where a
locality gives them a weight in the rule ``assess.weights`` (0 by default).

The five indicators read the same table: a batch reads every good's scores once, and each
indicator takes its own good's (for a street's table, counts only, grouped sums per community
and good).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.urls import reverse

from .base import Batch, Good, Indicator, Measure, Record, Tally

#: an inspector's score from which the record counts as met
MET_FROM = 60


def _scores(b: Batch) -> dict[str, dict[int, list]]:
    """good → community → its live scores of the year, in the order they were given."""
    from ..models import InspectorScore

    out: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for r in (
        InspectorScore.objects.live()
        .filter(community__in=b.pks, year=b.year)
        .order_by("scored_on", "pk")
    ):
        out[r.good][r.community_id].append(r)
    return out


def _sums(b: Batch) -> dict[tuple[str, int], Tally]:
    """(good, community) → the sums of its live scores of the year (a few rows a community,
    added up here so each sum is exact)."""
    from ..models import InspectorScore

    out: dict[tuple[str, int], Tally] = defaultdict(Tally)
    for good, community_id, score in (
        InspectorScore.objects.live()
        .filter(community__in=b.pks, year=b.year)
        .order_by()
        .values_list("good", "community_id", "score")
    ):
        out[(good, community_id)].add(score >= MET_FROM, Decimal(score), 100)
    return out


def _measure_for(good: str):
    key = f"inspect.{good}"

    def measure(b: Batch) -> dict[int, Measure]:
        if b.counts_only:
            sums = b.shared("inspect.sums", lambda: _sums(b))
            return {pk: Measure(key=key, tally=sums.get((good, pk), Tally())) for pk in b.pks}
        found = b.shared("inspect.scores", lambda: _scores(b))[good]
        out = {}
        for pk in b.pks:
            records = []
            for r in found.get(pk, ()):
                url = reverse("assessment:inspector_scores", args=[r.community_id, b.year])
                records.append(
                    Record(
                        label=f"{r.inspector} {r.scored_on:%Y-%m-%d}",
                        ok=r.score >= MET_FROM,
                        url=url,
                        note=r.note,
                        day=r.scored_on,
                        points=Decimal(r.score),
                        out_of=100,
                    )
                )
            out[pk] = Measure(key=key, records=records)
        return out

    return measure


INDICATORS: list[Indicator] = [
    Indicator(
        key=f"inspect.{good}",
        good=good,
        title=f"考核组现场打分（{Good.LABELS[good]}）",
        explain="考核组现场打分的平均分（百分制）。本地规则未给权重时不计入。",
        many=_measure_for(good),
        unit="分",
    )
    for good in Good.ORDER
]
