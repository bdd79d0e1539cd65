"""Every scenario of the indicators' tests measured both ways: the drill-down's records (what the
tests look at) and the street table's counts only, which must give the same figures."""

from __future__ import annotations

from dangjian.assessment.indicators import Batch, Ctx, get


def figures(m) -> tuple:
    return (m.numerator, m.denominator, m.count, m.met, m.note)


def measured(key: str, ctx: Ctx, *, check: bool = True):
    """The indicator's measure of one community with its records (a batch of one, as the
    scorecard and the drill-down measure it); with ``check``, first the table's counts-only
    measure of the same community, which builds no record and must have the same figures."""
    ind = get(key)
    if check:
        counted = ind.measure_all(Batch([ctx], counts_only=True))[ctx.community.pk]
        assert counted.records == [] and counted.tally is not None, key
    m = ind.measure(ctx)
    if check:
        assert figures(counted) == figures(m), (key, figures(counted), figures(m))
    return m
