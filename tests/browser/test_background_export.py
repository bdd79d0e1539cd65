"""In a real browser: a secretary exports a register too long to wait for; the page shows a
progress bar that follows the worker (htmx polling, no inline script) and, when the worker has
run, the download link; the file reads back with every row."""

from __future__ import annotations

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.background.models import BackgroundExport
from tests.factories import make_member

from ..conftest import login

pytestmark = pytest.mark.browser


def test_a_big_export_shows_progress_then_the_download_link(
    cast, live_server, page, settings, tmp_path
):
    page.set_default_timeout(30_000)  # a loaded machine
    settings.DATA_DIR = tmp_path
    settings.DANGJIAN_BACKGROUND_ROWS = 2
    for i in range(3):
        make_member(org=cast.branch_a, name=f"成员{i}")
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/members/")
    page.click("#export-xlsx")

    bar = page.locator("#export-progress progress")
    expect(bar).to_be_visible()
    expect(page.locator("#export-state")).to_contain_text("排队中")
    job = BackgroundExport.objects.get()
    assert job.total == 4

    # the worker has got halfway: the bar follows without reloading the page
    BackgroundExport.objects.filter(pk=job.pk).update(
        status="running", done=2, heartbeat_at=timezone.now()
    )
    expect(page.locator("#export-progress")).to_contain_text("已完成 2 / 4 行")
    expect(bar).to_have_attribute("value", "2")
    expect(page.locator("#export-download")).to_have_count(0)

    BackgroundExport.objects.filter(pk=job.pk).update(status="queued")  # the real run, now
    call_command("worker", "--once", verbosity=0)
    link = page.locator("#export-download")
    expect(link).to_be_visible()
    expect(page.locator("#export-progress")).to_contain_text("已完成 4 / 4 行")
    with page.expect_download() as info:
        link.click()
    path = tmp_path / "download.xlsx"
    info.value.save_as(path)
    ws = openpyxl.load_workbook(path, read_only=True).active
    names = sorted(r[0] for r in ws.iter_rows(min_row=3, values_only=True))
    assert names == sorted(["张三", "成员0", "成员1", "成员2"])

    page.goto(f"{live_server.url}/exports/")
    expect(page.locator("#exports-table")).to_contain_text("已完成")
