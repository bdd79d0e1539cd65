"""Big roster imports go to the worker: the threshold, the job's page (progress, then the summary
and the members list), all or nothing when the worker finds a problem or the owner's scope is
gone, who may see the job, and an old attempt that commits nothing."""

from __future__ import annotations

import datetime as dt
import os
import re
import time

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dangjian.accounts.models import Grant
from dangjian.background import services
from dangjian.background.models import BackgroundExport
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.members.services import member_register
from dangjian.roster import uploads
from dangjian.roster.models import ImportRun
from tests.roster.files import good_rows, xlsx

BRANCH = "文化东路第一楼栋党支部"


def _text(r) -> str:
    return re.sub(r"\s+", " ", r.content.decode())


def _imported() -> int:
    return Member.objects.filter(name__startswith="导入").count()


def upload(client, cast, n: int, *, start: int = 0) -> str:
    """Upload a good sheet of ``n`` rows into 文化东路社区党委; its preview URL."""
    data = xlsx(good_rows(n, branch=BRANCH, start=start))
    r = client.post(
        "/roster/", {"org": cast.comm_a.pk, "file": SimpleUploadedFile("名册.xlsx", data)}
    )
    assert r.status_code == 302 and "/roster/preview/" in r.url
    return r.url


def queue(cast, client_for, settings, n: int = 3) -> tuple[BackgroundExport, str]:
    """确认导入 of an ``n``-row sheet over the threshold: the queued job and the upload token."""
    settings.DANGJIAN_BACKGROUND_ROWS = n - 1
    c = client_for(cast.comm_a_sec)
    url = upload(c, cast, n)
    r = c.post(url, {})
    job = BackgroundExport.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("background:detail", args=[job.pk])
    return job, url.rstrip("/").rsplit("/", 1)[1]


def test_threshold_boundary_n_rows_in_the_request_n_plus_one_in_the_background(
    cast, client_for, settings
):
    settings.DANGJIAN_BACKGROUND_ROWS = 3
    c = client_for(cast.comm_a_sec)
    r = c.post(upload(c, cast, 3), {}, follow=True)
    assert "导入完成：新建 3 名党员" in _text(r)
    assert _imported() == 3 and not BackgroundExport.objects.exists()

    url = upload(c, cast, 4, start=10)
    token = url.rstrip("/").rsplit("/", 1)[1]
    r = c.post(url, {})
    job = BackgroundExport.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("background:detail", args=[job.pk])
    assert (job.kind, job.status, job.total, job.requested_by) == (
        "roster_import",
        "queued",
        4,
        cast.comm_a_sec,
    )
    assert job.params["org"] == cast.comm_a.pk and job.params["token"] == token
    assert job.scope_path == cast.comm_a.path
    assert _imported() == 3  # nothing written in the request
    task = DBTaskResult.objects.get()
    assert str(task.id) == job.task_id and task.args_kwargs["args"] == [job.pk, 1]
    entry = AuditEntry.objects.get(action="event", object_id=str(job.pk))
    assert entry.actor == cast.comm_a_sec and entry.changes["rows"] == 4
    # the preview cannot be confirmed a second time; the rows wait on disk for the worker
    assert c.post(url, {}).status_code == 404
    assert uploads.load(token) is not None

    html = _text(c.get(r["Location"]))
    assert "名册导入 · 后台导入" in html and "排队中" in html
    assert 'hx-trigger="every 1s"' in html and "<progress" in html
    assert "import-summary" not in html and "export-download" not in html


