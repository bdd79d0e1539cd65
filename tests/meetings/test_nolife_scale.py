"""The six-month list with a big community (issue 20 item 14): months count from when a member
came into their organisation (an imported member starts at 0), and the page is counted and
paged in the database with a query count that does not grow with the members."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core import rules
from dangjian.meetings.selectors.mine import add_months
from dangjian.meetings.selectors.nolife import no_life_count, no_life_list, no_life_page
from dangjian.members.models import Member
from dangjian.roster import reader, services
from dangjian.roster.columns import detect
from tests.factories import make_member
from tests.roster.files import good_rows, xlsx

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
N = rules.value("member.no_org_life", "months")
START = add_months(TODAY, -N)


def names(cast, today=TODAY) -> set[str]:
    result = no_life_list(user=cast.comm_a_sec, org=cast.comm_a, today=today)
    return {r.name for r in result.rows}


def test_a_member_imported_today_has_not_missed_anything(cast):
    sheet = reader.read(xlsx(good_rows(3, branch=cast.branch_a.name)), "名册.xlsx")
    services.import_rows(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        headers=sheet.headers,
        rows=sheet.rows,
        mapping=detect(sheet.headers),
        filename="名册.xlsx",
        header_row=sheet.header_row,
        today=TODAY,
    )
    imported = set(Member.objects.filter(name__startswith="导入").values_list("name", flat=True))
    assert len(imported) == 3
    # joined the Party decades ago, but on the register of this organisation only since today
    assert not imported & names(cast)
    assert "张三" in names(cast)  # a member registered by hand with their Party date still is
    # N months after the import, never having attended, they are listed
    assert imported <= names(cast, today=add_months(TODAY, N))


@pytest.mark.parametrize(("arrived", "listed"), [(START, True), (START + dt.timedelta(1), False)])
def test_months_count_from_the_day_the_member_came_into_the_branch(cast, arrived, listed):
    make_member(
        org=cast.branch_a,
        name="转来的",
        birth_date=dt.date(1960, 1, 1),
        joined_on=dt.date(1990, 7, 1),
        date=arrived,
    )
    assert ("转来的" in names(cast)) is listed


def _grow(cast, n):
    for i in range(n):
        make_member(org=cast.branch_a if i % 2 else cast.branch_a_2, name=f"多{i:03d}")


#: Statements of one page of the list (SQLite), the organisations and rules read included.
PAGE_STATEMENTS = 8


def _page_queries(cast, page=1):
    with CaptureQueriesContext(connection) as ctx:
        result, p = no_life_page(
            user=cast.comm_a_sec, org=cast.comm_a, today=TODAY, page=page, per_page=10
        )
    return len(ctx.captured_queries), result, p


def test_the_page_is_counted_and_paged_in_the_database_in_constant_queries(cast):
    _grow(cast, 4)
    _page_queries(cast)  # caches (rules) warm
    few, _result, p = _page_queries(cast)
    small = p.paginator.count
    _grow(cast, 30)
    many, result, p = _page_queries(cast)
    assert few == many
    # the page's ids and rows come with the count on SQLite (one statement instead of three),
    # the dues streaks in one (was four)
    assert many <= (PAGE_STATEMENTS if connection.vendor == "sqlite" else PAGE_STATEMENTS + 1)
    assert (
        p.paginator.count
        == small + 30
        == no_life_count(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)
    )
    assert len(result.rows) == 10 and p.paginator.num_pages == -(-p.paginator.count // 10)
    full = [
        r.member_id for r in no_life_list(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY).rows
    ]
    assert [r.member_id for r in result.rows] == full[:10]
    _q, last, p = _page_queries(cast, page=p.paginator.num_pages)
    assert [r.member_id for r in last.rows] == full[(p.number - 1) * 10 :]
    _q, past, p = _page_queries(cast, page=999)  # past the end: the last page, as before
    assert [r.member_id for r in past.rows] == full[(p.number - 1) * 10 :]


def test_the_list_page_shows_one_page_and_its_count(cast, client):
    _grow(cast, 55)
    client.force_login(cast.comm_a_sec)
    url = f"{reverse('meetings:no_life')}?org={cast.comm_a.pk}"
    client.get(url)  # caches (rules, session) warm
    with CaptureQueriesContext(connection) as small:
        r = client.get(url)
    assert r.status_code == 200
    body = r.content.decode()
    assert body.count('class="nolife-row"') == 50
    total = no_life_count(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)
    assert f"共 {total} 条" in body
    _grow(cast, 20)
    with CaptureQueriesContext(connection) as big:
        assert client.get(url + "&page=2").status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)
