"""In a real browser: a secretary confirms a roster too long to import while waiting; the page
shows the job queued, then (htmx polling, no inline script) the import going on with an
indeterminate bar, and, when the worker has run, the summary and the link to the members."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.background.models import BackgroundExport
from dangjian.members.models import Member
from tests.roster.files import good_rows, xlsx

from ..conftest import login

pytestmark = pytest.mark.browser


def test_a_big_import_shows_progress_then_the_summary(cast, live_server, page, settings, tmp_path):
    page.set_default_timeout(30_000)  # a loaded machine
    settings.DATA_DIR = tmp_path
    settings.DANGJIAN_BACKGROUND_ROWS = 2
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/roster/")
    page.select_option("#org", str(cast.comm_a.pk))
    page.set_input_files(
        "#file",
        {
            "name": "花名册.xlsx",
            "mimeType": "application/octet-stream",
            "buffer": xlsx(good_rows(3, branch="文化东路第一楼栋党支部")),
        },
    )
    page.click("#upload-form button")
    page.click("#confirm-import")

    expect(page.locator("#export-state")).to_contain_text("排队中")
    expect(page.locator("h1")).to_contain_text("名册导入 · 后台导入")
    job = BackgroundExport.objects.get()
    assert job.kind == "roster_import" and job.total == 3
    assert not Member.objects.filter(name__startswith="导入").exists()

    # the worker has started: the page follows without reloading, the bar has no value
    BackgroundExport.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now())
    expect(page.locator("#export-state")).to_contain_text("正在检查并导入 3 行")
    assert page.locator("#export-progress progress").get_attribute("value") is None

    BackgroundExport.objects.filter(pk=job.pk).update(status="queued")  # the real run, now
    call_command("worker", "--once", verbosity=0)
    expect(page.locator("#import-summary")).to_contain_text("导入完成：新建 3 名党员")
    page.click("#import-members")
    expect(page.locator("body")).to_contain_text("导入00001")
    assert Member.objects.filter(name__startswith="导入").count() == 3
