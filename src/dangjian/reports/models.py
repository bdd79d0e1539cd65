"""The secretary's prose of an annual report (SPEC §12, issue 18 item 6).

The figures are never stored: ``reports.figures`` derives them from the records each time. Only
the words around them — one text per section — are the secretary's, kept as a draft per
community and year and edited with optimistic locking.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class ReportDraftQuerySet(ScopedQuerySet):
    scope_path = "community__path"


class ReportDraft(Versioned):
    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.PROTECT,
        related_name="report_drafts",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    prose = models.JSONField(_("各部分文字"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReportDraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度党建工作报告")
        verbose_name_plural = _("年度党建工作报告")
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="report_draft_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} 年度党建工作报告"
