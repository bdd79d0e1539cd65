"""分层评诺 (SPEC §6, seed [002]): self, fellow members, residents and the organisation rate a
commitment out of 100; the tiers' averages are combined by the weights of the rules table
(``commitment.evaluation``) into a score and a grade. Pure: no queries.

A tier nobody rated is left out and the other tiers' weights are scaled up to fill its share —
a commitment no resident rated is judged on the other three, not marked down for it. The
breakdown says which tiers counted, with their averages and effective weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

SELF, PEER, RESIDENT, ORG = "self", "peer", "resident", "org"
TIERS = (SELF, PEER, RESIDENT, ORG)
TIER_LABELS = {
    SELF: _("本人自评"),
    PEER: _("党员互评"),
    RESIDENT: _("居民评议"),
    ORG: _("组织评定"),
}
EXCELLENT, PASS, BASIC, FAIL = "优秀", "合格", "基本合格", "不合格"
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class TierResult:
    tier: str
    count: int
    mean: Decimal | None
    weight: Decimal  # effective weight after leaving out unrated tiers

    @property
    def label(self) -> str:
        return str(TIER_LABELS[self.tier])


@dataclass(frozen=True)
class Result:
    score: Decimal | None
    grade: str
    tiers: tuple[TierResult, ...]


def grade_for(score: Decimal, numbers: Mapping[str, Any]) -> str:
    if score >= Decimal(str(numbers["excellent"])):
        return EXCELLENT
    if score >= Decimal(str(numbers["pass"])):
        return PASS
    if score >= Decimal(str(numbers["basic"])):
        return BASIC
    return FAIL


def combine(scores: Mapping[str, Iterable[int]], numbers: Mapping[str, Any]) -> Result:
    """``scores``: each tier's ratings (0–100); ``numbers``: the rule's values."""
    weights = {t: Decimal(str(numbers["weights"].get(t, 0))) for t in TIERS}
    means: dict[str, tuple[int, Decimal | None]] = {}
    for t in TIERS:
        vals = list(scores.get(t, ()))
        means[t] = (len(vals), Decimal(sum(vals)) / len(vals) if vals else None)
    present = sum((weights[t] for t in TIERS if means[t][1] is not None), Decimal(0))
    tiers = []
    total = Decimal(0)
    for t in TIERS:
        n, mean = means[t]
        w = weights[t] / present if mean is not None and present else Decimal(0)
        if mean is not None:
            total += mean * w
        tiers.append(TierResult(t, n, mean.quantize(TENTH, ROUND_HALF_UP) if mean else mean, w))
    if not present:
        return Result(None, "", tuple(tiers))
    score = total.quantize(TENTH, rounding=ROUND_HALF_UP)
    return Result(score, grade_for(score, numbers), tuple(tiers))