def test_the_worker_imports_it_and_the_page_shows_the_summary_to_its_owner_only(
    cast, client_for, settings, django_capture_on_commit_callbacks
):
    job, token = queue(cast, client_for, settings, 3)
    c = client_for(cast.comm_a_sec)
    BackgroundExport.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now())
    html = _text(c.get(reverse("background:progress", args=[job.pk])))
    assert "正在检查并导入 3 行" in html and "完成前不会写入任何党员" in html
    assert '<progress class="export-bar">' in html  # no value: an honest indeterminate bar
    assert 'hx-trigger="every 1s"' in html and "style=" not in html and "<script" not in html
    BackgroundExport.objects.filter(pk=job.pk).update(status="queued", heartbeat_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.run_export(job.pk, 1)
    assert (result["created"], result["skipped"], result["rows"]) == (3, 0, 3)
    assert services.run_export(job.pk, 1) == {"skipped": True}  # delivered twice
    job.refresh_from_db()
    assert job.status == "done" and job.result["created"] == 3 and not job.file_path
    assert _imported() == 3
    assert set(Member.objects.filter(name__startswith="导入").values_list("org", flat=True)) == {
        cast.branch_a.pk
    }
    run = ImportRun.objects.get()
    assert (run.created, run.by, run.org) == (3, cast.comm_a_sec, cast.comm_a)
    assert uploads.load(token) is None  # the rows are deleted once imported

    html = _text(c.get(reverse("background:progress", args=[job.pk])))
    assert "导入完成：新建 3 名党员，0 名已在册（跳过）。" in html
    assert f'href="/members/?org={cast.comm_a.pk}"' in html and "hx-trigger" not in html
    assert "export-download" not in html and "已过期" not in html
    assert c.get(reverse("background:download", args=[job.pk])).status_code == 404
    listing = _text(c.get(reverse("background:list")))
    assert "名册导入：名册.xlsx" in listing and "已完成" in listing

    same = get_user_model().objects.create_user("comm_a_sec2", password="x-Pass-2026-y")
    Grant.objects.create(user=same, org=cast.comm_a, role=Grant.Role.SECRETARY)
    for other in (client_for(cast.comm_b_sec), client_for(same), client_for(cast.outsider)):
        for name in ("detail", "progress"):
            assert other.get(reverse(f"background:{name}", args=[job.pk])).status_code == 404
        assert other.post(reverse("background:rerun", args=[job.pk])).status_code == 404
        assert reverse("background:detail", args=[job.pk]) not in _text(
            other.get(reverse("background:list"))
        )


def test_a_member_registered_meanwhile_fails_it_in_chinese_and_nothing_is_written(
    cast, client_for, settings, django_capture_on_commit_callbacks
):
    job, token = queue(cast, client_for, settings, 3)
    # meanwhile someone registers the sheet's second person in another community
    row = good_rows(3, branch=BRANCH)[1]
    member_register(
        acting_user=None,
        id_number=row[4],
        org=cast.branch_b,
        categories=(),
        name="别人",
        gender="M",
        birth_date=dt.date(1951, 2, 2),
        joined_on=dt.date(1980, 7, 1),
        full_on=dt.date(1981, 7, 1),
        status="full",
    )
    before = Member.objects.count()
    result = services.run_export(job.pk, 1)
    assert "整份名册都没有导入" in result["refused"]
    job.refresh_from_db()
    assert job.status == "failed" and job.result["problem_count"] == 1
    assert Member.objects.count() == before and _imported() == 0
    assert not ImportRun.objects.exists()

    c = client_for(cast.comm_a_sec)
    html = _text(c.get(reverse("background:detail", args=[job.pk])))
    assert "名册中有 1 处问题，整份名册都没有导入。" in html
    assert "第 4 行" in html and "与已在册党员重复" in html and "没有导入任何党员" in html
    assert "重新导入" in html and "hx-trigger" not in html

    # the other registration was a mistake and is removed: 重新导入 now succeeds
    Member.objects.filter(name="别人").delete()
    assert c.post(reverse("background:rerun", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempt, job.result) == ("queued", 2, {})
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_export(job.pk, 2)["created"] == 3
    assert _imported() == 3 and uploads.load(token) is None


def test_the_owner_s_scope_is_checked_again_when_the_worker_runs(cast, client_for, settings):
    job, token = queue(cast, client_for, settings, 3)
    Grant.objects.filter(user=cast.comm_a_sec).delete()
    result = services.run_export(job.pk, 1)
    assert "不负责这个党组织" in result["refused"]
    job.refresh_from_db()
    assert job.status == "failed" and "没有导入任何党员" in job.error
    assert _imported() == 0 and not ImportRun.objects.exists()


def test_an_upload_swept_meanwhile_says_to_upload_again(cast, client_for, settings):
    job, token = queue(cast, client_for, settings, 3)
    uploads.delete(token)
    assert "请重新上传名册" in services.run_export(job.pk, 1)["refused"]
    job.refresh_from_db()
    assert job.status == "failed" and _imported() == 0


def test_the_daily_sweep_keeps_the_rows_of_a_waiting_import_however_old(
    cast, client_for, settings, django_capture_on_commit_callbacks
):
    job, token = queue(cast, client_for, settings, 3)
    two_days_ago = time.time() - 48 * 3600
    os.utime(uploads.path_for(token), (two_days_ago, two_days_ago))
    uploads.sweep()
    assert uploads.load(token) is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.run_export(job.pk, 1)
    job.refresh_from_db()
    assert job.status == "done" and _imported() == 3
    assert uploads.load(token) is None  # the worker deleted them once the import was committed


def test_an_old_attempt_that_finishes_after_a_rerun_commits_nothing(cast, client_for, settings):
    job, token = queue(cast, client_for, settings, 3)

    def rerun_meanwhile(total: int) -> None:
        # the members are written, not committed: the row is taken by another attempt now
        assert _imported() == 3
        BackgroundExport.objects.filter(pk=job.pk).update(attempt=2)

    assert services.run_export(job.pk, 1, hook=rerun_meanwhile) == {"superseded": True}
    assert _imported() == 0 and not ImportRun.objects.exists()
    assert uploads.load(token) is not None  # kept for the current attempt
