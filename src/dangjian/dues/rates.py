"""The monthly dues from a base and a bracket kind (SPEC §13, dues regulations 2008). Pure: the
numbers come from the rules table (``dues.in_service``, ``dues.retired``, ``dues.flat``).

Brackets are ``[upper, rate]`` pairs, the upper bound inclusive (3000 yuan exactly pays 0.5%),
``None`` for the open top. Money is Decimal, rounded to the fen half up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

IN_SERVICE, RETIRED, FLAT = "in_service", "retired", "flat"
FEN = Decimal("0.01")

Numbers = Callable[[str], Mapping[str, Any]]


def rate_for(base: Decimal, brackets: list[list[Any]]) -> Decimal:
    for upper, rate in brackets:
        if upper is None or base <= Decimal(str(upper)):
            return Decimal(str(rate))
    raise ValueError("brackets must end with an open bracket")


def monthly_dues(kind: str, base: Decimal | None, numbers: Numbers) -> Decimal:
    """What a member pays a month."""
    if kind == FLAT:
        return Decimal(str(numbers("dues.flat")["yuan_per_month"])).quantize(FEN, ROUND_HALF_UP)
    rule = {IN_SERVICE: "dues.in_service", RETIRED: "dues.retired"}[kind]
    base = Decimal(base or 0)
    return (base * rate_for(base, numbers(rule)["brackets"])).quantize(FEN, ROUND_HALF_UP)
