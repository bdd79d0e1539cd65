"""发展党员工作台帐 with a period: those in the pipeline at some time in it."""

from __future__ import annotations

import datetime as dt

from dangjian.development.models import Candidate, Stage
from tests.exports_helpers import column, same_queries_at_5_and_50

from .factories import make_candidate

D = dt.date


def setup(cast):
    gone = make_candidate(org=cast.branch_a, name="钱停止", applied_on=D(2023, 1, 10))
    Candidate.objects.filter(pk=gone.pk).update(stage=Stage.STOPPED, stopped_on=D(2024, 5, 1))
    make_candidate(org=cast.branch_a_2, name="孙申请", applied_on=D(2025, 3, 1))
    make_candidate(org=cast.branch_b, name="李乙社区", applied_on=D(2024, 3, 1))


def test_a_year_keeps_those_in_the_pipeline_in_it(cast, client_for):
    setup(cast)
    c = client_for(cast.comm_a_sec)
    assert column(c.get("/development/export/")) >= {"孙申请"}
    assert "钱停止" not in column(c.get("/development/export/"))
    assert column(c.get("/development/export/?year=2024")) == {"钱停止"}
    assert column(c.get("/development/export/?year=2025")) == {"孙申请"}
    r = c.get(f"/development/export/?org={cast.branch_a.pk}&from=2023-01-01&to=2026-01-01")
    assert column(r) == {"钱停止"}
    other = client_for(cast.comm_b_sec)
    assert other.get(f"/development/export/?org={cast.comm_a.pk}&year=2024").status_code == 404
    assert column(other.get("/development/export/?year=2024")) == {"李乙社区"}


def test_the_period_export_takes_the_same_queries_for_5_and_50(cast, client_for):
    made: list = []

    def grow(n: int) -> None:
        while len(made) < n:
            made.append(make_candidate(org=cast.branch_a, applied_on=D(2024, 2, 1)))

    same_queries_at_5_and_50(client_for(cast.comm_a_sec), "/development/export/?year=2025", grow)
