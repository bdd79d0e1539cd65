"""A street's home page has a line per community (issue 20 item 9): members, organisations with
meetings overdue, the art. 9 list, members unpaid, service requests open and late — each a
link to the page listing them; only above the communities; the same queries for two
communities and for five."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.core.town_overview import town_overview
from dangjian.dues import services as dues
from dangjian.meetings.models import MeetingKind
from dangjian.meetings.selectors.cadence import cadence_rollup
from dangjian.meetings.selectors.nolife import no_life_count
from dangjian.orgs.models import Organisation, OrgKind
from dangjian.servicedesk import services as desk
from dangjian.servicedesk.models import Channel
from tests.factories import make_member, make_org
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _unpaid(cast, org, name):
    """A member with a dues base since January two years ago and nothing paid."""
    m = make_member(
        org=org, name=name, birth_date=dt.date(1960, 3, 3), joined_on=dt.date(2010, 1, 1)
    )
    dues.base_set(
        acting_user=cast.admin,
        member=m,
        kind="retired",
        base="3000",
        from_month=dt.date(_today().year - 2, 1, 1),
    )
    return m


def _request(cast, community, *, late: bool):
    today = _today()
    received = today - dt.timedelta(days=40 if late else 1)
    return desk.request_receive(
        acting_user=cast.admin,
        community=community,
        channel=Channel.HALL,
        category="repair",
        resident_name="王大妈",
        content="厨房水管漏水",
        received_on=received,
        deadline=received + dt.timedelta(days=5 if late else 30),
        today=received,
    )


def _line(ov, org):
    return next(x for x in ov.lines if x.org == org)


def test_each_community_of_the_street_with_its_figures(cast):
    today = _today()
    branch2 = make_org(parent=cast.comm_a2, kind=OrgKind.BRANCH, name="团结路第一党支部")
    _unpaid(cast, cast.branch_a, "欠费甲")
    _unpaid(cast, branch2, "欠费乙")
    _unpaid(cast, branch2, "欠费丙")
    for i in range(3):
        make_member(org=branch2, name=f"团结{i}")
    _request(cast, cast.comm_a, late=True)
    _request(cast, cast.comm_a, late=False)
    _request(cast, cast.comm_b, late=True)  # another town's
    ov = town_overview(user=cast.street_sec, org=cast.street_a, today=today)
    assert ov is not None and ov.communities and ov.months == 6
    assert [x.org for x in ov.lines] == [cast.comm_a, cast.comm_a2]
    a, a2 = ov.lines
    assert (a.members, a2.members) == (2, 5)
    # the same numbers as each community's own pages give
    for line in ov.lines:
        red = cadence_rollup(
            user=cast.street_sec, root=line.org, year=today.year, today=today, light="red"
        )
        assert line.behind == len(red.rows)
        assert line.no_life == no_life_count(user=cast.street_sec, org=line.org, today=today)
    assert a.behind == 4 and a2.behind == 2  # nothing held this year
    assert (a.unpaid, a2.unpaid) == (1, 2)
    assert a.no_life >= 2 and a2.no_life == 5
    assert (a.requests_open, a.requests_overdue) == (2, 1)
    assert (a2.requests_open, a2.requests_overdue) == (0, 0)
    # a meeting held takes its organisation off the overdue count
    for month in range(1, today.month + 1):
        make_meeting(org=branch2, kind=MeetingKind.THEME_DAY, date=dt.date(today.year, month, 1))
    after = _line(town_overview(user=cast.street_sec, org=cast.street_a, today=today), cast.comm_a2)
    red = cadence_rollup(
        user=cast.street_sec, root=cast.comm_a2, year=today.year, today=today, light="red"
    )
    assert after.behind == len(red.rows)


def test_the_home_page_shows_the_table_with_links_to_the_filtered_pages(cast, client_for):
    html = client_for(cast.street_sec).get("/").content.decode()
    assert 'class="mb-3 home-overview"' in html and "各社区情况" in html
    a = cast.comm_a.pk
    for href in (
        f"/members/?org={a}",
        f"/meetings/cadence/rollup/?org={a}&amp;light=red",
        f"/meetings/no-life/?org={a}",
        f"/servicedesk/?org={a}&amp;state=overdue",
    ):
        assert f'href="{href}"' in html, href
    assert "团结路社区党总支" in html and "迎宾路" not in html
    assert "连续 6 个月未交党费" in html
    assert "<script>" not in html and 'style="' not in html


def test_only_above_the_communities(cast, client_for):
    for user in (cast.comm_a_sec, cast.branch_sec, cast.comm_b_sec):
        html = client_for(user).get("/").content.decode()
        assert "home-overview" not in html and "各社区情况" not in html
    assert town_overview(user=cast.comm_a_sec, org=cast.comm_a, today=_today()) is None
    # a community secretary asking about the street above them gets nothing
    assert town_overview(user=cast.comm_a_sec, org=cast.street_a, today=_today()) is None
    assert town_overview(user=cast.comm_b_sec, org=cast.street_a, today=_today()) is None


def test_a_county_sees_its_streets(cast, client_for):
    ov = town_overview(user=cast.admin, org=cast.county, today=_today())
    assert [x.org for x in ov.lines] == [cast.street_a, cast.street_b]
    assert not ov.communities
    assert _line(ov, cast.street_a).members == 1 and _line(ov, cast.street_b).members == 1
    assert "requests" not in _line(ov, cast.street_a).urls  # the desk's list is per community
    html = client_for(cast.admin).get("/").content.decode()
    assert "各街道（乡镇）情况" in html


# ---- queries constant in communities and members ----------------------------------------------
def _grow(cast, n: int, start: int) -> None:
    """``n`` more communities under the street, each with a branch, members (one unpaid), a
    meeting and a late service request."""
    today = _today()
    for i in range(start, start + n):
        comm = make_org(
            parent=cast.street_a, kind=OrgKind.COMMUNITY_COMMITTEE, name=f"增长社区{i:02d}"
        )
        branch = make_org(parent=comm, kind=OrgKind.BRANCH, name=f"增长社区{i:02d}第一支部")
        for j in range(3):
            make_member(org=branch, name=f"增长{i:02d}{j}")
        _unpaid(cast, branch, f"增长欠费{i:02d}")
        make_meeting(org=branch, kind=MeetingKind.THEME_DAY, date=today)
        _request(cast, comm, late=True)


def _queries(fn) -> int:
    fn()  # caches warm
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_same_queries_for_two_communities_and_for_five(cast, client_for):
    # every kind of figure present from the start (a count that finds nobody skips a read)
    _request(cast, cast.comm_a, late=True)
    _unpaid(cast, cast.branch_a, "欠费起")
    c = client_for(cast.street_sec)

    def overview():
        return town_overview(user=cast.street_sec, org=cast.street_a, today=_today())

    def home():
        assert c.get("/").status_code == 200

    assert len(overview()) == 2
    two, home_two = _queries(overview), _queries(home)
    _grow(cast, 3, 0)
    assert len(overview()) == 5
    assert _queries(overview) == two
    assert _queries(home) == home_two
    assert [x.requests_overdue for x in overview().lines][2:] == [1, 1, 1]


# ---- on a phone ------------------------------------------------------------------------------
@pytest.mark.browser
def test_the_overview_and_the_grouped_rollup_fit_a_phone(cast, live_server, phone):
    from tests.browser.phone import assert_fits
    from tests.conftest import login

    long = make_org(
        parent=cast.street_a,
        kind=OrgKind.COMMUNITY_COMMITTEE,
        name="文化东路街道新华里第二社区党委",
    )
    branch = make_org(parent=long, kind=OrgKind.BRANCH, name="新华里第二社区离退休干部第一党支部")
    later = _today() + dt.timedelta(days=30)  # nothing due yet: on time, folded on the roll-up
    Organisation.objects.filter(pk__in=[long.pk, branch.pk]).update(established_on=later)
    _unpaid(cast, cast.branch_a, "欧阳娜迪拉·艾买提江")
    _request(cast, cast.comm_a, late=True)
    login(phone, live_server, "street_a_sec")
    assert_fits(phone, f"{live_server.url}/", row="文化东路街道新华里第二社区党委")
    assert phone.locator(".home-overview tbody tr").count() == 3
    url = f"{live_server.url}/meetings/cadence/rollup/?org={cast.street_a.pk}"
    assert_fits(phone, url, row="文化东路街道新华里第二社区党委")
    folded = phone.locator("details.cadence-group:not([open])")
    assert folded.count() == 1
    # printing opens every community (cadence.js), and folds it back afterwards
    phone.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert folded.count() == 0
    phone.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert folded.count() == 1
    # a tap on the community's name opens it, and its rows fit too
    folded.first.locator("summary").click()
    assert folded.count() == 0
    assert "新华里第二社区离退休干部第一党支部" in phone.locator("main").inner_text()
    from tests.browser.phone import misfits

    assert misfits(phone) == []
