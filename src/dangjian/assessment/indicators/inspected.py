"""Inspectors' on-site scores as indicators (``inspect.<good>``), one per good.

Each score entered counts as a record of ``score`` points out of 100, so the indicator's figure is
the average of the scores, and the drill-down lists each of them. They count only where a
locality gives them a weight in the rule ``assess.weights`` (0 by default).
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from .base import Batch, Good, Indicator, Measure, Record


def _measure_for(good: str):
    def measure(b: Batch) -> dict[int, Measure]:
        from ..models import InspectorScore

        rows = (
            InspectorScore.objects.live()
            .filter(community__in=b.pks, year=b.year, good=good)
            .order_by("scored_on", "pk")
        )
        records: dict[int, list[Record]] = {pk: [] for pk in b.pks}
        for r in rows:
            url = reverse("assessment:inspector_scores", args=[r.community_id, b.year])
            records[r.community_id].append(
                Record(
                    label=f"{r.inspector} {r.scored_on:%Y-%m-%d}",
                    ok=r.score >= 60,
                    url=url,
                    note=r.note,
                    day=r.scored_on,
                    points=Decimal(r.score),
                    out_of=100,
                )
            )
        return {pk: Measure(key=f"inspect.{good}", records=here) for pk, here in records.items()}

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
