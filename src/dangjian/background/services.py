"""Background exports and imports: asking for one, running it in the worker, re-running an
interrupted one, handing out the file, and sweeping what dead runs left. Every change is audited.

A run writes into a hidden temporary file in ``DATA_DIR/exports`` (mode 0600) and only when the
workbook is whole is it ``os.replace``-d to its final name, and then the row is marked done with
that path. A worker killed mid-way leaves the row 进行中 without a path (nothing is offered) and at
most a temporary file, which the next run of that export, or ``dangjian sweep-exports``, removes.

A kind whose result is a summary (the roster import, ``Kind.apply``) runs in one transaction that
also marks its row done, and only if the run is still the row's current attempt: a worker killed
mid-import commits nothing (no member written, the row stays 进行中 and is shown 中断), and an
old run that wakes up after a re-run rolls its own work back.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.models import AuditEntry

from .kinds import KINDS, ROSTER_IMPORT, Refused
from .models import BackgroundExport, ShownProgress

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Rows between two progress reports (one UPDATE each).
PROGRESS_EVERY = 1000
#: Seconds between two heartbeats of a kind that reports no progress of its own (an import).
HEARTBEAT_SECONDS = 30
TEMP_SUFFIX = ".part"

Status = BackgroundExport.Status


class Superseded(Exception):
    """This run is no longer the export's current one (it was re-run meanwhile)."""


def exports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "exports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _temp_prefix(job_id: int) -> str:
    return f".{job_id}-"


# -- asking ---------------------------------------------------------------------------------


def request_export(
    *,
    acting_user: Any,
    kind: str,
    params: dict[str, Any],
    title: str,
    filename: str,
    scope_path: str,
    total: int = 0,
    ip: str | None = None,
) -> BackgroundExport:
    """Queue an export for ``acting_user``; the worker computes it with their scope."""
    if kind not in KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    with transaction.atomic():
        job = BackgroundExport.objects.create(
            requested_by=acting_user,
            kind=kind,
            params=params,
            title=title[:200],
            filename=filename[:200],
            scope_path=scope_path,
            total=total,
        )
        _enqueue(job)
        audit.record(
            action=AuditEntry.Action.EVENT,
            obj=job,
            acting_user=acting_user,
            object_repr=_("申请后台导出：%(t)s") % {"t": title},
            changes={"kind": kind, "params": params, "rows": total},
            ip=ip,
        )
    return job


def request_import(
    *,
    acting_user: Any,
    org: Any,
    token: str,
    mapping: dict[int, str],
    filename: str,
    rows: int,
    ip: str | None = None,
) -> BackgroundExport:
    """Queue the import of a confirmed roster upload (its rows wait on disk under ``token``)
    into ``org`` for ``acting_user``; the worker imports it with their scope as it is then."""
    title = _("名册导入：%(f)s → %(o)s") % {"f": filename, "o": org.name}
    with transaction.atomic():
        job = BackgroundExport.objects.create(
            requested_by=acting_user,
            kind=ROSTER_IMPORT,
            params={
                "token": token,
                "org": org.pk,
                "mapping": {str(i): f for i, f in mapping.items()},
                "filename": filename,
            },
            title=title[:200],
            filename=filename[:200],
            scope_path=org.path,
            total=rows,
        )
        _enqueue(job)
        audit.record(
            action=AuditEntry.Action.EVENT,
            obj=job,
            acting_user=acting_user,
            object_repr=_("申请后台导入：%(t)s") % {"t": title},
            changes={"kind": ROSTER_IMPORT, "org": org.pk, "file": filename, "rows": rows},
            ip=ip,
        )
    return job


def held_upload_tokens() -> list[str]:
    """The roster uploads that queued or running imports still need (``sweep-uploads`` keeps
    them)."""
    return [
        p["token"]
        for p in BackgroundExport.objects.filter(
            kind=ROSTER_IMPORT,
            status__in=[BackgroundExport.Status.QUEUED, BackgroundExport.Status.RUNNING],
        ).values_list("params", flat=True)
        if isinstance(p, dict) and p.get("token")
    ]


