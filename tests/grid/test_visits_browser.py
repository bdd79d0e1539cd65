"""In a real browser: a grid cadre records a visit on a phone and turns it into a service request
in the same step; the community secretary then sees the area green on the coverage page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.grid.models import Visit
from dangjian.servicedesk.models import Request

from ..conftest import login
from .visits_fixtures import add_visits, vw_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def test_a_cadre_records_a_visit_on_a_phone_and_the_area_goes_green(
    cast, vw, live_server, phone, page
):
    today = timezone.localdate()
    # every earlier month of the year was visited; this month not yet
    add_visits(vw.home_a_2, vw.cadre_a, [dt.date(today.year, m, 2) for m in range(1, today.month)])

    login(page, live_server, "comm_a_sec")
    coverage = f"{live_server.url}/grid/coverage/?org={cast.comm_a.pk}&year={today.year}"
    page.goto(coverage)
    expect(page.locator(f"#area-{vw.grid_a.pk}")).to_have_attribute("data-light", "amber")

    login(phone, live_server, "cadre_a")
    phone.goto(f"{live_server.url}/grid/visits/new/")
    phone.select_option("#id_household", str(vw.home_a.pk))
    expect(phone.locator("#id_visited_on")).to_have_value(today.isoformat())
    phone.fill("#id_met", "王奶奶")
    phone.fill("#id_found", "独居，腿脚不便")
    phone.fill("#id_follow_up", "楼道灯坏了，需要维修")
    phone.check("#id_open_request")
    phone.select_option("#id_category", "repair")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.click("#save-visit")
    expect(phone.locator("#request")).to_contain_text("FW")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    v = Visit.objects.get(household=vw.home_a)
    req = Request.objects.get()
    assert v.request_id == req.pk and req.channel == "grid" and req.household_id == vw.home_a.pk

    page.goto(coverage)
    expect(page.locator(f"#area-{vw.grid_a.pk}")).to_have_attribute("data-light", "green")
