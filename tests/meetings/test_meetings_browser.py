"""A secretary records a meeting and its attendance in a real browser."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from dangjian.meetings.models import Attendance, AttendanceStatus, Meeting
from tests.factories import make_member

from ..conftest import login

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


def test_a_secretary_records_a_meeting_with_attendance(cast, live_server, page):
    names = ["陈一", "陈二", "陈三", "陈四", "陈五"]
    people = [make_member(org=cast.branch_a, name=n) for n in names]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/meetings/")
    page.click("#new-meeting")
    page.select_option("#choose-org select", str(cast.branch_a.pk))
    page.click("#choose-org button")
    page.select_option("#id_kind", "branch_general")
    page.fill("#id_date", yesterday.isoformat())
    page.fill("#id_topic", "浏览器里开的党员大会")
    page.fill("#id_host", "王书记")
    page.click("#save-meeting")
    page.wait_for_selector("#take-attendance")
    meeting = Meeting.objects.get(topic="浏览器里开的党员大会")

    page.click("#take-attendance")
    page.wait_for_selector("#tick-list")
    assert page.locator(".tick-line").count() == 6  # 张三 and the five
    assert page.locator("input[value=present]:checked").count() == 6
    absent, off = people[1], people[3]
    page.click(f"label[for=s_{absent.pk}_absent]")
    page.click(f"label[for=s_{off.pk}_excused]")
    reason = page.locator(f"input[name=r_{off.pk}]")
    assert reason.is_visible()
    reason.fill("住院治疗")
    assert "出席 4 · 请假 1 · 缺席 1" in page.locator("#tally").inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "meetings-tick-list.png"), full_page=True)
    page.click("#save-attendance")
    page.wait_for_selector("#attendance-summary")
    summary = page.locator("#attendance-summary").inner_text()
    assert (
        "应到 6" in summary and "出席 4" in summary and "请假 1" in summary and "缺席 1" in summary
    )
    page.screenshot(path=str(SHOTS / "meetings-detail.png"), full_page=True)
    rows = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    assert rows[absent.pk] == AttendanceStatus.ABSENT
    assert rows[off.pk] == AttendanceStatus.EXCUSED
    assert list(rows.values()).count(AttendanceStatus.PRESENT) == 4
