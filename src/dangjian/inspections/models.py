"""督查与整改 (SPEC §10, seed [000]: 采取现场会、实地调研、明察暗访等多种形式，对基层党建工作进行考核督察).

* :class:`Inspection` — one visit of a street, town or county (the *inspecting* organisation) to a
  community or branch below it (the *inspected* one): kind, date, who went, a summary.
* :class:`Finding` — one problem found, in the order the inspectors wrote them.
* :class:`FollowUp` — one rectification task (整改任务) of a finding: what to do, who answers for it
  (a user with a grant on the inspected organisation, or a name), by when (rule
  ``inspection.followup``), and whether it is closed — the closure in force is one of its events.
* :class:`Event` — each closure (with its evidence: what was done, a link to a record of the
  platform, an uploaded document) and each reopening (with its reason), as its own row: the
  history is never overwritten.

Who reaches what: everything of an inspection belongs to the inspected organisation's path, which
lies below the inspecting organisation — so the inspected side and every level up to (and above)
the inspecting one see it, and another street sees nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class Kind(models.TextChoices):
    ONSITE = "onsite", _("现场会")
    SURVEY = "survey", _("实地调研")
    UNANNOUNCED = "unannounced", _("明察暗访")
    OTHER = "other", _("其他")


class InspectionQuerySet(ScopedQuerySet):
    scope_path = "inspected__path"


class Inspection(Versioned):
    """One inspection (督查) of an organisation by an organisation above it."""

    inspecting = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("督查组织"),
        on_delete=models.PROTECT,
        related_name="inspections_made",
    )
    inspected = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("被督查组织"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(_("形式"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("督查日期"))
    inspectors = models.CharField(_("督查人员"), max_length=200)
    summary = models.TextField(_("总体情况"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查")
        verbose_name_plural = _("督查")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def audit_scope_path(self) -> str:
        return self.inspected.path


class FindingQuerySet(ScopedQuerySet):
    scope_path = "inspection__inspected__path"


class Finding(models.Model):
    """One problem an inspection found."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("督查"), on_delete=models.CASCADE, related_name="findings"
    )
    text = models.CharField(_("发现的问题"), max_length=500)
    order = models.PositiveSmallIntegerField(_("序号"), default=1)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查发现的问题")
        verbose_name_plural = _("督查发现的问题")
        ordering = ["inspection", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:30]}"

    def audit_scope_path(self) -> str:
        return self.inspection.inspected.path


class FollowUpQuerySet(ScopedQuerySet):
    scope_path = "finding__inspection__inspected__path"

    def open(self) -> FollowUpQuerySet:
        return self.filter(closed_on__isnull=True)

    def overdue(self, today: dt.date) -> FollowUpQuerySet:
        return self.open().filter(deadline__lt=today)


class FollowUp(Versioned):
    """One rectification task (整改任务) of a finding."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    task = models.CharField(_("整改任务"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人（账号）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_tasks",
    )
    owner_name = models.CharField(_("责任人"), max_length=50)
    deadline = models.DateField(_("整改时限"))
    closed_on = models.DateField(_("完成日期"), null=True, blank=True)
    #: the closure in force (its evidence); ``None`` while open
    closure = models.ForeignKey(
        "Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改任务")
        verbose_name_plural = _("整改任务")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["closed_on", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, closure__isnull=True)
                | Q(closed_on__isnull=False, closure__isnull=False),
                name="inspection_followup_closed_has_evidence",
                violation_error_message=_("完成整改须有整改情况说明。"),
            )
        ]

    def __str__(self) -> str:
        return self.task[:40]

    def audit_scope_path(self) -> str:
        return self.finding.inspection.inspected.path

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.deadline < today


class Action(models.TextChoices):
    CLOSE = "close", _("完成整改")
    REOPEN = "reopen", _("重新打开")


class EventQuerySet(ScopedQuerySet):
    scope_path = "follow_up__finding__inspection__inspected__path"


class Event(models.Model):
    """A closure (with its evidence) or a reopening (with its reason) of a task — rows are only
    added. The evidence is what was done, optionally a link to the record of it in the platform
    (a meeting, a document) or an uploaded .pdf/.docx/.xlsx; never a screenshot as proof."""

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("整改任务"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=8, choices=Action.choices)
    on = models.DateField(_("日期"))
    text = models.TextField(_("整改情况 / 理由"), max_length=1000)
    link = models.CharField(_("平台内记录链接"), max_length=200, blank=True)
    file = models.FileField(_("附件"), upload_to="inspections/%Y/%m/", blank=True)
    file_name = models.CharField(_("附件名"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["follow_up", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.on:%Y-%m-%d}"

    def audit_scope_path(self) -> str:
        return self.follow_up.finding.inspection.inspected.path
