"""The worker: ``dangjian worker --once`` runs what is queued; a worker killed mid-export leaves
nothing offered and the export can be re-run; a real worker process stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dangjian.background import services
from dangjian.background.models import BackgroundExport
from tests.factories import make_member

EXPORT = "/members/export/"


def _rows(path) -> list[tuple]:
    ws = openpyxl.load_workbook(path, read_only=True).active
    return [r for r in ws.iter_rows(min_row=3, values_only=True)]


def _queue(cast, client_for, settings, extra: int) -> BackgroundExport:
    settings.DANGJIAN_BACKGROUND_ROWS = 1
    for i in range(extra):
        make_member(org=cast.branch_a, name=f"成员{i:03d}")
    assert client_for(cast.comm_a_sec).get(EXPORT).status_code == 302
    return BackgroundExport.objects.get()


@pytest.mark.django_db(transaction=True)
def test_worker_once_runs_the_queued_export(cast, client_for, settings):
    job = _queue(cast, client_for, settings, 3)
    call_command("worker", "--once", verbosity=0)
    job.refresh_from_db()
    assert job.status == "done" and job.done == 4
    assert len(_rows(job.file_path)) == 4
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # given back to the caller


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_midway_offers_nothing_and_a_rerun_succeeds(
    cast, client_for, settings, monkeypatch
):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 2)
    job = _queue(cast, client_for, settings, 7)  # 8 rows: progress at 2, 4, 6
    exports = Path(settings.DATA_DIR) / "exports"

    # A child process runs the export and dies (os._exit: no cleanup at all, as under SIGKILL)
    # right after its first progress report, with the workbook half built.
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            services.run_export(job.pk, job.attempt, hook=lambda done: os._exit(9))
        finally:
            os._exit(1)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9
    temps = list(exports.glob("*.part"))
    assert len(temps) == 1  # the dead run's temporary file
    assert not list(exports.glob("*.xlsx"))  # and no file under a final name

    # What the dead worker left in the database: 进行中 with an old heartbeat. (On PostgreSQL the
    # child's own UPDATEs are already there; the in-memory SQLite test database was copied into
    # the child, so its state is set here the same way.)
    old = timezone.now() - timezone.timedelta(
        minutes=settings.DANGJIAN_BACKGROUND_STALE_MINUTES + 1
    )
    BackgroundExport.objects.filter(pk=job.pk).update(status="running", heartbeat_at=old)
    job.refresh_from_db()
    assert job.interrupted and not job.offered and job.file_path == ""

    c = client_for(cast.comm_a_sec)
    assert c.get(reverse("background:download", args=[job.pk])).status_code == 404
    html = c.get(reverse("background:detail", args=[job.pk])).content.decode()
    assert "中断" in html and "export-rerun" in html and "export-download" not in html
    assert 'hx-trigger="every 1s"' not in html  # nothing to wait for
    assert "中断" in c.get(reverse("background:list")).content.decode()
    # even a row that pointed at the temporary file would not serve it
    BackgroundExport.objects.filter(pk=job.pk).update(status="done", file_path=str(temps[0]))
    assert c.get(reverse("background:download", args=[job.pk])).status_code == 404
    BackgroundExport.objects.filter(pk=job.pk).update(status="running", file_path="")

    assert c.post(reverse("background:rerun", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("queued", 2)
    call_command("worker", "--once", verbosity=0)
    job.refresh_from_db()
    assert job.status == "done" and job.done == 8
    rows = _rows(job.file_path)
    assert len(rows) == 8 and len({r[0] for r in rows}) == 8
    assert not list(exports.glob("*.part"))  # the dead run's temporary file was swept
    r = c.get(reverse("background:download", args=[job.pk]))
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == Path(job.file_path).read_bytes()


@pytest.mark.django_db(transaction=True)
def test_sweep_removes_dead_runs_temp_files_and_old_files(cast, client_for, settings, capsys):
    job = _queue(cast, client_for, settings, 1)
    services.run_export(job.pk, 1)
    job.refresh_from_db()
    exports = Path(settings.DATA_DIR) / "exports"
    (exports / f".{job.pk}-0-dead.xlsx.part").write_bytes(b"half")
    call_command("sweep-exports")
    assert "临时文件 1 个" in capsys.readouterr().out
    assert Path(job.file_path).exists()
    BackgroundExport.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - timezone.timedelta(days=30)
    )
    call_command("sweep-exports", "--keep-days", "7")
    job.refresh_from_db()
    assert job.file_path == "" and job.state_label == "已过期"
    assert not list(exports.iterdir())


def _database_for_a_subprocess(tmp_path: Path) -> str:
    """A URL a separate process can open with this test's data: PostgreSQL's test database
    itself, or a file copy of the in-memory SQLite test database."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    copy = tmp_path / "copy.sqlite3"
    connection.ensure_connection()
    dest = sqlite3.connect(copy)
    connection.connection.backup(dest)
    dest.close()
    return f"sqlite:///{copy}"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_runs_the_export_and_stops_on_sigterm(
    cast, client_for, settings, tmp_path
):
    job = _queue(cast, client_for, settings, 2)
    url = _database_for_a_subprocess(tmp_path)
    env = {
        **os.environ,
        "DANGJIAN_DATA_DIR": str(settings.DATA_DIR),
        "DANGJIAN_DATABASE_URL": url,
        "DANGJIAN_SECRET_KEY": django_settings.SECRET_KEY,
        "DANGJIAN_FIELD_KEY": django_settings.FIELD_KEY,
    }
    if django_settings.INDEX_KEY:
        env["DANGJIAN_INDEX_KEY"] = django_settings.INDEX_KEY
    dangjian = Path(sys.executable).with_name("dangjian")
    worker = subprocess.Popen(
        [str(dangjian), "worker", "--interval", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        exports = Path(settings.DATA_DIR) / "exports"
        deadline = time.monotonic() + 60
        while not list(exports.glob("*.xlsx")) and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.2)
        time.sleep(0.5)  # the row is marked done just after the file is in place
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    out = worker.stdout.read()
    assert "shutting down gracefully" in out or "Received" in out, out
    files = list(exports.glob("*.xlsx"))
    assert len(files) == 1 and len(_rows(files[0])) == 3
    if connection.vendor == "postgresql":
        job.refresh_from_db()
        assert job.status == "done" and job.file_path == str(files[0])
    else:
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        status, path = db.execute(
            "SELECT status, file_path FROM background_backgroundexport WHERE id = ?", (job.pk,)
        ).fetchone()
        db.close()
        assert (status, path) == ("done", str(files[0]))
