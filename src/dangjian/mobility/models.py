"""流动党员 (SPEC §2, seed 002 "三项制度"): outbound registration (外出登记), the paired contact
person (结对联系) and the mobile-member activity card (流动党员活动证), with a log of every
contact. Going out and coming back are also events on the member's timeline (members app)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class OutboundState(models.TextChoices):
    OUT = "out", _("外出中")
    RETURNED = "returned", _("已返回")


class Way(models.TextChoices):
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    VISIT = "visit", _("见面走访")
    LETTER = "letter", _("信函")
    OTHER = "other", _("其他")


class OutboundQuerySet(ScopedQuerySet):
    scope_path = "member__org__path"
    self_lookup = "member_id"


class Outbound(Versioned):
    """One absence of a member: where, since when, doing what, who keeps in touch, the card."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        on_delete=models.CASCADE,
        related_name="outbounds",
    )
    left_on = models.DateField(_("外出日期"))
    destination = models.CharField(_("外出去向"), max_length=100)
    work = models.CharField(_("外出从事工作"), max_length=100, blank=True)
    phone = models.CharField(_("外出期间联系电话"), max_length=30, blank=True)
    contact_member = models.ForeignKey(
        "members.Member",
        verbose_name=_("结对联系人（党员）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_name = models.CharField(_("结对联系人（志愿者）"), max_length=50, blank=True)
    contact_phone = models.CharField(_("结对联系人电话"), max_length=30, blank=True)
    card_no = models.CharField(_("流动党员活动证号"), max_length=50, blank=True)
    card_issued_on = models.DateField(_("活动证发放日期"), null=True, blank=True)
    card_valid_until = models.DateField(_("活动证有效期至"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=OutboundState.choices, default=OutboundState.OUT
    )
    returned_on = models.DateField(_("返回日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    #: the date of the latest contact (a cache of ContactLog, kept by the services)
    last_contact_on = models.DateField(_("最近联系日期"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = OutboundQuerySet.as_manager()

    class Meta:
        verbose_name = _("流动党员外出登记")
        verbose_name_plural = _("流动党员")
        ordering = ["-left_on", "id"]
        indexes = [
            models.Index(fields=["state", "card_valid_until"]),
            models.Index(fields=["member", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(state="out"),
                name="mobility_one_open_outbound",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.destination}"

    def audit_scope_path(self) -> str:
        return self.member.org.path

    @property
    def contact_label(self) -> str:
        return self.contact_member.name if self.contact_member_id else self.contact_name


class ContactLogQuerySet(ScopedQuerySet):
    scope_path = "outbound__member__org__path"
    self_lookup = "outbound__member_id"


class ContactLog(models.Model):
    """One contact with a member who is away: what was passed on, their difficulties, what they
    said. Rows are only added."""

    outbound = models.ForeignKey(
        Outbound, verbose_name=_("外出登记"), on_delete=models.CASCADE, related_name="contacts"
    )
    date = models.DateField(_("联系日期"))
    way = models.CharField(_("联系方式"), max_length=10, choices=Way.choices)
    passed_on = models.CharField(_("传达精神、通报情况"), max_length=500, blank=True)
    difficulties = models.CharField(_("反映的困难"), max_length=500, blank=True)
    feedback = models.CharField(_("意见建议"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ContactLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("流动党员联系记录")
        verbose_name_plural = _("流动党员联系记录")
        ordering = ["outbound", "-date", "-id"]
        indexes = [models.Index(fields=["outbound", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_way_display()}"

    def audit_scope_path(self) -> str:
        return self.outbound.member.org.path
