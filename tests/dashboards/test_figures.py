"""The dashboard's figures equal hand-counted records: members by age band, standing and
education at the boundary birthdays, coverage, the monthly trends, stars and requests."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.cobuild.models import StarRating
from dangjian.dashboards import selectors
from dangjian.members.models import Category, Member, State, Status, add_years
from dangjian.orgs.models import OrgKind
from tests.factories import make_member, make_org
from tests.meetings.factories import make_meeting, make_unit

from .conftest import fill_community, receive


def _d(cast, org, year=None, user=None, today=None):
    from django.utils import timezone

    today = today or timezone.localdate()
    return selectors.dashboard(
        user=user or cast.street_sec, org=org, year=year or today.year, today=today
    )


def _bucket(d, org):
    return next(b for b in d.buckets if b.org.pk == org.pk and not b.own)


def test_ages_are_whole_years_on_the_day_so_a_birthday_moves_a_member_up_a_band(cast, today):
    branch = make_org(parent=cast.comm_a2, kind=OrgKind.BRANCH)
    years = lambda n: add_years(today, -n)  # noqa: E731
    day = dt.timedelta(days=1)
    born = {
        "30 today": years(30),  # 30 → 30岁及以下
        "31 today": years(31),  # 31 → 31–35岁
        "31 tomorrow": years(31) + day,  # still 30
        "61 today": years(61),  # 61 → 61岁及以上
        "61 tomorrow": years(61) + day,  # 60 → 56–60岁
    }
    for b in born.values():
        make_member(org=branch, birth_date=b, joined_on=add_years(b, 20))
    d = _d(cast, branch)
    assert d.ages == {
        "30岁及以下": 2,
        "31–35岁": 1,
        "36–40岁": 0,
        "41–45岁": 0,
        "46–50岁": 0,
        "51–55岁": 0,
        "56–60岁": 1,
        "61岁及以上": 1,
    }


def test_standing_counts_whole_years_since_becoming_full_and_members_off_the_register_are_out(
    cast, today
):
    branch = make_org(parent=cast.comm_a2, kind=OrgKind.BRANCH)
    day = dt.timedelta(days=1)
    born = dt.date(1940, 5, 5)
    joined = {
        add_years(today, -5): "5–10年",  # five years today
        add_years(today, -5) + day: "5年以下",
        add_years(today, -50): "41–50年",
        add_years(today, -51): "50年以上",
        add_years(today, -11) + day: "5–10年",  # 10 years until tomorrow
    }
    # 党龄 runs from becoming a full member (党章第七条): the factory makes them full a year (365
    # days) after joining, so each joins 365 days before the day their standing starts
    year = dt.timedelta(days=365)
    for j in joined:
        make_member(org=branch, birth_date=born, joined_on=j - year, education="bachelor")
    make_member(org=branch, birth_date=born, status=Status.PROBATIONARY, education="bachelor")
    gone = make_member(org=branch, birth_date=born, joined_on=add_years(today, -3))
    Member.objects.filter(pk=gone.pk).update(state=State.TRANSFERRED_OUT)
    d = _d(cast, branch)
    assert d.standing == {
        "5年以下": 1,
        "5–10年": 2,
        "11–20年": 0,
        "21–30年": 0,
        "31–40年": 0,
        "41–50年": 1,
        "50年以上": 1,
        "预备党员": 1,
    }
    assert d.education["bachelor"] == 6 and sum(d.education.values()) == 6
    assert d.members == 6


def test_education_and_categories_count_each_member_on_the_register(cast):
    branch = make_org(parent=cast.comm_a2, kind=OrgKind.BRANCH)
    make_member(org=branch, education="college", categories=(Category.RETIRED, Category.ELDERLY))
    make_member(org=branch, education="college", categories=(Category.RETIRED,))
    make_member(org=branch, education="", categories=())
    d = _d(cast, branch)
    assert d.education["college"] == 2 and d.education[selectors.NO_EDUCATION] == 1
    assert d.categories[Category.RETIRED] == 2 and d.categories[Category.ELDERLY] == 1
    assert d.categories[Category.IN_SERVICE] == 0


def test_members_are_counted_under_the_child_they_belong_to(cast):
    make_member(org=cast.branch_a)
    make_member(org=cast.comm_a)  # directly in the community committee
    d = _d(cast, cast.street_a)
    assert (
        _bucket(d, cast.comm_a).members == 3
    )  # 张三 and one more in branch_a, one in comm_a itself
    assert _bucket(d, cast.comm_a2).members == 0
    d = _d(cast, cast.comm_a)
    assert _bucket(d, cast.branch_a).members == 2
    own = next(b for b in d.buckets if b.own)
    assert own.members == 1
    assert (
        d.members
        == Member.objects.filter(org__path__startswith=cast.comm_a.path, state=State.ACTIVE).count()
    )


def test_coverage_sums_each_community_under_its_street(cast):
    cast.branch_a.places.add(cast.building_a)
    d = _d(cast, cast.street_a)
    a = _bucket(d, cast.comm_a)
    assert (a.buildings, a.buildings_covered, a.corridors, a.corridors_covered) == (1, 1, 1, 0)
    fill_community(cast.comm_a2, year=2026)
    d = _d(cast, cast.street_a)
    a2 = _bucket(d, cast.comm_a2)
    assert (a2.buildings, a2.buildings_covered, a2.corridors, a2.corridors_covered) == (2, 1, 1, 1)
    # the county sees street A as the sum of both
    d = _d(cast, cast.county, user=cast.admin)
    sa = _bucket(d, cast.street_a)
    assert (sa.buildings, sa.buildings_covered, sa.corridors, sa.corridors_covered) == (3, 2, 2, 1)


def test_monthly_trend_counts_meetings_admissions_and_requests_by_month(cast, today):
    year = today.year - 1
    make_meeting(org=cast.branch_a, date=dt.date(year, 1, 31))
    make_meeting(org=cast.branch_a, date=dt.date(year, 2, 1))
    make_meeting(org=cast.group_a, date=dt.date(year, 2, 28))
    cancelled = make_meeting(org=cast.branch_a, date=dt.date(year, 2, 3))
    type(cancelled).objects.filter(pk=cancelled.pk).update(cancelled=True)
    make_meeting(org=cast.branch_b, date=dt.date(year, 2, 4))  # another street
    make_member(org=cast.branch_a, status=Status.PROBATIONARY, joined_on=dt.date(year, 6, 30))
    old = make_member(
        org=cast.branch_a, birth_date=dt.date(1960, 1, 1), joined_on=dt.date(2000, 7, 1)
    )  # not a new member
    assert old.joined_on.year == 2000
    receive(cast.comm_a, dt.date(year, 3, 1), done=dt.date(year, 3, 6))  # on the deadline
    receive(cast.comm_a, dt.date(year, 3, 31), done=dt.date(year, 4, 30))  # late
    receive(cast.comm_a2, dt.date(year, 12, 31))  # open
    d = _d(cast, cast.street_a, year=year)
    assert [d.months[m].meetings for m in (1, 2, 3)] == [1, 2, 0]
    assert sum(m.meetings for m in d.months.values()) == 3
    assert d.months[6].new_members == 1 and sum(m.new_members for m in d.months.values()) == 1
    assert (d.months[3].on_time, d.months[3].late, d.months[3].open) == (1, 1, 0)
    assert d.months[12].open == 1 and d.months[4].received == 0
    a, a2 = _bucket(d, cast.comm_a), _bucket(d, cast.comm_a2)
    assert (a.on_time, a.late, a.open, a2.open) == (1, 1, 0, 1)


def test_this_year_counts_only_up_to_today(cast, today):
    if today.month == 12 and today.day == 31:
        pytest.skip("nothing lies after the last day of the year")
    make_meeting(org=cast.branch_a, date=today)
    d = _d(cast, cast.comm_a)
    assert d.on == today
    assert d.months[today.month].meetings == 1


def test_stars_and_units_are_counted_per_community_for_the_year(cast):
    u1, u2, u3 = (make_unit(community=cast.comm_a) for _ in range(3))
    StarRating.objects.create(
        unit=u1, year=2025, proposed=5, stars=5, decided_on=dt.date(2025, 12, 1)
    )
    StarRating.objects.create(
        unit=u2, year=2025, proposed=3, stars=4, decided_on=dt.date(2025, 12, 1)
    )
    StarRating.objects.create(
        unit=u3, year=2024, proposed=3, stars=3, decided_on=dt.date(2024, 12, 1)
    )
    d = _d(cast, cast.street_a, year=2025)
    a = _bucket(d, cast.comm_a)
    assert a.units == 3 and a.stars == {5: 1, 4: 1} and a.rated == 2


def test_cadence_lights_add_up_to_the_organisations_with_rules(cast):
    from django.utils import timezone

    from dangjian.meetings.selectors.cadence import cadence_rollup

    today = timezone.localdate()
    d = _d(cast, cast.street_a)
    rollup = cadence_rollup(user=cast.street_sec, root=cast.street_a, year=today.year, today=today)
    assert sum(sum(b.lights.values()) for b in d.buckets) == len(rollup.rows)
    in_a = [r for r in rollup.rows if r.org.path.startswith(cast.comm_a.path)]
    assert sum(_bucket(d, cast.comm_a).lights.values()) == len(in_a)
