"""The annual report .docx of a community with more members than the threshold is written by
the worker: the same document as the immediate download (read back with python-docx and
compared), with the secretary's words, only for its owner; the right to see the community is
checked again when it runs."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from dangjian.accounts.models import Grant
from dangjian.background import kinds, services
from dangjian.background.models import BackgroundExport
from dangjian.core.models import AuditEntry
from tests.reports.test_annual_report import records, year  # noqa: F401 - the fixtures


def _doc(source) -> tuple[list[str], list[list[list[str]]]]:
    doc = Document(source)
    return (
        [p.text for p in doc.paragraphs],
        [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables],
    )


@pytest.mark.usefixtures("records")
def test_a_big_community_s_report_comes_from_the_worker_the_same_document(
    cast, client_for, settings
):
    report_year = timezone.localdate().year
    c = client_for(cast.comm_a_sec)
    c.post(
        reverse("reports:report", args=[cast.comm_a.pk, report_year]),
        {"prose_life": "今年支部坚持三会一课。", "version": ""},
    )
    url = reverse("reports:docx", args=[cast.comm_a.pk, report_year])
    size = kinds.members_under(cast.comm_a)
    settings.DANGJIAN_BACKGROUND_ROWS = size
    r = c.get(url)
    assert r.status_code == 200
    immediate = _doc(io.BytesIO(b"".join(r.streaming_content)))
    assert "今年支部坚持三会一课。" in immediate[0] and immediate[1]
    assert not BackgroundExport.objects.exists()

    settings.DANGJIAN_BACKGROUND_ROWS = size - 1
    r = c.get(url)
    job = BackgroundExport.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("background:detail", args=[job.pk])
    assert (job.kind, job.total, job.scope_path) == ("annual_report", size, cast.comm_a.path)
    assert job.filename == f"{cast.comm_a.name}{report_year}年度党建工作报告.docx"
    html = c.get(r["Location"]).content.decode()
    assert "年度党建工作报告 · 后台导出" in html and 'hx-trigger="every 1s"' in html

    assert services.run_export(job.pk, 1)["rows"] > 0
    job.refresh_from_db()
    assert job.status == "done" and job.file_path.endswith(".docx")
    assert _doc(job.file_path) == immediate

    r = c.get(reverse("background:download", args=[job.pk]))
    assert r.status_code == 200 and "wordprocessingml" in r["Content-Type"]
    assert _doc(io.BytesIO(b"".join(r.streaming_content))) == immediate
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("pk")
    assert entry.actor == cast.comm_a_sec and entry.scope_path == cast.comm_a.path
    for other in (client_for(cast.comm_b_sec), client_for(cast.street_sec)):
        for name in ("detail", "progress", "download"):
            assert other.get(reverse(f"background:{name}", args=[job.pk])).status_code == 404

    # a swept .docx is removed like an .xlsx
    services.sweep(keep_days=-1)
    job.refresh_from_db()
    assert job.file_path == "" and not list((settings.DATA_DIR / "exports").iterdir())


def test_the_owner_who_lost_the_community_gets_no_report(cast, client_for, settings):
    report_year = timezone.localdate().year
    settings.DANGJIAN_BACKGROUND_ROWS = 0
    c = client_for(cast.comm_a_sec)
    assert c.get(reverse("reports:docx", args=[cast.comm_a.pk, report_year])).status_code == 302
    job = BackgroundExport.objects.get()
    Grant.objects.filter(user=cast.comm_a_sec).delete()
    assert "没有生成文件" in services.run_export(job.pk, 1)["refused"]
    job.refresh_from_db()
    assert job.status == "failed" and not job.offered and "不能查看这个社区" in job.error
