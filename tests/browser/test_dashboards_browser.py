"""In a real Chromium, offline: a street secretary opens the dashboard, sees the SVG charts,
drills down from the street to a community to a branch, clicks a figure and lands on the records
it counts; no request leaves the live server and the Content-Security-Policy blocks nothing; on a
390 px phone nothing scrolls sideways."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.dashboards.conftest import fill_community

from ..conftest import login
from .phone import MEASURE
from .test_csp import RECORD_VIOLATIONS

pytestmark = pytest.mark.browser


def _charts_drawn(pg) -> int:
    """How many chart SVGs have a real box on the page."""
    drawn = 0
    for svg in pg.locator("svg.chart-svg").all():
        box = svg.bounding_box()
        if box and box["width"] > 0 and box["height"] > 0:
            drawn += 1
    return drawn


def test_a_street_secretary_drills_down_to_a_branch_and_opens_the_records(
    cast, live_server, page, phone
):
    page.set_default_timeout(30_000)
    phone.set_default_timeout(30_000)
    year = timezone.localdate().year
    fill_community(cast.comm_a, year=year, n=2)
    fill_community(cast.comm_a2, year=year)
    hosts: list[str] = []
    for pg in (page, phone):
        pg.on("request", lambda r: hosts.append(urlsplit(r.url).netloc))
    here = urlsplit(live_server.url).netloc
    page.add_init_script(RECORD_VIOLATIONS)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    login(page, live_server, "street_a_sec")
    page.goto(f"{live_server.url}/dashboards/")
    expect(page.locator("h1")).to_contain_text("东城街道党工委")
    assert _charts_drawn(page) >= 12
    expect(page.locator("#table-members")).to_contain_text("文化东路社区党委")
    assert page.evaluate("window.__csp") == []  # no inline style or script in the charts

    page.locator("#dashboard-children a", has_text="文化东路社区党委").click()
    expect(page.locator("h1")).to_contain_text("文化东路社区党委")
    expect(page.locator("#dashboard-crumbs")).to_contain_text("东城街道党工委")
    assert _charts_drawn(page) >= 12

    page.locator("#dashboard-children a", has_text="文化东路第一楼栋党支部").click()
    expect(page.locator("h1")).to_contain_text("文化东路第一楼栋党支部")
    expect(page.locator("#dashboard-children")).to_contain_text("1号楼1单元党小组")

    # a bar of the members chart is a link to the members it counts
    page.locator("#sec-members svg a[href*='/members/']").first.click()
    page.wait_for_url(lambda url: "/members/" in url and f"org={cast.branch_a.pk}" in url)
    expect(page.locator("main")).to_contain_text("张三")

    # the same on a phone: the charts fit and nothing scrolls sideways
    login(phone, live_server, "street_a_sec")
    for org in (cast.street_a, cast.comm_a):
        phone.goto(f"{live_server.url}/dashboards/?org={org.pk}")
        assert _charts_drawn(phone) >= 12
        bad = phone.evaluate(MEASURE)
        assert bad == [], (org.name, bad)

    assert hosts and set(hosts) == {here}, set(hosts)
    assert errors == []
