"""``evaluations_under``: a whole subtree's cadence grids in a fixed number of queries, each the
same as the one-organisation grid the cadence page shows."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.meetings.models import MeetingKind
from dangjian.meetings.selectors.cadence import cadence_for_org, evaluations_under
from dangjian.meetings.services import meeting_create
from dangjian.orgs.models import OrgKind
from tests.factories import make_org


def _cells(evaluation):
    return [
        (ln.title, [(c.period.label, c.status, c.count) for c in ln.cells])
        for ln in evaluation.lines
    ]


def test_each_grid_is_the_cadence_pages_and_the_cost_does_not_grow(cast):
    today = timezone.localdate()
    year = today.year
    meeting_create(
        org=cast.branch_a,
        acting_user=cast.comm_a_sec,
        kind=MeetingKind.BRANCH_COMMITTEE,
        date=dt.date(year, 1, 10),
        topic="一月支委会",
    )
    evaluations_under(user=cast.comm_a_sec, root=cast.comm_a, year=year, today=today)  # scope
    with CaptureQueriesContext(connection) as few:
        rows = evaluations_under(user=cast.comm_a_sec, root=cast.comm_a, year=year, today=today)
    assert {o.pk for o, _e in rows} >= {cast.comm_a.pk, cast.branch_a.pk, cast.branch_a_2.pk}
    assert cast.branch_b.pk not in {o.pk for o, _e in rows}
    for org, evaluation in rows:
        page = cadence_for_org(user=cast.comm_a_sec, org=org.pk, year=year, today=today)
        assert _cells(evaluation) == _cells(page.evaluation), org.name
    for i in range(4):
        make_org(parent=cast.comm_a, kind=OrgKind.BRANCH, name=f"加测支部{i}")
    with CaptureQueriesContext(connection) as more:
        evaluations_under(user=cast.comm_a_sec, root=cast.comm_a, year=year, today=today)
    assert len(more) == len(few) <= 3
