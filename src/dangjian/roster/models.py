"""名册导入 (SPEC §2, §12): the history of roster imports — who imported what into which
organisation, with how many members created and skipped. The rows themselves go straight onto
the register (members.services_bulk), all or nothing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet


class RunQuerySet(ScopedQuerySet):
    scope_path = "org__path"


class ImportRun(models.Model):
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("导入到"), on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(_("文件"), max_length=200)
    rows = models.PositiveIntegerField(_("行数"))
    created = models.PositiveIntegerField(_("新建"))
    skipped = models.PositiveIntegerField(_("已在册跳过"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("名册导入记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.filename

    def audit_scope_path(self) -> str:
        return self.org.path


class AliasQuerySet(ScopedQuerySet):
    scope_path = "scope__path"


class OrgAlias(models.Model):
    """记住的组织名称对应: how the sheets of an organisation write the name of one below it
    (第一楼栋支部) and which organisation of the register that means (文化东路社区第一楼栋党支部).

    Confirmed once by a secretary in an import (or given with ``import-members --map``), then used
    by every later import into ``scope`` or an organisation below it, as long as ``org`` lies in
    what is imported into and the importing user may change it. Created and deleted through
    ``roster.services``, audited; visible to whoever may see ``scope``."""

    scope = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("适用于"), on_delete=models.PROTECT, related_name="+"
    )
    written = models.CharField(_("表中写法"), max_length=100)
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("对应党组织"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = AliasQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织名称对应")
        verbose_name_plural = _("组织名称对应")
        ordering = ["written", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "written"],
                name="roster_orgalias_one_per_written_name",
                violation_error_message=_("这个写法在该党组织下已有对应。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.written} → {self.org}"

    def audit_scope_path(self) -> str:
        return self.scope.path
