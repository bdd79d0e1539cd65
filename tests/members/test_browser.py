"""In a real browser: a secretary registers a member (a typo in the ID number first), then
records a transfer out; a member opens their own record on a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.core.models import AuditEntry
from dangjian.members.models import Member, State

from ..conftest import login
from .conftest import valid_id, wrong_check

pytestmark = pytest.mark.browser


def test_a_secretary_fixes_a_bad_id_number_then_records_a_transfer_out(cast, live_server, page):
    number = valid_id(dt.date(1982, 8, 8), "M", seed=3)
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/members/")
    page.click("#register-member")
    page.fill("#id_name", "冯大志")
    page.fill("#id_id_number", wrong_check(number))
    page.fill("#id_joined_on", "2008-07-01")
    page.fill("#id_full_on", "2009-07-01")
    page.fill("#id_phone", "13700001234")
    page.select_option("#id_org", str(cast.branch_a.pk))
    page.check("input[name=categories][value=in_service]")
    page.click("button[type=submit]")

    error = page.locator("#field-id_number .invalid-feedback")
    assert "校验位不正确" in error.inner_text()
    assert page.input_value("#id_name") == "冯大志"  # what was typed is still there
    assert page.input_value("#id_id_number") == wrong_check(number)
    assert page.input_value("#id_phone") == "13700001234"
    assert page.is_checked("input[name=categories][value=in_service]")
    assert not Member.objects.filter(name="冯大志").exists()

    page.fill("#id_id_number", number)
    page.click("button[type=submit]")
    page.wait_for_url("**/members/*/")
    assert "已登记党员 冯大志" in page.inner_text("main")
    assert page.inner_text("#id-number") == number[:4] + "**********" + number[-4:]
    page.once("dialog", lambda d: d.accept())  # "查看完整身份证号将被记录在审计日志中…"
    page.click("#reveal-id")
    # expect() polls from Python; wait_for_function would need eval, which the CSP forbids
    expect(page.locator("#id-number")).to_have_text(number)
    assert AuditEntry.objects.filter(action="reveal", actor=cast.comm_a_sec).count() == 1

    page.click("text=组织关系转出")
    page.fill("#id_to_org_name", "省城某区某社区党委")
    page.fill("#id_letter_no", "组转〔2026〕8号")
    page.fill("#id_letter_valid_until", "2099-12-31")
    page.fill("#id_date", timezone.localdate().isoformat())
    page.once("dialog", lambda d: d.accept())  # "确定为冯大志记录“组织关系转出”吗？"
    page.click("button[type=submit]")
    page.wait_for_url("**/members/*/")
    assert page.inner_text("#member-state") == "已转出"
    assert "组转〔2026〕8号" in page.inner_text("#timeline")
    assert Member.objects.get(name="冯大志").state == State.TRANSFERRED_OUT


def test_declining_the_confirmation_records_nothing(cast, live_server, page):
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/members/{cast.member_a.pk}/events/death/")
    page.once("dialog", lambda d: d.dismiss())
    page.click("button[type=submit]")
    page.wait_for_timeout(300)
    cast.member_a.refresh_from_db()
    assert cast.member_a.state == State.ACTIVE and "/events/death/" in page.url


def test_a_member_reads_their_own_record_on_a_phone(cast, live_server, phone):
    login(phone, live_server, "member_a")
    assert phone.url.endswith("/m/")  # the member app first (issue 19), the record from there
    phone.goto(f"{live_server.url}/members/{cast.member_a.pk}/")
    assert phone.locator("h1").inner_text().startswith("张三")
    assert phone.locator("#timeline").is_visible()
    assert phone.locator("#reveal-id").count() == 0
    assert phone.locator("#event-buttons").count() == 0
    # nothing wider than the screen: no sideways scrolling on a phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto(f"{live_server.url}/members/{cast.member_b.pk}/")
    assert "张三" not in phone.content() and "李四" not in phone.content()
