"""党费 (SPEC §2, §13): each member's dues base (history kept), the payments — several months at
once — with a receipt, the months each payment covers (a month is paid once), and the reasons
accepted for months not paid (illness, hardship), which keep a member off the art. 9 list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet


class Kind(models.TextChoices):
    IN_SERVICE = "in_service", _("在职（按月税后工资）")
    RETIRED = "retired", _("离退休（按月养老金）")
    FLAT = "flat", _("学生、下岗失业、低保（每月 0.2 元）")


class MemberScoped(ScopedQuerySet):
    scope_path = "member__org__path"
    self_lookup = "member_id"


class DuesBase(models.Model):
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        on_delete=models.CASCADE,
        related_name="dues_bases",
    )
    kind = models.CharField(_("交纳类别"), max_length=12, choices=Kind.choices)
    base = models.DecimalField(
        _("计算基数（元/月）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    from_month = models.DateField(_("自哪个月起"), help_text=_("每月 1 日"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)

    objects = MemberScoped.as_manager()

    class Meta:
        verbose_name = _("党费基数")
        ordering = ["member", "-from_month", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "from_month"], name="dues_base_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.from_month:%Y-%m} {self.base}"

    def audit_scope_path(self) -> str:
        return self.member.org.path


class Payment(models.Model):
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        on_delete=models.PROTECT,
        related_name="dues_payments",
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("收缴党组织"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_month = models.DateField(_("起始月份"))
    months = models.PositiveSmallIntegerField(_("月数"))
    amount_due = models.DecimalField(_("应交（元）"), max_digits=10, decimal_places=2)
    amount_paid = models.DecimalField(_("实交（元）"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("交纳日期"))
    receipt_no = models.CharField(_("收据号"), max_length=20)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # a mistaken payment is voided, never deleted: it keeps its receipt number (never reused),
    # its months become unpaid again (its PaidMonth rows go) and it counts nowhere
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberScoped.as_manager()

    class Meta:
        verbose_name = _("党费交纳")
        ordering = ["-paid_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["org", "receipt_no"], name="receipt_once")]

    def __str__(self) -> str:
        return self.receipt_no

    def audit_scope_path(self) -> str:
        return self.org.path


class PaidMonth(models.Model):
    """One month a payment covers: the database refuses a month paid twice."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="paid_months")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    due = models.DecimalField(max_digits=10, decimal_places=2)

    objects = MemberScoped.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="month_paid_once")]
        indexes = [models.Index(fields=["month", "member"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m}"


class ArrearsReason(models.Model):
    member = models.ForeignKey(
        "members.Member", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="+"
    )
    from_month = models.DateField(_("自"))
    to_month = models.DateField(_("至"))
    reason = models.CharField(_("正当理由"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MemberScoped.as_manager()

    class Meta:
        verbose_name = _("未交党费的正当理由")
        ordering = ["-from_month"]

    def __str__(self) -> str:
        return self.reason

    def audit_scope_path(self) -> str:
        return self.member.org.path
