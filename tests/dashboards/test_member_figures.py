"""The dashboard's member figures (per child, education, ages, standing) come from one grouped
read (issue 21 item 6): they equal a plain count of the register, and the street's dashboard
reads the same number of statements for 2 and for 5 communities."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.dashboards import selectors as dash
from dangjian.members.models import Education, Member, State, Status, add_years
from dangjian.orgs.models import OrgKind
from tests.factories import make_member, make_org

from .conftest import fill_community

#: the street's dashboard page: session, user, grant, the organisation, its children and its
#: breadcrumb, then one grouped read per figure (coverage and cadence through their own
#: selectors). Measured: 18 (22 before the member figures were read in one query, 20 before
#: the cadence lights were read without the roll-up's root and county-leader links).
DASHBOARD_STATEMENTS = 18


def _years(since: dt.date, today: dt.date) -> int:
    return today.year - since.year - ((today.month, today.day) < (since.month, since.day))


def _band(n: int, bands) -> str:  # noqa: ANN001
    return next(label for label, lo, hi in bands if n >= lo and (hi is None or n <= hi))


def _plain_count(street, today):
    """The same figures from the register row by row, without the dashboard's grouping."""
    members = Member.objects.filter(org__path__startswith=street.path, state=State.ACTIVE)
    per_child: dict[str, int] = {}
    education = dict.fromkeys([*Education.values, dash.NO_EDUCATION], 0)
    ages = {label: 0 for label, _lo, _hi in dash.AGE_BANDS}
    standing = {label: 0 for label, _lo, _hi in dash.STANDING_BANDS}
    standing[dash.PROBATIONARY_BAND] = 0
    for m in members.select_related("org"):
        child = m.org.path[: len(street.path) + 8]
        per_child[child] = per_child.get(child, 0) + 1
        education[m.education or dash.NO_EDUCATION] += 1
        if m.birth_date and m.birth_date <= today:
            ages[_band(_years(m.birth_date, today), dash.AGE_BANDS)] += 1
        if m.status == Status.PROBATIONARY:
            standing[dash.PROBATIONARY_BAND] += 1
        elif m.status == Status.FULL:
            since = m.full_on or m.joined_on
            if since and since <= today:
                standing[_band(_years(since, today), dash.STANDING_BANDS)] += 1
    return per_child, education, ages, standing


def test_member_figures_equal_a_plain_count_of_the_register(cast):
    today = timezone.localdate()
    year = today.year
    fill_community(cast.comm_a, year=year, n=2)
    educations = [*Education.values, ""]
    for i in range(12):
        m = make_member(org=cast.branch_a if i % 2 else cast.comm_a2, name=f"党员{i}")
        Member.objects.filter(pk=m.pk).update(
            education=educations[i % len(educations)],
            birth_date=add_years(today, -(19 + 6 * i)),
            joined_on=add_years(today, -(i + 1)),
            full_on=add_years(today, -i) if i % 3 else None,
            status=Status.PROBATIONARY if i % 5 == 0 else Status.FULL,
        )
    d = dash.dashboard(user=cast.street_sec, org=cast.street_a, year=year, today=today)
    per_child, education, ages, standing = _plain_count(cast.street_a, today)
    assert {b.org.path: b.members for b in d.buckets if b.members} == per_child
    assert d.education == education
    assert d.ages == ages
    assert d.standing == standing
    assert d.members == sum(per_child.values()) > 12


def test_the_street_dashboard_reads_the_same_for_2_and_5_communities(cast, client_for):
    year = timezone.localdate().year
    for comm in (cast.comm_a, cast.comm_a2):
        fill_community(comm, year=year)
    c = client_for(cast.street_sec)
    url = f"/dashboards/?org={cast.street_a.pk}&year={year}"

    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            assert c.get(url).status_code == 200
        return len(q.captured_queries)

    count()  # warm
    two = count()
    for i in range(3):
        comm = make_org(parent=cast.street_a, kind=OrgKind.COMMUNITY_COMMITTEE, name=f"新社区{i}")
        fill_community(comm, year=year, n=2)
    count()  # the first read of a new organisation's cadence may write its kept figures
    assert count() == two <= DASHBOARD_STATEMENTS, two
