"""The 党内统计 workbook of a scope with more members than the threshold (a street) is built by
the worker: the same file as the immediate export (read back and compared sheet by sheet), only
for its owner, and the owner's right to see the organisation is checked again when it runs."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import Grant
from dangjian.background import kinds, services
from dangjian.background.models import BackgroundExport
from dangjian.core.models import AuditEntry
from tests.partystats.conftest import D, S, history  # noqa: F401 - the fixture

QUERY = f"on={D.isoformat()}&since={S.isoformat()}"


def _export(cast) -> str:
    return f"/partystats/export/?org={cast.street_a.pk}&{QUERY}"


def _sheets(source) -> dict:
    """Every sheet's values and merged ranges."""
    wb = openpyxl.load_workbook(source)
    return {
        ws.title: (list(ws.values), sorted(str(r) for r in ws.merged_cells.ranges))
        for ws in wb.worksheets
    }


pytestmark = pytest.mark.usefixtures("history")


def test_threshold_then_the_worker_s_file_is_the_immediate_one(cast, client_for, settings):
    size = kinds.members_under(cast.street_a)
    assert size >= 9  # 张三 and the history's members under 东城街道党工委
    c = client_for(cast.street_sec)

    settings.DANGJIAN_BACKGROUND_ROWS = size
    r = c.get(_export(cast))
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    immediate = _sheets(io.BytesIO(b"".join(r.streaming_content)))
    assert not BackgroundExport.objects.exists()

    settings.DANGJIAN_BACKGROUND_ROWS = size - 1
    r = c.get(_export(cast))
    job = BackgroundExport.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("background:detail", args=[job.pk])
    assert (job.kind, job.status, job.total, job.scope_path) == (
        "party_statistics",
        "queued",
        size,
        cast.street_a.path,
    )
    assert job.params == {"org": cast.street_a.pk, "on": D.isoformat(), "since": S.isoformat()}
    assert AuditEntry.objects.filter(action="event", object_id=str(job.pk)).exists()
    html = c.get(r["Location"]).content.decode()
    assert "党内统计 · 后台导出" in html and 'hx-trigger="every 1s"' in html

    # while the worker counts: an indeterminate bar, no row count it could not keep
    BackgroundExport.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now())
    html = c.get(reverse("background:progress", args=[job.pk])).content.decode()
    assert '<progress class="export-bar">' in html and "已完成" not in html
    BackgroundExport.objects.filter(pk=job.pk).update(status="queued")

    result = services.run_export(job.pk, 1)
    job.refresh_from_db()
    assert job.status == "done" and job.offered
    summary = {row[0]: row[1] for row in immediate["汇总与核对"][0] if row}
    assert result["rows"] == job.done == summary["期末在册党员（统计日期当日）"] == 7
    assert _sheets(job.file_path) == immediate

    r = c.get(reverse("background:download", args=[job.pk]))
    assert r.status_code == 200
    assert _sheets(io.BytesIO(b"".join(r.streaming_content))) == immediate
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("pk")
    assert entry.actor == cast.street_sec and entry.scope_path == cast.street_a.path

    for other in (client_for(cast.comm_a_sec), client_for(cast.comm_b_sec)):
        for name in ("detail", "progress", "download"):
            assert other.get(reverse(f"background:{name}", args=[job.pk])).status_code == 404


def test_the_owner_who_lost_the_street_gets_no_file(cast, client_for, settings):
    settings.DANGJIAN_BACKGROUND_ROWS = 0
    c = client_for(cast.street_sec)
    assert c.get(_export(cast)).status_code == 302
    job = BackgroundExport.objects.get()
    Grant.objects.filter(user=cast.street_sec).delete()
    assert "没有生成文件" in services.run_export(job.pk, 1)["refused"]
    job.refresh_from_db()
    assert job.status == "failed" and not job.offered and "不能查看这个党组织" in job.error
    assert not list((settings.DATA_DIR / "exports").iterdir())


def test_a_community_under_the_threshold_is_exported_at_once(cast, client_for):
    r = client_for(cast.comm_a_sec).get(f"/partystats/export/?org={cast.comm_a.pk}&{QUERY}")
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    assert not BackgroundExport.objects.exists()
