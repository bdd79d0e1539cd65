"""Way-finding on a 390 px phone (issue 20 item 13): the person's name stands beside the title
(cut short with "…" when long), the breadcrumbs wrap instead of running off the side, and
"返回列表" on a member's dues page leads back to the dues list as it was filtered — also when the
page was opened without the browser telling where from (nav.js remembers the list)."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.members.models import Member
from dangjian.orgs.services import office_create
from tests.factories import make_member

from ..conftest import login
from .phone import assert_fits

pytestmark = pytest.mark.browser

LONG = "叶尔江·沙吾提阿不都热合曼·买买提"


@pytest.fixture
def world(cast):
    sec = make_member(org=cast.branch_a, name=LONG, birth_date=dt.date(1965, 5, 1))
    Member.objects.filter(pk=sec.pk).update(user=cast.comm_a_sec)
    office_create(
        acting_user=None,
        org=cast.comm_a,
        title="secretary",
        member=sec,
        term_start=dt.date(2024, 1, 1),
    )
    Member.objects.filter(pk=cast.member_a.pk).update(name=LONG + "二")
    return cast


def test_the_name_crumbs_and_way_back_fit_a_phone(world, live_server, phone):
    cast = world
    phone.set_default_timeout(30_000)
    login(phone, live_server, "comm_a_sec")
    base = live_server.url
    listing = f"/dues/?org={cast.branch_a.pk}"
    member_page = f"{base}/dues/members/{cast.member_a.pk}/"

    # (the dues list's own table is another matter: tests/browser/test_list_pages_phone.py)
    phone.goto(base + listing)
    # the name beside the title, on the bar, cut short rather than pushing the menu button off
    who = phone.locator(".who-phone")
    assert who.is_visible()
    box = who.bounding_box()
    assert box["x"] + box["width"] <= 390
    assert phone.locator(".navbar-toggler").bounding_box()["x"] + 40 <= 390
    assert who.evaluate("e => e.scrollWidth > e.clientWidth")  # the long name is cut (…)
    assert who.get_attribute("title").startswith(LONG + " · 社区党委书记")

    # from the filtered list to a member's dues page: the crumbs wrap and fit
    phone.goto(base + listing)
    phone.goto(member_page, referer=base + listing)
    assert_fits(phone, member_page)
    crumbs = phone.locator("#crumbs")
    assert crumbs.is_visible()
    assert crumbs.locator("li").all_inner_texts()[:3] == ["首页", "党员管理", "党费收缴"]
    nav = crumbs.bounding_box()
    assert nav["x"] >= 0 and nav["x"] + nav["width"] <= 390
    last = crumbs.locator("li").last.bounding_box()
    assert last["x"] + last["width"] <= 390

    # opened without a Referer: nav.js points the way back at the list last seen in this tab
    phone.goto(member_page)
    back = phone.locator("a.back-link")
    assert back.get_attribute("href") == listing
    assert crumbs.locator("a[data-back-list]").get_attribute("href") == listing
    back.click()
    phone.wait_for_load_state()
    assert phone.url == base + listing
