"""In a real browser on a phone-sized window: the secretary posts a notice (a withdraw asks
first), the member reads it with large text; nothing scrolls sideways, nothing asks to confirm
reading."""

from __future__ import annotations

import pytest

from dangjian.notices.models import Notice

from ..conftest import login
from .conftest import post

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_a_notice_is_posted_and_read_on_a_phone(cast, live_server, phone):
    post(cast, title="很长的通知", body="长" * 3000)
    login(phone, live_server, "comm_a_sec")
    phone.goto(f"{live_server.url}/notices/new/")
    assert phone.evaluate(FITS)
    phone.select_option("#id_org", str(cast.comm_a.pk))
    phone.check("#id_audience_1")
    phone.fill("#id_title", "手机上发的通知")
    phone.fill("#id_body", "请各位党员周六上午参加楼道清洁。")
    phone.click("#save")
    phone.wait_for_load_state()
    n = Notice.objects.get(title="手机上发的通知")
    assert phone.url.endswith(f"/notices/{n.pk}/") and phone.evaluate(FITS)
    assert phone.locator("#withdraw-form").get_attribute("data-confirm")
    phone.goto(f"{live_server.url}/notices/")
    assert phone.evaluate(FITS)
    phone.context.clear_cookies()
    login(phone, live_server, "member_a")
    phone.goto(f"{live_server.url}/notices/mine/")
    text = phone.locator("#my-notices").inner_text()
    assert "手机上发的通知" in text and "很长的通知" in text
    assert phone.evaluate(FITS)
    size = phone.locator(f"#notice-{n.pk} .notice-body").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 18
    assert phone.locator("#my-notices button").count() == 0
