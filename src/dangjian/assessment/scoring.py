"""From indicators to the five goods and the total — the arithmetic, in one place.

For one community and year (``scorecard``):

* each indicator with a weight above 0 (rule ``assess.weights``) is measured; its *score* is its
  ratio divided by its target (rule ``assess.targets``), at most 1; an indicator with nothing to
  count that year (ratio ``None``) is left out;
* each good's points are its maximum (rule ``assess.goods``) times the weighted mean of its
  indicators' scores; a good with no indicator left is not scored;
* the total is the sum of the goods' points, rescaled to the goods that were scored (so a good
  with nothing to count neither helps nor hurts), and its level comes from ``assess.levels``.

All numbers come from the rules table with the community's local overrides, so a locality that
changes a weight or a target changes the scores without a code change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django.utils import timezone

from dangjian.core import rules

from .indicators import Batch, Ctx, Good, Indicator, Measure, all_indicators

ONE_PLACE = Decimal("0.1")


def _round(x: Decimal) -> Decimal:
    return x.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Numbers:
    """The assessment rules as they apply to one community."""

    goods: dict[str, Any]
    weights: dict[str, Any]
    targets: dict[str, Any]
    levels: dict[str, Any]

    @classmethod
    def for_org(cls, org: Any) -> Numbers:
        codes: tuple[str, ...] = ()
        if org is not None and rules.override_org_codes():
            codes = tuple(org.ancestor_codes())
        return cls(
            goods=rules.effective("assess.goods", org_codes=codes),
            weights=rules.effective("assess.weights", org_codes=codes),
            targets=rules.effective("assess.targets", org_codes=codes),
            levels=rules.effective("assess.levels", org_codes=codes),
        )

    def weight(self, key: str) -> Decimal:
        return Decimal(str(self.weights.get(key, 0) or 0))

    def target(self, key: str) -> Decimal:
        return Decimal(str(self.targets.get(key, 1) or 0))

    def level(self, total: Decimal | None) -> str:
        if total is None:
            return "未评分"
        for key, label in (("excellent", "优秀"), ("good", "良好"), ("pass", "合格")):
            if total >= Decimal(str(self.levels[key])):
                return label
        return "不合格"


@dataclass
class Line:
    """One indicator of a scorecard."""

    indicator: Indicator
    measure: Measure
    weight: Decimal
    target: Decimal

    @property
    def key(self) -> str:
        return self.indicator.key

    @cached_property
    def score(self) -> Decimal | None:
        """0–1: the ratio against the target, capped at 1; ``None`` when nothing was due (once:
        a line's measure is final, and a street's table asks for every score many times)."""
        m = self.measure
        if not m.denominator:
            return None
        ratio = m.numerator / m.denominator
        if self.target <= 0:
            return Decimal(1)
        return min(Decimal(1), ratio / self.target)

    @property
    def percent(self) -> Decimal | None:
        m = self.measure
        return None if not m.denominator else _round(m.numerator * 100 / m.denominator)


@dataclass
class GoodScore:
    good: str
    max_points: Decimal
    lines: list[Line] = field(default_factory=list)

    @property
    def label(self) -> str:
        return Good.LABELS[self.good]

    @property
    def points(self) -> Decimal | None:
        scored = [ln for ln in self.lines if ln.score is not None]
        weights = sum((ln.weight for ln in scored), Decimal(0))
        if not weights:
            return None
        mean = sum((ln.weight * ln.score for ln in scored), Decimal(0)) / weights
        return _round(self.max_points * mean)


@dataclass
class Scorecard:
    community: Any
    year: int
    ctx: Ctx
    numbers: Numbers
    goods: list[GoodScore]

    @property
    def total(self) -> Decimal | None:
        scored = [g for g in self.goods if g.points is not None]
        if not scored:
            return None
        got = sum((g.points for g in scored), Decimal(0))
        possible = sum((g.max_points for g in scored), Decimal(0))
        full = sum((g.max_points for g in self.goods), Decimal(0))
        if not possible:
            return None
        return _round(got * full / possible)

    @property
    def level(self) -> str:
        return self.numbers.level(self.total)

    def line(self, key: str) -> Line | None:
        for g in self.goods:
            for ln in g.lines:
                if ln.key == key:
                    return ln
        return None

    @property
    def lines(self) -> list[Line]:
        return [ln for g in self.goods for ln in g.lines]


def scorecard(
    community: Any, year: int, *, today: dt.date | None = None, only: set[str] | None = None
) -> Scorecard:
    """The five goods of one community for one year, every figure with its records.

    ``only`` limits the indicators measured (for a drill-down page that needs one of them).
    """
    ctx = Ctx.of(community, year, today)
    numbers = Numbers.for_org(community)
    goods = {
        g: GoodScore(good=g, max_points=Decimal(str(numbers.goods.get(g, 0) or 0)))
        for g in Good.ORDER
    }
    for ind in all_indicators():
        weight = numbers.weight(ind.key)
        if weight <= 0 or (only is not None and ind.key not in only):
            continue
        line = Line(ind, ind.measure(ctx), weight, numbers.target(ind.key))
        goods[ind.good].lines.append(line)
    return Scorecard(community, year, ctx, numbers, [goods[g] for g in Good.ORDER])


def scorecards(
    communities: list[Any],
    year: int,
    *,
    today: dt.date | None = None,
    counts_only: bool = False,
    above: Any = None,
) -> list[Scorecard]:
    """The scorecards of several communities (a street's table, its .xlsx, the API's page), each
    equal to :func:`scorecard` of the community, measured together: every indicator reads all
    the communities in the same few queries, so the cost does not grow with the communities.

    ``counts_only`` (the table, which shows points only): each line's measure carries its
    records' sums, not the records (:class:`~.indicators.base.Tally`) — the same figures,
    points, total and level. ``above``: an organisation above the communities the caller has
    read already (the table's street), spared a query when it is their nearest common one."""
    if not communities:
        return []
    today = today or timezone.localdate()
    ctxs = [Ctx.of(c, year, today) for c in communities]
    numbers = {c.pk: Numbers.for_org(c) for c in communities}
    batch = Batch(ctxs, counts_only=counts_only, root=above)
    measures: dict[str, dict[int, Measure]] = {}
    for ind in all_indicators():
        wanted = [c for c in ctxs if numbers[c.community.pk].weight(ind.key) > 0]
        if wanted:
            sub = batch if len(wanted) == len(ctxs) else batch.sub(wanted)
            measures[ind.key] = ind.measure_all(sub)
    cards = []
    for ctx in ctxs:
        c = ctx.community
        nums = numbers[c.pk]
        goods = {
            g: GoodScore(good=g, max_points=Decimal(str(nums.goods.get(g, 0) or 0)))
            for g in Good.ORDER
        }
        for ind in all_indicators():
            weight = nums.weight(ind.key)
            if weight <= 0:
                continue
            line = Line(ind, measures[ind.key][c.pk], weight, nums.target(ind.key))
            goods[ind.good].lines.append(line)
        cards.append(Scorecard(c, year, ctx, nums, [goods[g] for g in Good.ORDER]))
    return cards


def measure_one(community: Any, year: int, key: str, *, today: dt.date | None = None) -> Line:
    """One indicator's line (for its drill-down page); raises ``KeyError`` for an unknown key."""
    from .indicators import get

    ind = get(key)
    if ind is None:
        raise KeyError(key)
    numbers = Numbers.for_org(community)
    ctx = Ctx.of(community, year, today)
    return Line(ind, ind.measure(ctx), numbers.weight(key), numbers.target(key))
