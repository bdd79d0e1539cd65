"""Funds and fixed assets of an organisation (SPEC §9, issue 17 items 4–5).

A :class:`Ledger` is the income-and-spending book (收支台帐) of one organisation — a community, a
street or town, or a branch (its work funds). Its :class:`Entry` rows are the money in and out;
an amount is always above zero and ``direction`` says which way it went. The balance is never
stored: it is derived from the opening balance and the entries that are not voided, so two
people entering at once cannot leave a wrong running total behind (the services also lock the
ledger row while they check a ledger that forbids overdrafts). Entries are never edited or
deleted: a mistake is voided with a reason, and stays visible.

Income allocated from above for a named purpose (``purpose``) is what the yearly fund rules
(``funds.office_activity``, ``funds.street_special``) are checked against.

An :class:`Asset` is one line of the fixed-asset register (固定资产台帐).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS, OrgKind

#: organisations that keep books: streets and towns, communities, branches
LEDGER_KINDS = {OrgKind.STREET, OrgKind.TOWN, *COMMUNITY_KINDS, *BRANCH_KINDS}


class Direction(models.TextChoices):
    IN = "in", _("收入")
    OUT = "out", _("支出")


class Purpose(models.TextChoices):
    """What money allocated from above is for — the funds the rules count."""

    OFFICE_ACTIVITY = "office_activity", _("社区办公和活动经费")
    STREET_SPECIAL = "street_special", _("街道党建工作专项经费")
    BRANCH_WORK = "branch_work", _("支部工作经费")


class Category(models.Model):
    """One line of the configurable list of income and spending categories (收支科目).

    ``is_allocation``: money allocated from above (上级拨款) — only such income may name the
    purpose (办公和活动经费 …) that the fund rules count."""

    name = models.CharField(
        _("科目"),
        max_length=30,
        unique=True,
        error_messages={"unique": _("已有同名科目。")},
    )
    direction = models.CharField(_("收支"), max_length=3, choices=Direction.choices)
    is_allocation = models.BooleanField(_("上级拨款"), default=False)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("收支科目")
        verbose_name_plural = _("收支科目")
        ordering = ["direction", "sort", "pk"]

    def __str__(self) -> str:
        return self.name


class LedgerQuerySet(ScopedQuerySet):
    scope_path = "org__path"


class Ledger(Versioned):
    """The income-and-spending book of one organisation, with its opening balance (期初余额,
    when the books start on the platform) and whether spending beyond the balance is refused."""

    org = models.OneToOneField(
        "orgs.Organisation",
        verbose_name=_("组织"),
        on_delete=models.PROTECT,
        related_name="funds_ledger",
    )
    opening_balance = models.DecimalField(
        _("期初余额（元）"), max_digits=12, decimal_places=2, default=0
    )
    forbid_overdraft = models.BooleanField(
        _("不允许超支"), default=False, help_text=_("勾选后，超过余额的支出不予登记。")
    )

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("收支台帐")
        verbose_name_plural = _("收支台帐")
        ordering = ["org__path"]

    def __str__(self) -> str:
        return f"{self.org.name} 收支台帐"

    def audit_scope_path(self) -> str:
        return self.org.path


class EntryQuerySet(ScopedQuerySet):
    scope_path = "ledger__org__path"

    def live(self) -> EntryQuerySet:
        return self.filter(voided_at__isnull=True)


class Entry(models.Model):
    """One receipt or payment of a ledger. Append-only: voided with a reason, never changed."""

    ledger = models.ForeignKey(
        Ledger, verbose_name=_("台帐"), on_delete=models.PROTECT, related_name="entries"
    )
    direction = models.CharField(_("收支"), max_length=3, choices=Direction.choices)
    date = models.DateField(_("日期"))
    category = models.ForeignKey(
        Category, verbose_name=_("科目"), on_delete=models.PROTECT, related_name="entries"
    )
    purpose = models.CharField(
        _("拨款用途"), max_length=20, choices=Purpose.choices, blank=True, default=""
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    party = models.CharField(_("付款方 / 收款方"), max_length=100, blank=True)
    summary = models.CharField(_("摘要"), max_length=200)
    voucher_no = models.CharField(_("凭证号"), max_length=30, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("用于会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_entries",
    )
    activity = models.ForeignKey(
        "cobuild.Activity",
        verbose_name=_("用于共建活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_entries",
    )
    deed = models.ForeignKey(
        "deeds.Deed",
        verbose_name=_("用于实事"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_entries",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("收支记录")
        verbose_name_plural = _("收支记录")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["ledger", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funds_amount_positive",
                violation_error_message=_("金额必须大于 0。"),
            ),
            # a purpose is named only on income
            models.CheckConstraint(
                condition=Q(purpose="") | Q(direction="in"), name="funds_purpose_on_income"
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="funds_void_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_direction_display()} {self.amount} 元"

    def audit_scope_path(self) -> str:
        return self.ledger.org.path

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class VoucherQuerySet(ScopedQuerySet):
    scope_path = "entry__ledger__org__path"


class Voucher(models.Model):
    """A scanned voucher (receipt, invoice) of an entry. Served only after an access check."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("收支记录"), on_delete=models.PROTECT, related_name="vouchers"
    )
    file = models.FileField(_("凭证"), upload_to="funds/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = VoucherQuerySet.as_manager()

    class Meta:
        verbose_name = _("凭证附件")
        verbose_name_plural = _("凭证附件")
        ordering = ["entry", "pk"]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.entry.ledger.org.path


class AssetQuerySet(ScopedQuerySet):
    scope_path = "org__path"


class Asset(Versioned):
    """One line of the fixed-asset register (固定资产台帐): what, how many, worth what, since
    when, where it is, who keeps it — and, once gone, when and why it was disposed of."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("组织"),
        on_delete=models.PROTECT,
        related_name="assets",
    )
    code = models.CharField(_("资产编号"), max_length=30, blank=True)
    name = models.CharField(_("资产名称"), max_length=100)
    spec = models.CharField(_("规格型号"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    value = models.DecimalField(_("原值（元，本行合计）"), max_digits=12, decimal_places=2)
    acquired_on = models.DateField(_("购置日期"))
    venue = models.CharField(_("存放地点"), max_length=100, blank=True)
    custodian = models.CharField(_("保管人"), max_length=30, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    disposed_on = models.DateField(_("处置日期"), null=True, blank=True)
    disposal_reason = models.CharField(_("处置原因"), max_length=200, blank=True)

    objects = AssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("固定资产")
        verbose_name_plural = _("固定资产")
        ordering = ["org__path", "acquired_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0), name="funds_asset_value_not_negative"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="funds_asset_quantity"),
            models.CheckConstraint(
                condition=Q(disposed_on__isnull=True) | ~Q(disposal_reason=""),
                name="funds_asset_disposal_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.org.path
