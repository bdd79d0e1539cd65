"""Helpers of the awards tests: scorecards with a known total (only the inspectors' scores are
weighted, so a community's total is the mean of the five scores entered here)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.assessment.indicators import Good
from dangjian.assessment.models import InspectorScore
from dangjian.core import rules

ALL_KEYS = list(rules.get("assess.weights").values)


@pytest.fixture
def only_inspected(settings):
    """Weights: every computed indicator off, every inspected one at 1; ``apply(default=...)``
    adds more default overrides (e.g. ``assess.model_community``)."""

    def apply(default: dict | None = None, orgs: dict | None = None):
        weights = {k: 0 for k in ALL_KEYS}
        weights.update({f"inspect.{g}": 1 for g in Good.ORDER})
        settings.DANGJIAN_RULES = {
            "default": {"assess.weights": weights, **(default or {})},
            "orgs": orgs or {},
        }
        rules.reset_cache()

    apply()
    yield apply
    settings.DANGJIAN_RULES = None
    rules.reset_cache()


@pytest.fixture
def give_scores():
    """``give_scores(community, 89.5)``: the same score for each good → total 89.5 (each good
    scores score/5 of its 20 points); or a dict good → score."""

    def give(community, scores, *, year=None):
        year = year or timezone.localdate().year
        if not isinstance(scores, dict):
            scores = {g: scores for g in Good.ORDER}
        for good, score in scores.items():
            InspectorScore.objects.create(
                community=community,
                year=year,
                good=good,
                score=Decimal(str(score)),
                inspector="县委组织部考核组",
                scored_on=dt.date(year, 1, 15),
            )

    return give
