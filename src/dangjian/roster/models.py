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
