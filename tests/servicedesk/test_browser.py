"""In a real browser: a resident files a request on a phone → the secretary assigns it → the
handler closes it → the resident rates it through the receipt link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dangjian.servicedesk.models import Request

from ..conftest import login

pytestmark = pytest.mark.browser


def test_a_request_from_the_public_page_to_the_residents_rating(cast, live_server, phone, page):
    phone.goto(f"{live_server.url}/servicedesk/public/{cast.comm_a.code}/new/")
    phone.select_option("#id_category", "repair")
    phone.fill("#id_resident_name", "李奶奶")
    phone.fill("#id_phone", "13900001111")
    phone.fill("#id_content", "楼道灯坏了")
    a, b = re.search(r"(\d) \+ (\d)", phone.locator("#question").inner_text()).groups()
    phone.fill("#answer", str(int(a) + int(b)))
    phone.click("#submit")
    expect(phone.locator("#number")).to_be_visible()
    assert "李奶奶" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    receipt = phone.url
    req = Request.objects.get()

    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/servicedesk/{req.pk}/")
    page.select_option("#assignee-select", f"user:{cast.comm_a_sec.pk}")
    page.click("#do-assign")
    expect(page.locator("#state")).to_have_text("已分派")
    page.click("#do-start")
    expect(page.locator("#state")).to_have_text("办理中")
    page.fill("#result", "换了灯泡")
    page.click("#do-finish")
    expect(page.locator("#state")).to_have_text("已办结")

    phone.goto(receipt)
    phone.select_option("#satisfaction", "5")
    phone.click("#rate")
    expect(phone.locator("#rated")).to_be_visible()
    req.refresh_from_db()
    assert (req.state, req.satisfaction) == ("closed", 5)
