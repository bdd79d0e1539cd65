"""In a real browser, on a phone-sized window: the community's secretary finds the overdue task
first on the inspection's page, closes it (late) with what was done, and nothing of the list, the
page or the form scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.inspections.models import FollowUp

from ..conftest import login
from .conftest import TODAY, record, task

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_a_community_secretary_closes_an_overdue_task_on_a_phone(cast, live_server, phone):
    i = record(cast, summary="楼栋党支部台帐抽查")
    task(cast, i, owner_name="钱测试", deadline=TODAY + dt.timedelta(days=9), text="按时任务")
    late = task(
        cast,
        i,
        owner=cast.comm_a_sec,
        deadline=TODAY - dt.timedelta(days=3),
        text="补开支部委员会会议并补记会议记录，逐月核对",
    )
    phone.set_default_timeout(30_000)  # a loaded CI machine; the steps themselves are small
    login(phone, live_server, "comm_a_sec")
    phone.goto(f"{live_server.url}/inspections/")
    assert "逾期 1" in phone.locator("#inspections").inner_text()
    assert phone.evaluate(FITS)
    phone.click(f"#inspection-{i.pk} a >> nth=0")
    phone.wait_for_load_state()
    assert phone.evaluate(FITS)
    tasks = phone.locator("li[id^=task-]").all_inner_texts()
    assert "逾期未完成" in tasks[0] and "补开支部委员会会议" in tasks[0]
    phone.click(f"#task-{late.pk} >> text=完成整改")
    phone.wait_for_load_state()
    assert phone.evaluate(FITS)
    phone.fill("#id_evidence", "已补开支部委员会会议，会议记录已补记")
    phone.click("#close-form button")
    phone.wait_for_load_state()
    assert "逾期完成" in phone.locator(f"#task-{late.pk}").inner_text()
    assert FollowUp.objects.get(pk=late.pk).closed_on == TODAY