def _enqueue(job: BackgroundExport) -> None:
    from .tasks import run_export

    # In the same transaction as the row: the worker sees both or neither.
    result = run_export.enqueue(job.pk, job.attempt)
    job.task_id = str(result.id)
    BackgroundExport.objects.filter(pk=job.pk).update(task_id=job.task_id)


def can_rerun(job: BackgroundExport) -> bool:
    return job.status == Status.FAILED or job.interrupted


def rerun(*, job: BackgroundExport, acting_user: Any, ip: str | None = None) -> BackgroundExport:
    """重新生成: queue an interrupted or failed export again, as a new attempt. The old run, if
    it ever wakes up, finds its attempt number gone and writes nothing."""
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        job = BackgroundExport.objects.select_for_update().get(pk=job.pk)
        if not can_rerun(job):
            raise ValueError(
                _("这个导出正在进行或已经完成，不需要重新生成。")
                if job.makes_file
                else _("这个导入正在进行或已经完成，不需要重新导入。")
            )
        old_task = job.task_id
        job.attempt += 1
        job.status = Status.QUEUED
        job.done = 0
        job.error = ""
        job.file_path = ""
        job.result = {}
        job.started_at = job.heartbeat_at = job.finished_at = None
        job.save()
        _enqueue(job)
        if old_task:
            # The dead run's task stays "running" in the queue table forever otherwise.
            DBTaskResult.objects.filter(pk=old_task, status="RUNNING").update(
                status="FAILED", finished_at=timezone.now()
            )
        audit.record(
            action=AuditEntry.Action.EVENT,
            obj=job,
            acting_user=acting_user,
            object_repr=(_("重新生成后台导出：%(t)s") if job.makes_file else _("重新导入：%(t)s"))
            % {"t": job.title},
            changes={"attempt": job.attempt},
            ip=ip,
        )
    return job


# -- running --------------------------------------------------------------------------------


class Progress:
    """What a kind's writer reports to: a total, then every :data:`PROGRESS_EVERY` rows one
    cheap UPDATE of the row (done, heartbeat). ``hook(done)`` is called after each report."""

    def __init__(
        self,
        job: BackgroundExport,
        *,
        every: int | None = None,
        hook: Callable[[int], None] | None = None,
    ) -> None:
        self.job = job
        self.every = every or PROGRESS_EVERY
        self.hook = hook
        self.done = 0

    def _mine(self) -> Any:
        return BackgroundExport.objects.filter(pk=self.job.pk, attempt=self.job.attempt)

    def set_total(self, total: int) -> None:
        if not self._mine().update(total=total, heartbeat_at=timezone.now()):
            raise Superseded
        self.job.total = total

    def report(self, done: int) -> None:
        self.done = done
        if not self._mine().update(done=done, heartbeat_at=timezone.now()):
            raise Superseded
        if self.hook is not None:
            self.hook(done)

    def counted(self, rows: Iterable[T]) -> Iterator[T]:
        n = 0
        for n, item in enumerate(rows, start=1):
            yield item
            if n % self.every == 0:
                self.report(n)
        self.done = n


