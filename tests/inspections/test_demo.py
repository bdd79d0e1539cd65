"""The demo's 督查与整改 builder on the test cast (tests/demo builds the whole county): two
inspections this year — one by the town, one by the county of a community of another town — each
with a closed task (evidence and, where a meeting was held since, its link), an open one and an
overdue one, which show in the 待办 of the community and of the inspecting organisation."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import timezone

from dangjian.demo.inspections_demo import build
from dangjian.inspections import todos
from dangjian.inspections.models import FollowUp, Inspection

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_inspections_with_closed_open_and_overdue_tasks(cast):
    demo = SimpleNamespace(
        communities=[SimpleNamespace(org=cast.comm_a), SimpleNamespace(org=cast.comm_b)],
        county=cast.county,
        admin=cast.admin,
    )
    lines = []
    build(demo, log=lines.append)
    today = timezone.localdate()
    assert {(i.inspecting, i.inspected, i.kind) for i in Inspection.objects.all()} == {
        (cast.street_a, cast.comm_a, "survey"),
        (cast.county, cast.comm_b, "unannounced"),
    }
    assert all(i.date.year == today.year for i in Inspection.objects.all())
    for i in Inspection.objects.all():
        tasks = FollowUp.objects.filter(finding__inspection=i).select_related("closure")
        assert tasks.count() == 3
        closed = [t for t in tasks if t.closed_on]
        assert len(closed) == 1 and closed[0].closure.text
        assert tasks.overdue(today).count() == 1
        assert tasks.open().filter(deadline__gte=today).count() == 1
    # the community's secretary answers for the town's tasks
    assert FollowUp.objects.filter(owner=cast.comm_a_sec).count() == 3
    assert todos.todos(user=cast.comm_a_sec, org=cast.comm_a, today=today)[0].count == 1
    assert todos.todos(user=cast.street_sec, org=cast.street_a, today=today)[0].count == 1
    assert todos.todos(user=cast.admin, org=cast.county, today=today)[0].count == 1
    assert "2 次督查" in lines[0]
