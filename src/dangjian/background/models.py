"""Long work run by the worker — an export (its result is a file) or a roster import (its result
is a summary): who asked for what, how far it is, and the result."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShownProgress:
    """``done`` of ``total`` as the progress page shows them: a percentage for the bar and the
    numbers grouped the way the secretary reads them on paper (1,234), whatever the locale."""

    done: int
    total: int

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def done_display(self) -> str:
        return f"{self.done:,}"

    @property
    def total_display(self) -> str:
        return f"{self.total:,}"


class BackgroundExport(ShownProgress, models.Model):
    """One requested export. Only its owner ever sees it (page, progress, file).

    ``attempt`` counts the runs: a re-run after an interruption takes the next number, and a
    run whose number is no longer the row's (an old worker that woke up) changes nothing.
    ``file_path`` is set only in the step that marks the export done, after the file was
    moved into place whole, so a half-written file is never offered."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.CASCADE,
        related_name="background_exports",
    )
    kind = models.CharField(_("导出内容"), max_length=40)
    params = models.JSONField(_("条件"), default=dict, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    scope_path = models.CharField(_("所属党组织路径"), max_length=255, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("已完成行数"), default=0)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    attempt = models.PositiveIntegerField(_("第几次生成"), default=1)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)
    file_path = models.CharField(_("文件位置"), max_length=500, blank=True)
    filename = models.CharField(_("下载文件名"), max_length=200)
    error = models.CharField(_("失败原因"), max_length=500, blank=True)
    #: What a kind without a file ended with (an import: created / skipped, or the problems).
    result = models.JSONField(_("结果"), default=dict, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进展时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台导出")
        verbose_name_plural = _("后台导出")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="bgexport_owner_idx")]

    def __str__(self) -> str:
        return self.title

    def audit_scope_path(self) -> str:
        return self.scope_path

    @property
    def interrupted(self) -> bool:
        """Running, but the worker has reported nothing for longer than the stale limit: it was
        stopped or killed mid-way. The user is offered 重新生成."""
        if self.status != self.Status.RUNNING:
            return False
        limit = dt.timedelta(minutes=settings.DANGJIAN_BACKGROUND_STALE_MINUTES)
        return (self.heartbeat_at or self.started_at or self.created_at) < timezone.now() - limit

    @property
    def waiting_long(self) -> bool:
        """Queued for longer than the stale limit: most likely no worker is running."""
        limit = dt.timedelta(minutes=settings.DANGJIAN_BACKGROUND_STALE_MINUTES)
        return self.status == self.Status.QUEUED and self.created_at < timezone.now() - limit

    @property
    def offered(self) -> bool:
        """Whether a file may be downloaded: only a finished export has one."""
        return self.status == self.Status.DONE and bool(self.file_path)

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.DONE else super().percent

    @property
    def makes_file(self) -> bool:
        """An export (a file to download), not an import (a summary)."""
        from .kinds import KINDS

        kind = KINDS.get(self.kind)
        return kind is None or kind.write is not None

    @property
    def counts_rows(self) -> bool:
        """Its bar shows rows done of rows to do (else it is indeterminate until done)."""
        from .kinds import KINDS

        kind = KINDS.get(self.kind)
        return kind is None or kind.counts_rows

    @property
    def state_label(self) -> str:
        if self.interrupted:
            return str(_("中断"))
        if self.status == self.Status.DONE and not self.file_path and self.makes_file:
            return str(_("已过期"))
        return self.get_status_display()
