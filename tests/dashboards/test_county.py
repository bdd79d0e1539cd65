"""The county's dashboard counts every organisation's cadence light through ``cadence_lights``
(plain rows, organisations judged alike evaluated once): the same lights as the roll-up
evaluating every period of every organisation, on a generated city, at the edges of periods,
before and after what is kept of the closed periods is written, and after a meeting changes."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from dangjian.accounts.models import Grant
from dangjian.dashboards import charts, snapshots
from dangjian.dashboards import selectors as dash
from dangjian.meetings import cadence as cad
from dangjian.meetings.models import Meeting, MeetingKind
from dangjian.meetings.selectors.cadence import cadence_lights, cadence_rollup
from dangjian.orgs.models import BRANCH_KINDS, Organisation, OrgKind
from tests.factories import make_org
from tests.meetings.factories import make_meeting

MK = MeetingKind
KINDS = (MK.BRANCH_GENERAL, MK.BRANCH_COMMITTEE, MK.PARTY_LECTURE, MK.THEME_DAY, MK.GROUP)


@pytest.fixture
def county(db, django_user_model):
    """A generated city with meetings of every branch kind here and there through the year, a
    branch founded in the middle of the year and one without a committee (no members)."""
    call_command("gencity", "--members", "600", "--seed", "5", stdout=StringIO())
    county = Organisation.objects.get(kind=OrgKind.COUNTY)
    year = timezone.localdate().year
    rng = random.Random(5)
    orgs = list(
        Organisation.objects.filter(kind__in=[*BRANCH_KINDS, OrgKind.GROUP]).order_by("path")
    )
    for org in rng.sample(orgs, len(orgs) * 2 // 3):
        for _ in range(rng.randint(1, 14)):
            day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            make_meeting(org=org, kind=rng.choice(KINDS), date=day)
    community = orgs[0].parent
    late = make_org(parent=community, kind=OrgKind.BUILDING_BRANCH, name="年中成立的支部")
    Organisation.objects.filter(pk=late.pk).update(established_on=dt.date(year, 5, 15))
    make_meeting(org=late, kind=MK.THEME_DAY, date=dt.date(year, 6, 1))
    make_org(parent=community, kind=OrgKind.BUILDING_BRANCH, name="没有党员的支部")
    viewer = django_user_model.objects.create_user("county_viewer", password=None)
    Grant.objects.create(user=viewer, org=county, role=Grant.Role.VIEWER)
    return county, viewer


def _everything(viewer, county, year, today):
    """(path, light) of every organisation, every period evaluated (nothing kept)."""
    rollup = cadence_rollup(user=viewer, root=county, year=year, today=today, keep=False)
    return sorted((r.org.path, r.light) for r in rollup.rows)


def test_the_county_lights_are_the_rollups_at_every_period_edge(county):
    root, viewer = county
    year = timezone.localdate().year
    days = [dt.date(year, m, d) for m, d in ((1, 1), (3, 31), (4, 1), (6, 30), (7, 1), (11, 5))]
    days.append(timezone.localdate())
    lights_seen = set()
    for today in days:
        expected = _everything(viewer, root, year, today)
        with TestCase.captureOnCommitCallbacks(execute=True):  # first: kept rows written
            first = cadence_lights(user=viewer, root=root, year=year, today=today)
        again = cadence_lights(user=viewer, root=root, year=year, today=today)  # read kept
        assert sorted(first) == expected, today
        assert sorted(again) == expected, today
        lights_seen |= {light for _path, light in expected}
    assert lights_seen == set(cad.LIGHTS)  # the city has red, amber and green to compare


def test_a_meeting_recorded_after_the_lights_were_kept_changes_them_as_it_does_the_rollup(
    county,
):
    root, viewer = county
    today = timezone.localdate()
    year = today.year
    with TestCase.captureOnCommitCallbacks(execute=True):
        cadence_lights(user=viewer, root=root, year=year, today=today)
    branch = Organisation.objects.filter(kind__in=BRANCH_KINDS, meetings__isnull=True).first()
    for month in range(1, today.month + 1):  # a month's theme day catches up the past months
        make_meeting(org=branch, kind=MK.THEME_DAY, date=dt.date(year, month, 1))
    assert Meeting.objects.filter(org=branch).count() == today.month
    lights = dict(cadence_lights(user=viewer, root=root, year=year, today=today))
    assert sorted(lights.items()) == _everything(viewer, root, year, today)


def test_the_county_dashboard_counts_under_each_street_what_the_rollup_lists_there(county):
    root, viewer = county
    today = timezone.localdate()
    d = dash.dashboard(user=viewer, org=root, year=today.year, today=today)
    rollup = cadence_rollup(user=viewer, root=root, year=today.year, today=today, keep=False)
    expected: dict[str, Counter] = {}
    for row in rollup.rows:
        child = next((c.path for c in d.children if row.org.path.startswith(c.path)), root.path)
        expected.setdefault(child, Counter())[row.light] += 1
    got = {
        (root.path if b.own else b.org.path): Counter({k: n for k, n in b.lights.items() if n})
        for b in d.buckets
        if any(b.lights.values())
    }
    assert got == expected
    assert sum(sum(c.values()) for c in got.values()) == len(rollup.rows) > 20


def _drawn(d):
    """Every chart of the page as drawn: rows with their labels, numbers and links."""
    return [
        (c.key, c.title, c.series, [(r.label, r.values, r.urls, r.url) for r in c.rows])
        for c in charts.charts(d)
    ]


def test_the_county_s_kept_figures_are_its_live_figures(county):
    root, viewer = county
    today = timezone.localdate()
    s, queued = snapshots.request_build(user=viewer, org=root, year=today.year)
    assert queued and snapshots.run_build(s.pk, s.attempt)["members"] > 500
    s.refresh_from_db()
    live = dash.dashboard(user=viewer, org=root, year=today.year, today=today)
    kept = snapshots.load(s.data)
    assert kept == live
    assert snapshots.dump(kept) == snapshots.dump(live)
    assert _drawn(kept) == _drawn(live)
    assert sum(sum(b.lights.values()) for b in kept.buckets) > 20
