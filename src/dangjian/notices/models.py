"""Notices (通知公告, SPEC §11, §14): what an organisation announces — to residents on the
community's public board (党务居务公开), or to its members on their phones (党员通知).

A notice is shown from ``publish_on`` until the day before ``withdraw_on`` (open-ended when
empty). A notice to members reaches the members of ``to_org`` (the publishing organisation or a
branch below it), optionally only those in one category (在职、离退休、流动…). There are no read
receipts, no "please confirm", no reminders: those are the formalism §14 bans.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned
from dangjian.members.models import Category


class Audience(models.TextChoices):
    PUBLIC = "public", _("居民公开（公开栏）")
    MEMBERS = "members", _("党员通知")


class NoticeQuerySet(ScopedQuerySet):
    """A notice belongs to the organisation that published it."""

    scope_path = "org__path"

    def current(self, today: dt.date) -> NoticeQuerySet:
        """Shown on ``today``: published, not yet withdrawn."""
        return self.filter(publish_on__lte=today).filter(
            Q(withdraw_on__isnull=True) | Q(withdraw_on__gt=today)
        )


class Notice(Versioned):
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("发布组织"),
        on_delete=models.PROTECT,
        related_name="notices",
    )
    audience = models.CharField(_("发给"), max_length=10, choices=Audience.choices)
    to_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("接收组织"),
        on_delete=models.PROTECT,
        related_name="notices_received",
        help_text=_("党员通知发给这个组织（发布组织或其下属支部）的党员。"),
    )
    category = models.CharField(
        _("党员类别"),
        max_length=16,
        choices=Category.choices,
        blank=True,
        help_text=_("留空则发给接收组织的全体党员。"),
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"), max_length=5000)
    publish_on = models.DateField(_("发布日期"))
    withdraw_on = models.DateField(
        _("撤下日期"), null=True, blank=True, help_text=_("这一天起不再显示；留空则一直显示。")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-publish_on", "-pk"]
        indexes = [
            models.Index(fields=["audience", "to_org", "publish_on"]),
            models.Index(fields=["org", "publish_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_scope_path(self) -> str:
        return self.org.path
