"""In a real browser: a secretary registers an applicant (too young at first), records the
talk late and sees the warning; the pipeline shows what is due."""

import datetime as dt

import pytest

from dangjian.development.models import Candidate, Stage
from tests.factories import fake_id

from ..conftest import login
from .factories import make_candidate

pytestmark = pytest.mark.browser


def test_a_secretary_registers_an_applicant_and_records_a_late_talk(cast, live_server, page):
    make_candidate(
        org=cast.branch_a, name="孙积极", upto=Stage.ACTIVIST, applied_on=dt.date(2026, 1, 5)
    )
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/development/")
    assert "2027年2月24日起可列为发展对象" in page.locator("#col-activist").inner_text()
    page.click("#create-candidate")
    page.select_option("#id_org", str(cast.branch_a.pk))
    page.fill("#id_name", "郑申请")
    page.fill("#id_id_number", fake_id(birth_date=dt.date(2008, 9, 1), gender="F"))
    page.check("input[name=gender][value=F]")
    page.fill("#id_birth_date", "2008-09-01")
    page.fill("#id_applied_on", "2026-03-02")
    page.click("button[type=submit]")
    assert "未满 18 周岁" in page.locator("#form-errors").inner_text()
    assert page.input_value("#id_name") == "郑申请"

    page.fill("#id_id_number", fake_id(birth_date=dt.date(1998, 9, 1), gender="F"))
    page.fill("#id_birth_date", "1998-09-01")
    page.click("button[type=submit]")
    assert "已登记入党申请人" in page.content()
    assert "逾期" in page.locator("#next-due").inner_text()

    page.click("#step-buttons >> text=谈话")
    page.fill("#id_date", "2026-04-05")
    page.fill("#id_talked_by", "王书记")
    page.click("button[type=submit]")
    assert "晚了 4 天" in page.locator(".alert-warning").first.inner_text()
    assert "晚了 4 天" in page.locator("#timeline").inner_text()
    page.screenshot(path="/tmp/dev-detail.png", full_page=True)
    assert Candidate.objects.get(name="郑申请").talked_on == dt.date(2026, 4, 5)
    page.goto(f"{live_server.url}/development/")
    page.screenshot(path="/tmp/dev-pipeline.png", full_page=True)
