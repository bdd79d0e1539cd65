"""Kept figures of the dashboards of wide organisations (a county, a big street or town).

Counting a county reads every member row of it (seconds at a million members); its page reads
a :class:`Snapshot` instead: the figures :func:`~dangjian.dashboards.selectors.dashboard` gave
at ``built_at``, kept per organisation, year and *scope key* (the part of the user's scope that
decides those figures: :func:`~dangjian.dashboards.snapshots.scope_key`), so a user is never
shown figures counted for a wider scope than theirs. The worker (``dangjian worker``) builds and
refreshes them; see :mod:`dangjian.dashboards.snapshots`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet


class SnapshotQuerySet(ScopedQuerySet):
    scope_path = "org__path"


class Snapshot(models.Model):
    """The dashboard figures of one organisation for one year, as one scope sees them.

    ``data`` is the serialised :class:`~dangjian.dashboards.selectors.Dashboard` (``None``
    until the first build is done). ``state`` is that of the build under way, if any: a page
    keeps showing the old figures while a new build is queued or running. ``attempt`` counts
    the builds asked for; a run whose number is no longer the row's changes nothing."""

    class State(models.TextChoices):
        IDLE = "idle", _("空闲")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("统计中")
        FAILED = "failed", _("失败")

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    scope_key = models.CharField(_("权限范围标识"), max_length=64)
    #: whose scope the next build counts with (the last user who asked for one)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(_("统计数据"), null=True, blank=True)
    built_at = models.DateTimeField(_("数据截至"), null=True, blank=True)
    build_seconds = models.FloatField(_("统计用时（秒）"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.IDLE)
    attempt = models.PositiveIntegerField(_("第几次统计"), default=0)
    queued_at = models.DateTimeField(_("申请时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)
    error = models.CharField(_("失败原因"), max_length=500, blank=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("数据看板统计结果")
        verbose_name_plural = _("数据看板统计结果")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year", "scope_key"], name="dashboard_snapshot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year}"

    def audit_scope_path(self) -> str:
        return self.org.path
