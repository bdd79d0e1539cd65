"""出租房屋、流动人口 (SPEC §8, issue 16 item 4), kept with the community police office (警务室).

* :class:`Dwelling` — a household of the places tree that is rented out: the landlord, since when,
  and when it was registered with the police.
* :class:`Tenant` — a person living in a dwelling (流动人口): the ID number is stored exactly like a
  member's (ciphertext, blind index, mask — ``members.services.id_fields``), move-in and move-out,
  the residence permit (居住证) and its expiry, the place of household registration (户籍地).

Access is need-to-know (:mod:`dangjian.grid.access`): a changing grant on the community (its
secretaries, and the police office's officers given such a grant) or a grid cadre's duty on the
area above the dwelling. ``__str__`` never carries a name or an ID number: it is what the audit
trail writes in its object column.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import Versioned
from dangjian.grid.access import AreaScopedQuerySet


class DwellingQuerySet(AreaScopedQuerySet):
    pass


class Dwelling(Versioned):
    """A rented household (出租房屋)."""

    household = models.OneToOneField(
        "orgs.Place",
        verbose_name=_("房屋（户）"),
        on_delete=models.PROTECT,
        related_name="dwelling",
    )
    landlord_name = models.CharField(_("房东姓名"), max_length=50)
    landlord_phone = models.CharField(_("房东电话"), max_length=30, blank=True)
    rented_since = models.DateField(_("出租起始日期"), null=True, blank=True)
    police_registered_on = models.DateField(_("向警务室登记日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    objects = DwellingQuerySet.as_manager()

    class Meta:
        verbose_name = _("出租房屋")
        verbose_name_plural = _("出租房屋")
        ordering = ["household__path"]

    def __str__(self) -> str:
        return f"出租房屋 #{self.pk}"

    def audit_scope_path(self) -> str:
        return self.household.community.path


class TenantQuerySet(AreaScopedQuerySet):
    scope_path = "dwelling__household__community__path"
    place_path = "dwelling__household__path"

    def current(self) -> TenantQuerySet:
        return self.filter(move_out__isnull=True)


class Tenant(Versioned):
    """A tenant of a dwelling (流动人口)."""

    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("出租房屋"), on_delete=models.PROTECT, related_name="tenants"
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_cipher = models.TextField(_("身份证号（密文）"), editable=False)
    id_hash = models.CharField(max_length=64, editable=False, db_index=True)
    id_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    move_in = models.DateField(_("入住日期"))
    move_out = models.DateField(_("搬离日期"), null=True, blank=True)
    permit_number = models.CharField(_("居住证号"), max_length=40, blank=True)
    permit_expires = models.DateField(_("居住证有效期至"), null=True, blank=True)
    origin = models.CharField(_("户籍地"), max_length=100, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("流动人口")
        verbose_name_plural = _("流动人口")
        ordering = ["dwelling__household__path", "move_in", "pk"]
        indexes = [models.Index(fields=["move_out", "permit_expires"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(move_out__isnull=True) | Q(move_out__gte=F("move_in")),
                name="tenant_moves_out_after_moving_in",
                violation_error_message=_("搬离日期不能早于入住日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"流动人口 #{self.pk}"

    def audit_scope_path(self) -> str:
        return self.dwelling.household.community.path

    def clean(self) -> None:
        if self.move_in and self.move_out and self.move_out < self.move_in:
            raise ValidationError({"move_out": gettext("搬离日期不能早于入住日期。")})
