"""A running import shows how far it has got: a determinate bar read from a small file the import
replaces after each chunk it checked and wrote (its transaction is invisible to the page, and on
SQLite holds the write lock), the indeterminate bar until the first chunk is done, and no file
left behind by a finished or a dead run."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from dangjian.background import services
from dangjian.background.models import BackgroundExport
from dangjian.roster import services as roster

from .test_imports import _imported, queue


def _text(r) -> str:
    return re.sub(r"\s+", " ", r.content.decode())


def _progress_files(tmp_path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "exports").glob("*progress*"))


def test_the_page_shows_a_determinate_bar_once_a_chunk_is_checked(cast, client_for, settings):
    job, _token = queue(cast, client_for, settings, 3)
    c = client_for(cast.comm_a_sec)
    BackgroundExport.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now())
    job.refresh_from_db()
    url = reverse("background:progress", args=[job.pk])
    assert '<progress class="export-bar">' in _text(c.get(url))  # no chunk done yet: no value

    services.note_progress(job, done=4000, total=10000)
    html = _text(c.get(url))
    assert "正在检查并写入：第 4,000 / 10,000 行" in html
    assert "完成前名册中不会出现任何新党员" in html
    assert '<progress class="export-bar" max="10000" value="4000">40%</progress>' in html
    assert 'hx-trigger="every 1s"' in html and "style=" not in html
    assert _text(c.get(reverse("background:detail", args=[job.pk]))).count('value="4000"') == 1


def test_the_worker_reports_each_chunk_and_leaves_no_file(
    cast, client_for, settings, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(roster, "WRITE_CHUNK", 2)
    job, _token = queue(cast, client_for, settings, 5)
    c = client_for(cast.comm_a_sec)
    url = reverse("background:progress", args=[job.pk])
    pages: list[str] = []
    real = services.note_progress

    def note_and_look(job, *, done, total):
        real(job, done=done, total=total)
        pages.append(_text(c.get(url)))  # the page as the owner's browser polls it meanwhile

    monkeypatch.setattr(services, "note_progress", note_and_look)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.run_export(job.pk, 1)
    assert result["created"] == 5 and _imported() == 5
    bars = [re.search(r'<progress class="export-bar" max="(\d+)" value="(\d+)"', p) for p in pages]
    assert [b.groups() for b in bars if b] == [("5", "2"), ("5", "4"), ("5", "5")]
    assert _progress_files(tmp_path) == []
    html = _text(c.get(url))
    assert "导入完成：新建 5 名党员" in html and "正在检查并写入" not in html


def test_an_old_attempts_file_is_not_shown_and_a_dead_runs_is_swept(
    cast, client_for, settings, tmp_path
):
    job, _token = queue(cast, client_for, settings, 3)
    BackgroundExport.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now())
    job.refresh_from_db()
    services.note_progress(job, done=2, total=3)
    assert services.import_progress(job) == services.Written(2, 3)
    job.attempt = 2  # a rerun's row: the first attempt's file says nothing about it
    assert services.import_progress(job) is None
    job.attempt = 1

    # the first attempt died there; the daily sweep removes what it left
    stale = timezone.now() - dt.timedelta(minutes=settings.DANGJIAN_BACKGROUND_STALE_MINUTES + 1)
    BackgroundExport.objects.filter(pk=job.pk).update(heartbeat_at=stale)
    assert _progress_files(tmp_path) and services.sweep()["temps"] == 1
    assert _progress_files(tmp_path) == []

    # a live run's file is kept by the sweep
    BackgroundExport.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    services.note_progress(job, done=1, total=3)
    services.sweep()
    assert _progress_files(tmp_path)
