"""The register's list page shows a household once however many kinds it has (constant queries,
pages of households); the household's history holds the help, the pairings and the charity
shop's hand-outs, newest first; 结束结对 from the household's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.charity import services as charity
from dangjian.checkin import services as checkin_services
from dangjian.checkin.models import Pairing
from dangjian.households import services, views
from dangjian.households.models import Kind
from dangjian.orgs.models import PlaceKind
from tests.factories import make_member, make_place

TODAY = timezone.localdate()


def _household(cast, name):
    return make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name=name
    )


def _record(cast, household, kind, since=None):
    return services.difficulty_record(
        acting_user=cast.comm_a_sec,
        household=household,
        kind=kind,
        since=since or TODAY - dt.timedelta(days=90),
    )


def _checked_in(cast, name="结对党员丙"):
    return checkin_services.check_in(
        acting_user=cast.admin,
        member=make_member(org=cast.branch_b, name=name),
        community=cast.comm_a,
        employer="县直单位",
        on=TODAY - dt.timedelta(days=120),
    )


# ---- one row per household ----------------------------------------------------------------
def test_a_household_with_two_kinds_is_one_row_with_its_kinds(cast, client_for):
    h = _household(cast, "双困户301")
    _record(cast, h, Kind.DIBAO)
    _record(cast, h, Kind.DISABLED)
    other = _household(cast, "单困户302")
    _record(cast, other, Kind.DIBAO)
    c = client_for(cast.comm_a_sec)
    page = c.get(f"/households/?org={cast.comm_a.pk}").content.decode()
    assert page.count(f'id="household-{h.pk}"') == 1 and page.count("双困户301") == 1
    assert "2 类" in page and "低保" not in page.split('id="register"')[1]  # still masked
    all_rows = c.get(f"/households/?org={cast.comm_a.pk}&active=").content.decode()
    assert all_rows.count(f'id="household-{h.pk}"') == 1
    # filtered by kind (a logged reveal): the household once, with the kind shown
    low = c.get(f"/households/?org={cast.comm_a.pk}&kind=dibao").content.decode()
    table = low.split('id="register"')[1]
    assert table.count(f'id="household-{h.pk}"') == 1 and "低保" in table
    assert f'id="household-{other.pk}"' in table


def test_the_kinds_of_a_revealed_list_include_the_ended_ones_marked(cast, client_for):
    h = _household(cast, "双困户303")
    _record(cast, h, Kind.DIBAO)
    ended = _record(cast, h, Kind.UNEMPLOYED)
    services.difficulty_end(ended, acting_user=cast.comm_a_sec, until=TODAY, version=1)
    c = client_for(cast.comm_a_sec)
    table = (
        c.get(f"/households/?org={cast.comm_a.pk}&kind=unemployed&active=")
        .content.decode()
        .split('id="register"')[1]
    )
    assert table.count(f'id="household-{h.pk}"') == 1 and "失业（已结束）" in table
    assert "低保" not in table  # only the kind asked for is revealed


def test_pages_are_of_households_not_of_rows(cast, client_for, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    homes = [_household(cast, f"分页户{i}") for i in range(3)]
    for h in homes:
        _record(cast, h, Kind.DIBAO)
        _record(cast, h, Kind.ILLNESS)
    c = client_for(cast.comm_a_sec)
    first = c.get(f"/households/?org={cast.comm_a.pk}").content.decode()
    second = c.get(f"/households/?org={cast.comm_a.pk}&page=2").content.decode()
    assert [f'id="household-{h.pk}"' in first for h in homes] == [True, True, False]
    assert [f'id="household-{h.pk}"' in second for h in homes] == [False, False, True]


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/households/?org={org}", "/households/?org={org}&kind=dibao"])
def test_the_list_costs_the_same_for_1_and_12_households_of_two_kinds(cast, client_for, url):
    url = url.format(org=cast.comm_a.pk)
    c = client_for(cast.comm_a_sec)
    checkin = _checked_in(cast)

    def add(i):
        h = _household(cast, f"查询户{i}")
        _record(cast, h, Kind.DIBAO)
        _record(cast, h, Kind.ALONE)
        services.household_pair(
            acting_user=cast.comm_a_sec, household=h, checkin=checkin, since=TODAY
        )

    add(0)
    c.get(url)  # warm the session and the scope
    few = _queries(c, url)
    for i in range(1, 12):
        add(i)
    assert _queries(c, url) == few


# ---- the household's history -------------------------------------------------------------
def _hand_out(cast, h, *, day, quantity=2, item_name="食用油"):
    item = charity.item_create(acting_user=cast.comm_a_sec, community=cast.comm_a, name=item_name)
    charity.goods_in(
        acting_user=cast.comm_a_sec,
        item=item,
        quantity=10,
        date=day,
        donor_kind="resident",
        donor_name="王阿姨",
    )
    return charity.goods_out(
        acting_user=cast.comm_a_sec,
        item=item,
        quantity=quantity,
        date=day,
        household=h,
        handed_by_member=cast.member_a,
    )


def test_the_history_has_help_pairings_and_charity_hand_outs_newest_first(cast, client_for):
    h = _household(cast, "历史户401")
    _record(cast, h, Kind.ALONE)
    checkin = _checked_in(cast)
    p = services.household_pair(
        acting_user=cast.comm_a_sec,
        household=h,
        checkin=checkin,
        since=TODAY - dt.timedelta(days=40),
    )
    _hand_out(cast, h, day=TODAY - dt.timedelta(days=30))
    services.household_help(
        acting_user=cast.comm_a_sec,
        household=h,
        members=[checkin.member_id],
        title="上门理发",
        date=TODAY - dt.timedelta(days=20),
    )
    voided = _hand_out(cast, h, day=TODAY - dt.timedelta(days=15), item_name="棉被")
    charity.movement_void(acting_user=cast.comm_a_sec, movement=voided, reason="登记错了户")
    services.household_unpair(
        acting_user=cast.comm_a_sec, pairing=p, on=TODAY - dt.timedelta(days=10), version=1
    )
    page = client_for(cast.comm_a_sec).get(f"/households/{h.pk}/").content.decode()
    history = page.split('id="history"')[1].split("</ul>")[0]
    order = [
        history.index(t)
        for t in ("结束结对", "上门理发", "爱心超市发放：食用油 2 件", "与在职党员结对")
    ]
    assert order == sorted(order)
    assert "张三" in history  # who handed the goods out
    assert "棉被" not in history  # a voided hand-out is not in the history


def test_the_history_costs_the_same_for_few_and_many_entries(cast, client_for):
    h = _household(cast, "历史户402")
    _record(cast, h, Kind.ALONE)
    checkin = _checked_in(cast)
    services.household_pair(acting_user=cast.comm_a_sec, household=h, checkin=checkin, since=TODAY)
    c = client_for(cast.comm_a_sec)
    url = f"/households/{h.pk}/"
    _hand_out(cast, h, day=TODAY)
    services.household_help(
        acting_user=cast.comm_a_sec,
        household=h,
        members=[checkin.member_id],
        title="帮扶",
        date=TODAY,
    )
    c.get(url)
    few = _queries(c, url)
    for i in range(5):
        _hand_out(cast, h, day=TODAY, item_name=f"物品{i}")
        services.household_help(
            acting_user=cast.comm_a_sec,
            household=h,
            members=[checkin.member_id],
            title=f"帮扶{i}",
            date=TODAY,
        )
    assert _queries(c, url) == few


# ---- 结束结对 on the household's page --------------------------------------------------------
@pytest.fixture
def paired(cast):
    h = _household(cast, "结对户501")
    _record(cast, h, Kind.DIBAO)
    p = services.household_pair(
        acting_user=cast.comm_a_sec,
        household=h,
        checkin=_checked_in(cast),
        since=TODAY - dt.timedelta(days=5),
    )
    return h, p


def test_the_button_asks_first_and_ends_the_pairing(cast, client_for, paired):
    h, p = paired
    c = client_for(cast.comm_a_sec)
    page = c.get(f"/households/{h.pk}/").content.decode()
    form = page.split(f'id="pairing-{p.pk}"')[1].split("</form>")[0]
    assert "结束结对" in form and "data-confirm=" in form and "确定结束" in form
    r = c.post(f"/households/{h.pk}/pairings/{p.pk}/end/", {"on": TODAY, "version": 1})
    assert r.status_code == 302
    assert Pairing.objects.get().until == TODAY
    after = c.get(f"/households/{h.pk}/").content.decode()
    assert "已结束结对" in after  # the message
    assert f"/households/{h.pk}/pairings/{p.pk}/end/" not in after  # no button any more
    # a second, stale submission is told and changes nothing
    r = c.post(
        f"/households/{h.pk}/pairings/{p.pk}/end/",
        {"on": TODAY - dt.timedelta(days=1), "version": 1},
        follow=True,
    )
    assert "已于" in r.content.decode() and Pairing.objects.get().until == TODAY


def test_a_bad_date_is_told_and_changes_nothing(cast, client_for, paired):
    h, p = paired
    c = client_for(cast.comm_a_sec)
    for on, message in (
        (TODAY - dt.timedelta(days=6), "不能早于结对日期"),
        (TODAY + dt.timedelta(days=1), "不能晚于今天"),
        ("", "结束日期"),
    ):
        r = c.post(
            f"/households/{h.pk}/pairings/{p.pk}/end/", {"on": on, "version": 1}, follow=True
        )
        assert message in r.content.decode()
    assert Pairing.objects.get().until is None


def test_another_community_gets_a_404_and_nothing_changes(cast, client_for, paired):
    h, p = paired
    for user in (cast.comm_b_sec, cast.member_user, cast.outsider):
        r = client_for(user).post(
            f"/households/{h.pk}/pairings/{p.pk}/end/", {"on": TODAY, "version": 1}
        )
        assert r.status_code == 404
    other = _household(cast, "别的户")
    r = client_for(cast.comm_a_sec).post(
        f"/households/{other.pk}/pairings/{p.pk}/end/", {"on": TODAY, "version": 1}
    )
    assert r.status_code == 404
    assert Pairing.objects.get().until is None
