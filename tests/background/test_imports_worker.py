"""A worker killed in the middle of a roster import leaves no member written (the transaction never
committed) and 重新导入 imports the sheet once; the heartbeat keeps a long import from looking
interrupted."""

from __future__ import annotations

import os
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dangjian.background import services
from dangjian.background.models import BackgroundExport
from dangjian.members.models import Member
from dangjian.roster import uploads
from dangjian.roster.models import ImportRun

from .test_imports import _imported, _text, queue

#: the parent's database session, kept referenced in a forked child so that it is never closed
#: there (closing it would end the parent's session on PostgreSQL)
_inherited: list = []


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_writes_no_member_and_a_reimport_succeeds(
    cast, client_for, settings
):
    job, token = queue(cast, client_for, settings, 3)
    before = Member.objects.count()

    # A child process runs the import and dies (os._exit: no cleanup at all, as under SIGKILL)
    # when every member is written and the transaction is not yet committed.
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            if connection.vendor == "postgresql":
                _inherited.append(connection.connection)
                connection.connection = None  # a session of its own
            services.run_export(job.pk, job.attempt, hook=lambda total: os._exit(9))
        finally:
            os._exit(1)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9
    assert Member.objects.count() == before and _imported() == 0
    assert not ImportRun.objects.exists()
    assert uploads.load(token) is not None

    # What the dead worker left: 进行中 with an old heartbeat (on PostgreSQL its claim is already
    # there; the in-memory SQLite test database was copied into the child, so it is set here).
    job.refresh_from_db()
    if connection.vendor == "postgresql":
        assert job.status == "running"
    old = timezone.now() - timezone.timedelta(
        minutes=settings.DANGJIAN_BACKGROUND_STALE_MINUTES + 1
    )
    BackgroundExport.objects.filter(pk=job.pk).update(status="running", heartbeat_at=old)

    c = client_for(cast.comm_a_sec)
    html = _text(c.get(reverse("background:detail", args=[job.pk])))
    assert "中断" in html and "导入到一半停下了" in html and "没有写入任何党员" in html
    assert "重新导入" in html and 'hx-trigger="every 1s"' not in html
    assert "中断" in _text(c.get(reverse("background:list")))

    assert c.post(reverse("background:rerun", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempt) == ("queued", 2)
    call_command("worker", "--once", verbosity=0)
    job.refresh_from_db()
    assert job.status == "done" and job.result["created"] == 3
    assert _imported() == 3 and ImportRun.objects.get().created == 3
    assert uploads.load(token) is None
    assert "导入完成：新建 3 名党员" in _text(c.get(reverse("background:detail", args=[job.pk])))


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_a_running_import_fresh(cast, client_for, settings, monkeypatch):
    monkeypatch.setattr(services, "HEARTBEAT_SECONDS", 0.05)
    job, _token = queue(cast, client_for, settings, 3)
    old = timezone.now() - timezone.timedelta(hours=1)
    BackgroundExport.objects.filter(pk=job.pk).update(status="running", heartbeat_at=old)
    beat = services._Heartbeat(job)
    beat.start()
    deadline = time.monotonic() + 20
    while BackgroundExport.objects.get(pk=job.pk).heartbeat_at == old:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    beat.stopped.set()
    beat.join(timeout=20)
    assert not beat.is_alive()
    job.refresh_from_db()
    assert not job.interrupted
