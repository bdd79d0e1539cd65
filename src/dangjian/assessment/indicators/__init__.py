"""The registry of indicators: every module listed in :data:`MODULES` offers ``INDICATORS``."""

from __future__ import annotations

from functools import lru_cache

from django.utils.module_loading import import_string

from .base import Batch, Ctx, Good, Indicator, Measure, Record, system_user

MODULES = (
    "dangjian.assessment.indicators.leadership",
    "dangjian.assessment.indicators.members",
    "dangjian.assessment.indicators.mechanism",
    "dangjian.assessment.indicators.results",
    "dangjian.assessment.indicators.residents",
    "dangjian.assessment.indicators.inspected",
)

__all__ = [
    "Batch",
    "Ctx",
    "Good",
    "Indicator",
    "Measure",
    "Record",
    "all_indicators",
    "get",
    "system_user",
]


@lru_cache(maxsize=1)
def _registry() -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    for dotted in MODULES:
        for ind in import_string(f"{dotted}.INDICATORS"):
            assert ind.key not in out, f"duplicate indicator {ind.key}"
            out[ind.key] = ind
    return out


def all_indicators() -> list[Indicator]:
    """Every indicator, in the order of the five goods and then of their modules."""
    order = {g: i for i, g in enumerate(Good.ORDER)}
    return sorted(_registry().values(), key=lambda i: order[i.good])


def get(key: str) -> Indicator | None:
    return _registry().get(key)
