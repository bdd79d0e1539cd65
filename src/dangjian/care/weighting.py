"""The mutual-aid fund's weighting (rule ``care.aid_weighting``, seed 002 “党员互助金要重点向有
发展项目的社区困难党员倾斜”): each member in difficulty gets ``difficulty_weight`` shares, one with a
development project ``project_weight``; the fund is divided by shares, to the fen, and the fen
left over by rounding go one each to the largest remainders (ties: in the order given), so the
amounts always add up to the fund exactly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from dangjian.core import rules

FEN = Decimal("0.01")


@dataclass(frozen=True)
class Weights:
    project: int
    difficulty: int

    @classmethod
    def for_org(cls, org: Any = None) -> Weights:
        return cls(
            project=rules.value("care.aid_weighting", "project_weight", org=org),
            difficulty=rules.value("care.aid_weighting", "difficulty_weight", org=org),
        )

    def shares(self, *, has_project: bool) -> int:
        return self.project if has_project else self.difficulty


def divide(fund: Decimal, shares: list[int]) -> list[Decimal]:
    """``fund`` split in proportion to ``shares``; the parts sum to ``fund`` to the fen."""
    total = sum(shares)
    if total <= 0:
        return [Decimal("0.00") for _ in shares]
    fen = int((fund / FEN).to_integral_value(rounding=ROUND_DOWN))
    exact = [Decimal(fen) * s / total for s in shares]
    parts = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
    left = fen - sum(parts)
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [(Decimal(p) * FEN).quantize(FEN) for p in parts]