def run_export(
    job_id: int, attempt: int, *, hook: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Run one attempt of an export (what the worker's task calls)."""
    now = timezone.now()
    # Only a queued attempt is taken: a task delivered twice, or an old attempt, does nothing.
    claimed = BackgroundExport.objects.filter(
        pk=job_id, attempt=attempt, status=Status.QUEUED
    ).update(status=Status.RUNNING, started_at=now, heartbeat_at=now, done=0, error="")
    if not claimed:
        return {"skipped": True}
    job = BackgroundExport.objects.select_related("requested_by").get(pk=job_id)
    kind = KINDS[job.kind]
    if kind.apply is not None:
        return _run_apply(job, kind.apply, hook=hook)
    directory = exports_dir()
    sweep_job_temps(job_id)  # what earlier, dead runs of this export left
    token = secrets.token_hex(8)
    temp = directory / f"{_temp_prefix(job_id)}{attempt}-{token}{kind.suffix}{TEMP_SUFFIX}"
    final = directory / f"{job_id}-{token}{kind.suffix}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    # a kind built in one piece reports nothing on its way: keep its heartbeat fresh meanwhile
    beat = None if kind.counts_rows else _Heartbeat(job)
    if beat is not None:
        beat.start()
    try:
        with os.fdopen(fd, "wb") as out:
            assert kind.write is not None
            count = kind.write(job, Progress(job, hook=hook), out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, final)
        finished = BackgroundExport.objects.filter(pk=job_id, attempt=attempt).update(
            status=Status.DONE,
            done=count,
            total=count,
            file_path=str(final),
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        if not finished:
            final.unlink(missing_ok=True)
            return {"superseded": True}
        return {"rows": count}
    except Superseded:
        temp.unlink(missing_ok=True)
        return {"superseded": True}
    except Refused as exc:
        temp.unlink(missing_ok=True)
        BackgroundExport.objects.filter(pk=job_id, attempt=attempt).update(
            status=Status.FAILED, error=exc.message[:500], finished_at=timezone.now()
        )
        return {"refused": exc.message}
    except Exception:
        temp.unlink(missing_ok=True)
        logger.exception("background export %s failed", job_id)
        BackgroundExport.objects.filter(pk=job_id, attempt=attempt).update(
            status=Status.FAILED,
            error=_("生成文件时出错，请点“重新生成”再试；仍然不行请联系系统管理员。"),
            finished_at=timezone.now(),
        )
        raise
    finally:
        if beat is not None:
            beat.stopped.set()


class _Heartbeat(threading.Thread):
    """Keeps a running job's heartbeat fresh while a kind that reports no progress works, so it
    is not shown as interrupted. Best effort, on its own connection: on SQLite the import holds
    the database's write lock and the heartbeat waits (or skips a beat), never the import."""

    def __init__(self, job: BackgroundExport) -> None:
        super().__init__(name=f"heartbeat-{job.pk}", daemon=True)
        self.job = job
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                try:
                    BackgroundExport.objects.filter(
                        pk=self.job.pk, attempt=self.job.attempt, status=Status.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    close_old_connections()
        finally:
            connection.close()


def _run_apply(
    job: BackgroundExport,
    apply: Callable[[BackgroundExport], dict[str, Any]],
    *,
    hook: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Run a kind whose result is a summary: its work and the row marked done in one
    transaction, committed only for the current attempt. ``hook(total)`` is called when the
    work is written and not yet committed (a test kills the worker there)."""
    beat = _Heartbeat(job)
    beat.start()
    try:
        with transaction.atomic():
            result = apply(job)
            beat.stopped.set()  # the row is written below, in this transaction
            if hook is not None:
                hook(job.total)
            rows = int(result.get("rows", job.total))
            now = timezone.now()
            marked = BackgroundExport.objects.filter(
                pk=job.pk, attempt=job.attempt, status=Status.RUNNING
            ).update(
                status=Status.DONE,
                result=result,
                done=rows,
                total=rows,
                finished_at=now,
                heartbeat_at=now,
            )
            if not marked:
                raise Superseded
        return result
    except Superseded:
        return {"superseded": True}
    except Refused as exc:
        BackgroundExport.objects.filter(pk=job.pk, attempt=job.attempt).update(
            status=Status.FAILED,
            error=exc.message[:500],
            result=exc.result,
            finished_at=timezone.now(),
        )
        return {"refused": exc.message}
    except Exception:
        logger.exception("background job %s failed", job.pk)
        BackgroundExport.objects.filter(pk=job.pk, attempt=job.attempt).update(
            status=Status.FAILED,
            error=_("导入时出错，没有导入任何党员。请点“重新导入”再试；仍然不行请联系系统管理员。"),
            finished_at=timezone.now(),
        )
        raise
    finally:
        beat.stopped.set()
        _progress_path(job).unlink(missing_ok=True)


# -- an import's progress -------------------------------------------------------------------
# An import writes in one transaction, which the progress page cannot see until it commits (and
# on SQLite the import holds the write lock: no other connection could update the row either).
# How far it is goes to a small file beside the exports instead, named like a temporary file so
# that ``sweep`` removes what a dead run left and never a live run's.


@dataclass(frozen=True)
class Written(ShownProgress):
    """Rows of the file checked so far of all its rows — their members written, not yet
    committed, while the file is good (``roster.services.import_rows``'s ``progress``)."""

    done: int
    total: int


def _progress_path(job: BackgroundExport) -> Path:
    return exports_dir() / f"{_temp_prefix(job.pk)}{job.attempt}-progress{TEMP_SUFFIX}"


def note_progress(job: BackgroundExport, *, done: int, total: int) -> None:
    """Called by the import after each chunk it checked (and wrote); replaced whole, so a reader
    never sees half a file."""
    path = _progress_path(job)
    temp = path.with_name(f"{_temp_prefix(job.pk)}{job.attempt}-progress-new{TEMP_SUFFIX}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(f"{done} {total}")
    os.replace(temp, path)


def import_progress(job: BackgroundExport) -> Written | None:
    """How far a running import's current attempt has got (None: its first chunk is not
    checked yet, or not running)."""
    if job.status != Status.RUNNING or job.makes_file:
        return None
    try:
        done, total = (int(x) for x in _progress_path(job).read_text(encoding="ascii").split())
    except (OSError, ValueError):
        return None
    return Written(done, total)


# -- handing out ----------------------------------------------------------------------------


def open_file(*, job: BackgroundExport, acting_user: Any, ip: str | None = None) -> Any:
    """The finished file, opened for download, and the download audited like the synchronous
    export. The caller has checked ownership; a file that is not there is ``FileNotFoundError``."""
    if not job.offered:
        raise FileNotFoundError(job.pk)
    path = Path(job.file_path)
    if path.parent != exports_dir() or path.name.endswith(TEMP_SUFFIX):
        raise FileNotFoundError(job.pk)
    fh = path.open("rb")
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=acting_user,
        object_repr=(
            _("%(t)s（%(n)d 行，后台导出）") % {"t": KINDS[job.kind].label, "n": job.done}
            if job.counts_rows
            else _("%(t)s（后台导出）") % {"t": job.title}
        ),
        changes={
            "filters": job.params.get("filters", {}),
            "rows": job.done,
            "job": job.pk,
            **({} if job.counts_rows else {"params": job.params}),
        },
        scope_path=job.scope_path,
        ip=ip,
    )
    return fh


# -- sweeping -------------------------------------------------------------------------------


def sweep_job_temps(job_id: int) -> int:
    removed = 0
    for path in exports_dir().glob(f"{_temp_prefix(job_id)}*{TEMP_SUFFIX}"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def sweep(*, keep_days: int | None = None) -> dict[str, int]:
    """Remove temporary files of runs that are not going on any more (no running export with a
    fresh heartbeat owns them), and finished files older than ``keep_days`` (their rows stay,
    shown as 已过期)."""
    keep_days = settings.DANGJIAN_BACKGROUND_KEEP_DAYS if keep_days is None else keep_days
    stale = timezone.now() - dt.timedelta(minutes=settings.DANGJIAN_BACKGROUND_STALE_MINUTES)
    live = set(
        BackgroundExport.objects.filter(status=Status.RUNNING, heartbeat_at__gte=stale).values_list(
            "pk", flat=True
        )
    )
    temps = 0
    for path in exports_dir().glob(f".*{TEMP_SUFFIX}"):
        head = path.name[1:].split("-", 1)[0]
        if head.isdigit() and int(head) in live:
            continue
        path.unlink(missing_ok=True)
        temps += 1
    old = BackgroundExport.objects.filter(
        status=Status.DONE, finished_at__lt=timezone.now() - dt.timedelta(days=keep_days)
    ).exclude(file_path="")
    expired = 0
    for job in old.only("pk", "file_path").iterator():
        Path(job.file_path).unlink(missing_ok=True)
        expired += BackgroundExport.objects.filter(pk=job.pk).update(file_path="")
    orphans = 0
    known = set(BackgroundExport.objects.exclude(file_path="").values_list("file_path", flat=True))
    suffixes = sorted({k.suffix for k in KINDS.values() if k.write is not None})
    for path in [p for suffix in suffixes for p in exports_dir().glob(f"*{suffix}")]:
        # A file just moved into place is marked done a moment later: leave young ones alone.
        if str(path) not in known and path.stat().st_mtime < stale.timestamp():
            path.unlink(missing_ok=True)
            orphans += 1
    return {"temps": temps, "expired": expired, "orphans": orphans}


def visible_q(user: Any) -> Q:
    """A user's own exports: nobody else's, whatever their scope."""
    return Q(requested_by=user)
