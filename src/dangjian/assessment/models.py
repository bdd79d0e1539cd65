"""What assessment records of its own: inspectors' scores (SPEC §10).

Everything else an assessment shows is derived from the other parts' records by the indicators
(``assessment.indicators``); nothing is typed twice. An inspection team's on-site score of one of
the five goods (考核组现场打分, 百分制) is the one fact only an inspector has, so it is kept here.
It counts only where a locality gives the ``inspect.<good>`` indicator a weight in the rules.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned

from .indicators.base import Good

GOOD_CHOICES = [(k, Good.LABELS[k]) for k in Good.ORDER]


class InspectorScoreQuerySet(ScopedQuerySet):
    scope_path = "community__path"

    def live(self) -> InspectorScoreQuerySet:
        return self.filter(voided_at__isnull=True)


class InspectorScore(Versioned):
    """One inspector's (or inspection team's) score of one good of one community in one year."""

    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.PROTECT,
        related_name="inspector_scores",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    good = models.CharField(_("考核项目"), max_length=16, choices=GOOD_CHOICES)
    score = models.DecimalField(
        _("得分（百分制）"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    inspector = models.CharField(_("打分人/考核组"), max_length=50)
    scored_on = models.DateField(_("打分日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废理由"), max_length=200, blank=True)

    objects = InspectorScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核组打分")
        verbose_name_plural = _("考核组打分")
        ordering = ["community", "year", "good", "scored_on", "pk"]
        indexes = [models.Index(fields=["community", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {Good.LABELS.get(self.good, self.good)} {self.score}"

    def audit_scope_path(self) -> str:
        return self.community.path
