"""流动党员台帐 with a period: those away at some time in it, returned or not."""

from __future__ import annotations

import datetime as dt

from dangjian.mobility.models import Outbound, OutboundState
from tests.exports_helpers import column, same_queries_at_5_and_50

from .conftest import make_outbound

D = dt.date


def setup(cast):
    back = make_outbound(org=cast.branch_a, left_on=D(2024, 3, 1))
    Outbound.objects.filter(pk=back.pk).update(
        state=OutboundState.RETURNED, returned_on=D(2024, 12, 1)
    )
    make_outbound(org=cast.branch_a_2, left_on=D(2026, 1, 1))
    make_outbound(org=cast.branch_b, left_on=D(2024, 5, 1))
    return {o.left_on: o.member.name for o in Outbound.objects.select_related("member")}


def test_a_year_keeps_those_away_in_it_and_an_org_its_subtree(cast, client_for):
    names = setup(cast)
    c = client_for(cast.comm_a_sec)
    assert column(c.get("/mobility/export/")) == {names[D(2026, 1, 1)]}
    assert column(c.get("/mobility/export/?year=2024")) == {names[D(2024, 3, 1)]}
    r = c.get("/mobility/export/?from=2024-06-01&to=2026-06-30")
    assert column(r) == {names[D(2024, 3, 1)], names[D(2026, 1, 1)]}
    r = c.get(f"/mobility/export/?org={cast.branch_a_2.pk}&from=2024-06-01&to=2026-06-30")
    assert column(r) == {names[D(2026, 1, 1)]}
    assert column(c.get("/mobility/export/?year=2025")) == set()
    other = client_for(cast.comm_b_sec)
    assert other.get(f"/mobility/export/?org={cast.comm_a.pk}&year=2024").status_code == 404
    assert column(other.get("/mobility/export/?year=2024")) == {names[D(2024, 5, 1)]}


def test_the_period_export_takes_the_same_queries_for_5_and_50(cast, client_for):
    made: list = []

    def grow(n: int) -> None:
        while len(made) < n:
            made.append(make_outbound(org=cast.branch_a, left_on=D(2025, 1, 1)))

    same_queries_at_5_and_50(client_for(cast.comm_a_sec), "/mobility/export/?year=2025", grow)
