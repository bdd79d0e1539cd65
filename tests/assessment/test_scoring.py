"""The five goods' arithmetic (assessment.scoring) and the inspectors' scores as indicators.

Only the ``inspect.*`` indicators are weighted here, so every figure is hand-countable from the
scores these tests enter; the other indicators have their own tests.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.assessment.indicators import Good, all_indicators
from dangjian.assessment.models import InspectorScore
from dangjian.assessment.scoring import measure_one, scorecard
from dangjian.core import rules

ALL_KEYS = list(rules.get("assess.weights").values)


@pytest.fixture
def only_inspected(settings):
    """Weights: every computed indicator off, every inspected one at 1."""

    def apply(extra: dict | None = None, targets: dict | None = None, orgs: dict | None = None):
        weights = {k: 0 for k in ALL_KEYS}
        weights.update({f"inspect.{g}": 1 for g in Good.ORDER})
        weights.update(extra or {})
        default = {"assess.weights": weights}
        if targets:
            default["assess.targets"] = targets
        settings.DANGJIAN_RULES = {"default": default, "orgs": orgs or {}}
        rules.reset_cache()

    apply()
    yield apply
    settings.DANGJIAN_RULES = None
    rules.reset_cache()


def _score(org, good, score, *, year=None, voided=False, who="县委组织部考核组"):
    year = year or timezone.localdate().year
    return InspectorScore.objects.create(
        community=org,
        year=year,
        good=good,
        score=Decimal(score),
        inspector=who,
        scored_on=dt.date(year, 1, 15),
        voided_at=timezone.now() if voided else None,
    )


def test_every_weighted_key_is_an_indicator_and_every_indicator_has_a_weight_and_target():
    keys = {i.key for i in all_indicators()}
    weights = set(rules.get("assess.weights").values)
    targets = set(rules.get("assess.targets").values)
    # the rules name exactly the indicators (a key in the rules without code, or the reverse, is
    # a locality's number that silently does nothing)
    assert keys <= weights and keys <= targets
    assert weights == targets


def test_goods_are_the_average_of_their_indicators_and_the_total_rescales(cast, only_inspected):
    y = timezone.localdate().year
    _score(cast.comm_a, Good.LEADERSHIP, 80)
    _score(cast.comm_a, Good.LEADERSHIP, 100, who="街道考核组")
    _score(cast.comm_a, Good.MEMBERS, 50)
    _score(cast.comm_a, Good.MEMBERS, 100, voided=True)  # a voided score never counts
    _score(cast.comm_b, Good.MEMBERS, 100)  # another community's never counts

    card = scorecard(cast.comm_a, y)
    points = {g.good: g.points for g in card.goods}
    assert points[Good.LEADERSHIP] == Decimal("18.0")  # (80+100)/200 × 20
    assert points[Good.MEMBERS] == Decimal("10.0")  # 50/100 × 20
    assert points[Good.MECHANISM] is None  # nothing to count: not scored
    # 28 of the 40 points that could be scored, on 100
    assert card.total == Decimal("70.0")
    assert card.level == "合格"
    line = card.line("inspect.leadership")
    assert (line.measure.numerator, line.measure.denominator) == (180, 200)
    assert [r.label.split()[0] for r in line.measure.records] == ["县委组织部考核组", "街道考核组"]


def test_nothing_scored_gives_no_total(cast, only_inspected):
    card = scorecard(cast.comm_a, timezone.localdate().year)
    assert card.total is None and card.level == "未评分"


def test_a_changed_target_or_weight_changes_the_score_without_code(cast, only_inspected, settings):
    y = timezone.localdate().year
    _score(cast.comm_a, Good.LEADERSHIP, 90)
    _score(cast.comm_a, Good.MEMBERS, 60)
    assert scorecard(cast.comm_a, y).total == Decimal("75.0")  # (18 + 12) / 40
    # a target of 90 % makes 90 points a full score
    only_inspected(targets={"inspect.leadership": 0.9})
    assert scorecard(cast.comm_a, y).total == Decimal("80.0")  # (20 + 12) / 40
    # a locality that gives leadership 30 points and the party members 10
    goods = {"leadership": 30, "members": 10, "mechanism": 20, "results": 20, "residents": 20}
    settings.DANGJIAN_RULES["default"]["assess.goods"] = goods
    rules.reset_cache()
    card = scorecard(cast.comm_a, y)
    assert [g.points for g in card.goods][:2] == [Decimal("30.0"), Decimal("6.0")]
    assert card.total == Decimal("90.0")  # 36 of 40 on 100
    assert card.level == "优秀"  # exactly at the line


def test_a_weight_of_zero_leaves_the_indicator_out(cast, only_inspected):
    y = timezone.localdate().year
    _score(cast.comm_a, Good.LEADERSHIP, 40)
    only_inspected(extra={"inspect.leadership": 0})
    card = scorecard(cast.comm_a, y)
    assert card.line("inspect.leadership") is None
    assert card.total is None


def test_a_local_override_for_one_community_leaves_the_others_alone(cast, only_inspected):
    y = timezone.localdate().year
    for org in (cast.comm_a, cast.comm_b):
        _score(org, Good.LEADERSHIP, 90)
    only_inspected(orgs={"SA": {"assess.targets": {"inspect.leadership": 0.9}}})
    assert scorecard(cast.comm_a, y).total == Decimal("100.0")  # below street SA
    assert scorecard(cast.comm_b, y).total == Decimal("90.0")


def test_levels_at_their_boundaries(cast, only_inspected):
    y = timezone.localdate().year
    card = scorecard(cast.comm_a, y)
    for total, level in (
        (Decimal("90"), "优秀"),
        (Decimal("89.9"), "良好"),
        (Decimal("80"), "良好"),
        (Decimal("79.9"), "合格"),
        (Decimal("60"), "合格"),
        (Decimal("59.9"), "不合格"),
    ):
        assert card.numbers.level(total) == level


def test_measure_one_and_unknown_keys(cast, only_inspected):
    y = timezone.localdate().year
    _score(cast.comm_a, Good.RESIDENTS, 70)
    line = measure_one(cast.comm_a, y, "inspect.residents")
    assert line.percent == Decimal("70.0") and line.score == Decimal("0.7")
    with pytest.raises(KeyError):
        measure_one(cast.comm_a, y, "no.such")


def test_a_past_year_is_measured_to_its_end(cast):
    y = timezone.localdate().year - 1
    card = scorecard(cast.comm_a, y)
    assert card.ctx.end == dt.date(y, 12, 31) and not card.ctx.running
