"""Big member exports go to the worker: the threshold, the file and its rows, who may see it,
the progress fragment, 我的导出, and the audit."""

from __future__ import annotations

import io
import os
import stat

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from dangjian.accounts.models import Grant
from dangjian.background import services
from dangjian.background.models import BackgroundExport
from dangjian.core.models import AuditEntry
from dangjian.members.models import Category, Member
from tests.factories import make_member
from tests.meetings.factories import make_unit

EXPORT = "/members/export/"


def _names(fh) -> list[str]:
    ws = openpyxl.load_workbook(fh, read_only=True).active
    return sorted(r[0] for r in ws.iter_rows(min_row=3, values_only=True))


def _visible(user) -> int:
    from dangjian.members.selectors import members_visible

    return members_visible(user=user).count()


def _grow(cast, n: int, org=None) -> None:
    cats = [(), (Category.RETIRED,), (Category.IN_SERVICE, Category.RETIRED)]
    for i in range(n):
        make_member(
            org=org or cast.branch_a,
            name=f"成员{i:03d}",
            categories=cats[i % 3],
            work_unit="=某某公司" if i % 2 else "",
        )


def test_threshold_boundary_n_rows_immediate_n_plus_one_background(cast, client_for, settings):
    _grow(cast, 3)
    n = _visible(cast.comm_a_sec)
    settings.DANGJIAN_BACKGROUND_ROWS = n
    c = client_for(cast.comm_a_sec)

    r = c.get(EXPORT)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert len(_names(io.BytesIO(b"".join(r.streaming_content)))) == n
    assert not BackgroundExport.objects.exists()

    make_member(org=cast.branch_a, name="多一人")
    r = c.get(EXPORT)
    job = BackgroundExport.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("background:detail", args=[job.pk])
    assert (job.requested_by, job.status, job.total) == (cast.comm_a_sec, "queued", n + 1)
    task = DBTaskResult.objects.get()
    assert str(task.id) == job.task_id and task.status == "READY"
    assert task.args_kwargs["args"] == [job.pk, 1]
    assert AuditEntry.objects.filter(action="event", object_id=str(job.pk)).exists()

    page = c.get(r["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "排队中" in html and 'hx-trigger="every 1s"' in html and "<progress" in html
    assert "export-download" not in html


def test_the_worker_s_file_has_the_owner_s_rows_only_and_only_the_owner_gets_it(
    cast, client_for, settings
):
    settings.DANGJIAN_BACKGROUND_ROWS = 1
    _grow(cast, 4)
    _grow(cast, 2, org=cast.branch_b)
    unit = make_unit(community=cast.comm_a, name="文化东路物业公司")
    Member.objects.filter(name="成员000", org=cast.branch_a).update(employer_unit=unit)
    a, b = client_for(cast.comm_a_sec), client_for(cast.comm_b_sec)
    assert a.get(EXPORT).status_code == 302
    assert b.get(EXPORT).status_code == 302
    job_a = BackgroundExport.objects.get(requested_by=cast.comm_a_sec)
    job_b = BackgroundExport.objects.get(requested_by=cast.comm_b_sec)
    for job in (job_a, job_b):
        assert services.run_export(job.pk, job.attempt) == {"rows": job.total}
        assert services.run_export(job.pk, job.attempt) == {"skipped": True}  # delivered twice
        job.refresh_from_db()
        assert job.status == "done" and job.done == job.total and job.finished_at
        path = job.file_path
        assert os.path.dirname(path) == str(settings.DATA_DIR / "exports")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

    # the same rows as the immediate export of the same scope
    names_a = _names(job_a.file_path)
    assert len(names_a) == _visible(cast.comm_a_sec) == 5 and "李四" not in names_a
    names_b = _names(job_b.file_path)
    assert "李四" in names_b and "张三" not in names_b and len(names_b) == 3

    # cell for cell what the immediate export of the same user gives
    settings.DANGJIAN_BACKGROUND_ROWS = 1000
    now = a.get(EXPORT)
    immediate = openpyxl.load_workbook(io.BytesIO(b"".join(now.streaming_content))).active
    background = openpyxl.load_workbook(job_a.file_path).active
    assert list(background.values) == list(immediate.values)
    assert "文化东路物业公司" in {r[11] for r in background.values}

    r = a.get(reverse("background:download", args=[job_a.pk]))
    assert r.status_code == 200
    assert _names(io.BytesIO(b"".join(r.streaming_content))) == names_a
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("pk")
    assert entry.actor == cast.comm_a_sec and entry.changes["rows"] == 5
    assert entry.scope_path == job_a.scope_path == cast.comm_a.path

    # another community's secretary, and a second secretary of the same community, get nothing
    same = get_user_model().objects.create_user("comm_a_sec2", password="x-Pass-2026-y")
    Grant.objects.create(user=same, org=cast.comm_a, role=Grant.Role.SECRETARY)
    for other in (b, client_for(same), client_for(cast.outsider)):
        for name in ("detail", "progress", "download"):
            assert other.get(reverse(f"background:{name}", args=[job_a.pk])).status_code == 404
        assert other.post(reverse("background:rerun", args=[job_a.pk])).status_code == 404
        listing = other.get(reverse("background:list")).content.decode()
        assert reverse("background:detail", args=[job_a.pk]) not in listing


def test_progress_fragment_shows_the_bar_then_the_link(cast, client_for, settings):
    settings.DANGJIAN_BACKGROUND_ROWS = 1
    _grow(cast, 2)
    c = client_for(cast.comm_a_sec)
    c.get(EXPORT)
    job = BackgroundExport.objects.get()
    BackgroundExport.objects.filter(pk=job.pk).update(status="running", done=1234, total=10000)
    BackgroundExport.objects.filter(pk=job.pk).update(
        heartbeat_at=BackgroundExport.objects.get(pk=job.pk).created_at
    )
    html = c.get(reverse("background:progress", args=[job.pk])).content.decode()
    assert '<progress class="export-bar" max="10000" value="1234">' in html
    assert "已完成 1,234 / 10,000 行" in html
    assert 'hx-trigger="every 1s"' in html and "export-download" not in html
    assert "style=" not in html and "<script" not in html

    BackgroundExport.objects.filter(pk=job.pk).update(status="queued", done=0)
    services.run_export(job.pk, 1)
    html = c.get(reverse("background:progress", args=[job.pk])).content.decode()
    assert "export-download" in html and "hx-trigger" not in html  # polling stops
    assert "已完成 3 / 3 行" in html


def test_a_failed_export_says_so_in_chinese_and_can_be_rerun(cast, client_for, settings):
    settings.DANGJIAN_BACKGROUND_ROWS = 1
    _grow(cast, 2)
    c = client_for(cast.comm_a_sec)
    c.get(EXPORT)
    job = BackgroundExport.objects.get()
    job.params = {"filters": {"no_such_filter": 1}}
    job.save()
    with pytest.raises(TypeError):
        services.run_export(job.pk, 1)
    job.refresh_from_db()
    assert job.status == "failed" and "重新生成" in job.error and not job.file_path
    assert not list((settings.DATA_DIR / "exports").iterdir())  # no temp file left
    html = c.get(reverse("background:detail", args=[job.pk])).content.decode()
    assert "失败" in html and "export-rerun" in html and "export-download" not in html

    BackgroundExport.objects.filter(pk=job.pk).update(params={"filters": {}})
    assert c.post(reverse("background:rerun", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("queued", 2)
    assert services.run_export(job.pk, 1) == {"skipped": True}  # the old attempt does nothing
    assert services.run_export(job.pk, 2)["rows"] == 3


def test_my_exports_lists_only_mine_newest_first_in_constant_queries(cast, client_for, settings):
    settings.DANGJIAN_BACKGROUND_ROWS = 0
    c = client_for(cast.comm_a_sec)
    client_for(cast.comm_b_sec).get(EXPORT)
    c.get(EXPORT)

    def queries() -> int:
        with CaptureQueriesContext(connection) as q:
            assert c.get(reverse("background:list")).status_code == 200
        return len(q)

    one = queries()
    for _i in range(6):
        c.get(EXPORT)
    assert queries() == one
    html = c.get(reverse("background:list")).content.decode()
    assert html.count("党员名册") >= 7
    mine = list(BackgroundExport.objects.filter(requested_by=cast.comm_a_sec))
    assert mine[0].pk > mine[-1].pk  # newest first
    other = BackgroundExport.objects.get(requested_by=cast.comm_b_sec)
    assert reverse("background:detail", args=[other.pk]) not in html
