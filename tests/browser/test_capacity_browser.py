"""In a real browser (issue 17): a secretary records a party-school course with a community worker
on it and sees that worker's shortfall go; a department files an entrustment and the town approves
it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.admission.models import Department, Entrustment, State
from dangjian.core import rules
from dangjian.staff.models import Staff

from ..conftest import login

pytestmark = pytest.mark.browser


def test_a_course_with_a_worker_on_it_clears_the_workers_county_shortfall(cast, live_server, page):
    page.set_default_timeout(30_000)
    worker = Staff.objects.create(
        name="赵社工", community=cast.comm_a, kind="hired", started_on=dt.date(2020, 1, 1)
    )
    days = rules.value("training.county", "min_days")
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/staff/?org={cast.comm_a.pk}")
    row = page.locator("#staff-table tr", has_text="赵社工")
    expect(row.locator(".text-danger", has_text="县委党校 0/1")).to_be_visible()

    page.goto(f"{live_server.url}/training/new/?org={cast.county.pk}")
    page.select_option("#course-form #id_level", "county")
    page.fill("#course-form #id_topic", "社区干部轮训班")
    page.fill("#course-form #id_start", (timezone.localdate() - dt.timedelta(days=30)).isoformat())
    page.fill("#course-form #id_days", str(days))
    page.click("#course-form button")
    expect(page.locator("h1")).to_have_text("社区干部轮训班")
    page.select_option("#staff-form select[name=staff]", str(worker.pk))
    page.check("#staff-form input[name=completed]")
    page.click("#staff-form button")
    expect(page.locator("#attendances")).to_contain_text("赵社工")

    page.goto(f"{live_server.url}/staff/?org={cast.comm_a.pk}")
    row = page.locator("#staff-table tr", has_text="赵社工")
    expect(row.locator(".text-success", has_text="县委党校 1/1")).to_be_visible()


def test_a_department_files_an_entrustment_and_the_town_approves_it(cast, live_server, page):
    page.set_default_timeout(30_000)
    contact = get_user_model().objects.create_user("civil_contact", password=cast.password)
    Department.objects.create(county=cast.county, name="县民政局").contacts.add(contact)
    page.on("dialog", lambda d: d.accept())

    login(page, live_server, "civil_contact")
    page.goto(f"{live_server.url}/admission/new/")
    page.select_option("#entrustment-form #id_community", str(cast.comm_a.pk))
    page.fill("#entrustment-form #id_task", "高龄津贴年度认证")
    page.fill("#entrustment-form #id_quality", "准确、不漏一户")
    page.fill("#entrustment-form #id_standard", "一户一档")
    page.fill(
        "#entrustment-form #id_deadline", (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    )
    page.fill("#entrustment-form #id_funding", "-5")
    page.click("#entrustment-form button")
    expect(page.locator("#entrustment-form")).to_contain_text("随事经费不能为负数")
    assert not Entrustment.objects.exists()
    page.fill("#entrustment-form #id_funding", "3000")
    page.click("#entrustment-form button")
    expect(page.locator("#state")).to_have_text("待审核")
    e = Entrustment.objects.get()

    page.context.clear_cookies()
    login(page, live_server, "street_a_sec")
    page.goto(f"{live_server.url}/admission/{e.pk}/")
    page.check("#decide-form #id_decision_0")
    page.click("#decide")
    expect(page.locator("#state")).to_have_text("已准入")
    e.refresh_from_db()
    assert e.state == State.APPROVED and e.decided_on == timezone.localdate()
