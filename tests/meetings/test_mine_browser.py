"""A member on a phone (390 px wide): sees the next meeting of their branch, asks for leave with
a reason, sees it waiting for approval, and looks at their attendance record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from dangjian.meetings import services

from ..conftest import login
from .factories import make_meeting

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


def test_a_member_asks_for_leave_on_a_phone_and_sees_their_record(
    real_password_hashing, cast, live_server, phone
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate()
    past = make_meeting(org=cast.branch_a, date=today - dt.timedelta(days=20), topic="十月党课")
    services.attendance_record(meeting=past, marks=[], acting_user=None)
    make_meeting(
        org=cast.branch_a,
        date=today + dt.timedelta(days=6),
        start_time=dt.time(9, 30),
        place="社区党群服务中心二楼",
        topic="十二月主题党日：学习党章",
    )
    login(phone, live_server, "member_a")
    phone.goto(f"{live_server.url}/meetings/mine/")
    card = phone.locator(".mine-meeting").first
    assert "十二月主题党日" in card.inner_text() and "09:30" in card.inner_text()
    assert "社区党群服务中心二楼" in card.inner_text()
    # the page fits the phone: nothing wider than the screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "mine-upcoming.png"), full_page=True)

    card.get_by_role("link", name="请假").click()
    phone.wait_for_load_state()
    phone.click("#leave-submit")  # without a reason first
    phone.wait_for_load_state()
    assert "请填写请假原因" in phone.content()
    phone.fill("textarea[name=reason]", "去医院复查")
    phone.screenshot(path=str(SHOTS / "mine-leave-form.png"), full_page=True)
    phone.click("#leave-submit")
    phone.wait_for_load_state()
    assert phone.url.endswith("/meetings/mine/")
    state = phone.locator(".mine-meeting .leave-state").first.inner_text()
    assert "待批准" in state and "去医院复查" in state
    phone.screenshot(path=str(SHOTS / "mine-leave-pending.png"), full_page=True)

    phone.click("#my-attendance")
    phone.wait_for_load_state()
    assert "十月党课" in phone.locator("#attendance-list").inner_text()
    present = phone.locator("#attendance-totals [data-status=present]").inner_text()
    assert present.startswith("1")
    phone.screenshot(path=str(SHOTS / "mine-attendance.png"), full_page=True)
