import pytest
from playwright.sync_api import expect

from ..conftest import login

pytestmark = pytest.mark.browser


def test_a_community_secretary_logs_in_and_sees_only_their_community(cast, live_server, page):
    login(page, live_server, "comm_a_sec")
    assert page.locator("h1").first.inner_text() == "我负责的组织"
    assert page.get_by_text("文化东路社区党委").is_visible()
    assert page.get_by_text("迎宾路社区党总支").count() == 0
    page.click("nav >> text=党员管理")
    page.click("nav >> text=党员信息库")
    # the click starts a navigation; count() does not wait for it, expect() does
    page.wait_for_url(lambda url: "/members/" in url)
    rows = page.locator("#member-table tbody tr")
    expect(rows).to_have_count(1)
    assert "张三" in rows.first.inner_text()
