"""爱心超市 (charity shop, SPEC §7): the goods a community holds for households in difficulty.

An :class:`Item` is one kind of goods a community's shop keeps (大米、食用油、棉被…) with its
stock; the stock is a cache of the :class:`Movement` rows — goods in from a donor, goods out to a
household — kept in step in the same transaction, and it can never go below zero (a database
constraint is the last line behind the conditional update of the services). Movements are
never changed or deleted: a mistake is voided by a reverse movement with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class ItemQuerySet(ScopedQuerySet):
    scope_path = "community__path"


class Item(Versioned):
    """One kind of goods in a community's charity shop, with how many are in stock."""

    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.PROTECT,
        related_name="charity_items",
    )
    name = models.CharField(_("物品名称"), max_length=60)
    unit = models.CharField(_("计量单位"), max_length=8, default="件")
    stock = models.IntegerField(_("库存"), default=0, editable=False)
    is_active = models.BooleanField(_("在用"), default=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("爱心超市物品")
        verbose_name_plural = _("爱心超市物品")
        ordering = ["community", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stock__gte=0),
                name="charity_item_stock_never_negative",
                violation_error_message=_("库存不能小于 0。"),
            ),
            models.UniqueConstraint(
                fields=["community", "name"],
                name="charity_item_name_once_per_community",
                violation_error_message=_("本社区已有同名物品。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.community.path


class MovementQuerySet(ScopedQuerySet):
    scope_path = "item__community__path"


class Direction(models.TextChoices):
    IN = "in", _("入库（捐赠）")
    OUT = "out", _("发放")


class DonorKind(models.TextChoices):
    UNIT = "unit", _("驻区单位")
    MEMBER = "member", _("党员")
    RESIDENT = "resident", _("居民")


class Movement(models.Model):
    """One movement of goods: in from a donor (a resident unit, a member, or a resident named
    only), or out to a household with who handed it over. Append-only: a movement entered by
    mistake is voided by another movement in the other direction (``voids``) with a reason."""

    item = models.ForeignKey(
        Item, verbose_name=_("物品"), on_delete=models.PROTECT, related_name="movements"
    )
    direction = models.CharField(_("出入库"), max_length=3, choices=Direction.choices)
    quantity = models.PositiveIntegerField(_("数量"))
    date = models.DateField(_("日期"))
    donor_kind = models.CharField(_("捐赠方"), max_length=8, choices=DonorKind.choices, blank=True)
    donor_unit = models.ForeignKey(
        "orgs.ResidentUnit",
        verbose_name=_("捐赠单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charity_donations",
    )
    donor_member = models.ForeignKey(
        "members.Member",
        verbose_name=_("捐赠党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charity_donations",
    )
    donor_name = models.CharField(_("捐赠居民"), max_length=30, blank=True)
    value = models.DecimalField(
        _("价值（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    household = models.ForeignKey(
        "orgs.Place",
        verbose_name=_("受助户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charity_received",
    )
    handed_by_member = models.ForeignKey(
        "members.Member",
        verbose_name=_("发放志愿者（党员）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charity_handed",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    voids = models.OneToOneField(
        "self",
        verbose_name=_("冲销的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voided_by",
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

    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("爱心超市出入库")
        verbose_name_plural = _("爱心超市出入库")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["item", "date"]), models.Index(fields=["date"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="charity_quantity_positive"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="charity_value_not_negative",
            ),
            # a hand-out goes to a household; only a correction has none
            models.CheckConstraint(
                condition=~Q(direction="out") | Q(household__isnull=False) | Q(voids__isnull=False),
                name="charity_out_to_a_household",
            ),
            # a donation names its donor, of the kind it says
            models.CheckConstraint(
                condition=~Q(direction="in")
                | Q(voids__isnull=False)
                | Q(donor_kind="unit", donor_unit__isnull=False)
                | Q(donor_kind="member", donor_member__isnull=False)
                | (Q(donor_kind="resident") & ~Q(donor_name="")),
                name="charity_in_names_its_donor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_direction_display()} {self.item_id}×{self.quantity}"

    def audit_scope_path(self) -> str:
        return self.item.community.path

    @property
    def donor_label(self) -> str:
        """Who gave it (for lists: select_related the donor)."""
        if self.donor_kind == DonorKind.UNIT and self.donor_unit_id:
            return self.donor_unit.name
        if self.donor_kind == DonorKind.MEMBER and self.donor_member_id:
            return self.donor_member.name
        return self.donor_name
