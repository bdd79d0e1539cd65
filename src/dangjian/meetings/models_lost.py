"""Members who lost contact (失联党员, rule ``member.lost_contact``, 党员教育管理工作条例
第二十四条、第二十五条), next to the art. 9 handling (``NoLifeCase``).

:class:`LostContact` records that contact was lost on a date (and regained, when it is). What to
propose — suspend the membership after N months, remove after M more years of suspension — is
derived in ``selectors/lost.py``. Each decision the branch takes is its own row
(:class:`LostContactDecision`), linked to the member's timeline event it added.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class LostContactQuerySet(ScopedQuerySet):
    scope_path = "org__path"

    def open(self) -> LostContactQuerySet:
        return self.filter(found_on__isnull=True, closed_on__isnull=True)


class LostContact(Versioned):
    """Contact with a member was lost on ``lost_on`` (and regained on ``found_on``)."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        on_delete=models.CASCADE,
        related_name="lost_contacts",
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在支部"),
        on_delete=models.PROTECT,
        related_name="lost_contacts",
    )
    lost_on = models.DateField(_("失去联系日期"))
    found_on = models.DateField(_("恢复联系日期"), null=True, blank=True)
    closed_on = models.DateField(
        _("结案日期"), null=True, blank=True, help_text=_("除名后结案，不再提示。")
    )
    note = models.CharField(_("查找情况"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LostContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("失联党员")
        verbose_name_plural = _("失联党员")
        ordering = ["lost_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(found_on__isnull=True, closed_on__isnull=True),
                name="lost_contact_open_once",
                violation_error_message=_("这位党员已登记为失联。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.lost_on}"

    def audit_scope_path(self) -> str:
        return self.org.path

    def clean(self) -> None:
        if self.lost_on and self.found_on and self.found_on < self.lost_on:
            raise ValidationError({"found_on": _("恢复联系日期不能早于失去联系日期。")})


class LostDecisionKind(models.TextChoices):
    SUSPEND = "suspend", _("停止党籍")
    REMOVE = "remove", _("按自行脱党除名")
    RESTORE = "restore", _("恢复党籍")


class LostContactDecisionQuerySet(ScopedQuerySet):
    scope_path = "case__org__path"


class LostContactDecision(models.Model):
    """A decision the branch took on a lost-contact case, and who took it."""

    case = models.ForeignKey(
        LostContact, verbose_name=_("失联登记"), on_delete=models.CASCADE, related_name="decisions"
    )
    kind = models.CharField(_("决定"), max_length=10, choices=LostDecisionKind.choices)
    decided_on = models.DateField(_("决定日期"))
    decided_by = models.CharField(
        _("决定机构"), max_length=100, help_text=_("例如：支部委员会、支部党员大会。")
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    member_event = models.ForeignKey(
        "members.MemberEvent",
        verbose_name=_("党员变动事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = LostContactDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("失联党员处理决定")
        verbose_name_plural = _("失联党员处理决定")
        ordering = ["case", "decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"

    def audit_scope_path(self) -> str:
        return self.case.org.path
