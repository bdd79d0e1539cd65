"""社区工作准入制 (SPEC §9, seed [002] 权随责走、费随事转; seed [001]: 16 departments' ledgers).

* :class:`Department` — a county department (民政局、人社局…) that asks communities for work, with
  its contact users. A contact sees only their own department's entrustments.
* :class:`Entrustment` — 委托合同: a department asks a community to take on a task, with its
  quality, standard, deadline and funding; the town (street) above the community approves or
  refuses it with a reason.
* :class:`Task` — work a community has in hand, recorded as it arrives; a task without an
  approved entrustment is shown as such, and the community may decline it.
* :class:`DemandedLedger` — the register of ledgers each department demands of a community,
  each mapped to the export of this platform that prints it (``export`` — a key of
  :data:`dangjian.admission.exports.EXPORTS`), or left empty: "not derivable yet".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet, scope_for, subtree_q
from dangjian.core.models import Versioned


class Department(Versioned):
    """A department of the county that asks communities for work (民政局、人社局…)."""

    county = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("所属县区"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("部门名称"), max_length=100)
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联系人账号"),
        blank=True,
        related_name="departments",
    )

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        ordering = ["county", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="department_name_once")
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.county.path


class State(models.TextChoices):
    FILED = "filed", _("待审核")
    APPROVED = "approved", _("已准入")
    REFUSED = "refused", _("不予准入")
    WITHDRAWN = "withdrawn", _("已撤回")


class EntrustmentQuerySet(ScopedQuerySet):
    """The community's tree reaches it; a department's contact reaches their department's own."""

    scope_path = "community__path"

    def _restrict(self, user: Any, action: str) -> ScopedQuerySet:
        scope = scope_for(user)
        if scope.everything:
            return self
        q = Q(pk__in=[])
        for p in scope.paths(action):
            q |= subtree_q("community__path", p)
        if getattr(user, "is_authenticated", False):
            q |= Q(department__contacts=user)
        return self.filter(q).distinct()


class Entrustment(Versioned):
    """委托合同: a department entrusts a community with a task, funded (费随事转)."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("委托部门"),
        on_delete=models.PROTECT,
        related_name="entrustments",
    )
    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("承接社区"),
        on_delete=models.PROTECT,
        related_name="entrustments",
    )
    task = models.CharField(_("委托事项"), max_length=200)
    quality = models.CharField(_("质量要求"), max_length=300)
    standard = models.CharField(_("工作标准"), max_length=300)
    deadline = models.DateField(_("完成时限"))
    funding = models.DecimalField(_("随事经费（元）"), max_digits=12, decimal_places=2)
    filed_on = models.DateField(_("提交日期"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.FILED)
    decided_on = models.DateField(_("审核日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("审核意见"), max_length=300, blank=True)

    objects = EntrustmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作准入委托")
        verbose_name_plural = _("工作准入委托")
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(funding__gte=0),
                name="entrustment_funding_not_negative",
                violation_error_message=_("随事经费不能为负数。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.task[:40]}"

    def audit_scope_path(self) -> str:
        return self.community.path


class TaskQuerySet(ScopedQuerySet):
    scope_path = "community__path"


class Task(Versioned):
    """Work a community has in hand: with the entrustment that admitted it, or without one."""

    class Status(models.TextChoices):
        DOING = "doing", _("承办中")
        DONE = "done", _("已完成")
        DECLINED = "declined", _("已拒绝（未经准入）")

    community = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="tasks"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("交办部门"), on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(_("工作事项"), max_length=200)
    received_on = models.DateField(_("收到日期"))
    entrustment = models.ForeignKey(
        Entrustment,
        verbose_name=_("准入委托"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DOING
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区在办事项")
        verbose_name_plural = _("社区在办事项")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return self.title[:60]

    def audit_scope_path(self) -> str:
        return self.community.path

    @property
    def admitted(self) -> bool:
        return self.entrustment_id is not None and self.entrustment.state == State.APPROVED


class DemandedLedger(models.Model):
    """One ledger a department demands of a community, and the export that prints it."""

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="ledgers"
    )
    name = models.CharField(_("台帐名称"), max_length=100)
    export = models.CharField(_("对应导出"), max_length=40, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("部门要求的台帐")
        verbose_name_plural = _("部门要求的台帐")
        ordering = ["department", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="demanded_ledger_once")
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.name}"
