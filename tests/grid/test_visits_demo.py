"""The demo step of grid visits, run on the test cast (the whole demo is built in tests/demo)."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from dangjian.demo.grid_visits import build_grid_visits
from dangjian.grid import selectors_visits as sel
from dangjian.grid.models import KeyHousehold, Visit
from dangjian.servicedesk.models import Request

from .visits_fixtures import make_household, vw_fixture  # noqa: F401 - fixture


def test_the_demo_gives_a_year_of_visits_key_households_and_requests(cast, vw):
    for i in range(4):
        make_household(cast.corridor_a, f"加户{i}")
        make_household(vw.home_a2.parent, f"乙加户{i}")
    demo = SimpleNamespace(communities=[SimpleNamespace(org=cast.comm_a)], admin=cast.admin)
    lines: list[str] = []
    build_grid_visits(demo, log=lines.append)
    today = timezone.localdate()
    assert Visit.objects.filter(visited_on__gt=today).count() == 0
    assert Visit.objects.filter(household__community=cast.comm_a).count() > 24
    assert KeyHousehold.objects.filter(household__community=cast.comm_a).count() == 3
    # both of community A's grids have a cadre: each opened one request
    assert Request.objects.filter(channel="grid", visit__isnull=False).count() == 2
    keys = sel.key_households(
        user=cast.comm_a_sec,
        community=cast.comm_a,
        start=today.replace(month=1, day=1)
        if today.month > 2
        else today.replace(year=today.year - 1, month=1, day=1),
        end=today,
    )
    assert {k.state for k in keys} == {sel.SECRETARY, sel.OTHERS_ONLY, sel.NOT_VISITED}
    assert "走访" in lines[-1]
