"""In a real browser: the community records a skills course (学技能、增党性) and who attended —
members ticked, a resident added by name — and the course shows on the member's own record."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dangjian.training.models import Attendance, Course

from ..conftest import login

pytestmark = pytest.mark.browser


def test_a_course_and_who_attended_show_on_the_member_s_record(cast, live_server, page, phone):
    page.set_default_timeout(30_000)  # a loaded machine; each step is well under a second
    phone.set_default_timeout(30_000)
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/training/?org={cast.comm_a.pk}")
    page.click("a[href*='/training/new/']")
    page.select_option("#course-form #id_level", "skills")
    page.fill("#course-form #id_topic", "家政服务员职业技能培训")
    page.fill("#course-form #id_days", "3")
    page.fill("#course-form #id_place", "社区党群服务中心")
    page.click("#course-form button")
    expect(page.locator("h1")).to_have_text("家政服务员职业技能培训")
    course = Course.objects.get()

    page.check(f"#attend-form input[name=members][value='{cast.member_a.pk}']")
    page.check(f"#attend-form input[name=completed][value='{cast.member_a.pk}']")
    page.click("#attend-form button")
    expect(page.locator("#attendances")).to_contain_text("张三")
    expect(page.locator("#attendances")).to_contain_text("已结业")
    page.fill("#resident-form input[name=name]", "王秀英")
    page.click("#resident-form button")
    expect(page.locator("#attendances")).to_contain_text("王秀英")
    assert sorted(Attendance.objects.filter(course=course).values_list("kind", flat=True)) == [
        "member",
        "resident",
    ]

    # the member, on a phone, finds it on their own training record
    login(phone, live_server, "member_a")
    phone.goto(f"{live_server.url}/training/")
    expect(phone.locator("main")).to_contain_text("家政服务员职业技能培训")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
