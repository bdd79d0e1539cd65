"""What the cadence roll-up keeps of an organisation's closed periods (see ``cadence_kept``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CadenceKept(models.Model):
    """An organisation's statuses in the periods of ``year`` that have ended, counted: how many
    are overdue and how many done — valid only while ``fingerprint`` matches what they were
    computed from (the meetings of those periods, the rules' numbers, the organisation's kind,
    founding date and committee, and which periods had ended). A derived row: nobody edits it,
    any request may rewrite it, deleting it only costs the next request the work again."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("组织"),
        on_delete=models.CASCADE,
        related_name="cadence_kept",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    fingerprint = models.CharField(_("依据摘要"), max_length=64)
    overdue = models.PositiveIntegerField(_("已过期间逾期数"))
    done = models.PositiveIntegerField(_("已过期间已开数"))

    class Meta:
        verbose_name = _("会议按期情况（已过期间）")
        verbose_name_plural = _("会议按期情况（已过期间）")
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="cadence_kept_org_year"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year}"


class CadenceStamp(models.Model):
    """Changed whenever something an organisation's closed periods count may have changed — a
    meeting of it recorded, edited or moved, the leaders who took part, a body's kind — by the
    services that write those (``cadence_kept.touch``). Kept rows computed before the change no
    longer match it."""

    org = models.OneToOneField(
        "orgs.Organisation",
        verbose_name=_("组织"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="cadence_stamp",
    )
    token = models.CharField(_("变更标记"), max_length=32)

    class Meta:
        verbose_name = _("会议变更标记")
        verbose_name_plural = _("会议变更标记")

    def __str__(self) -> str:
        return f"{self.org_id} {self.token}"
