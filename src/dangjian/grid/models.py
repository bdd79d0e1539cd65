"""网格 (SPEC §8, seed [002] 一人一片、责任到人): who is responsible for each area of the places
tree, which households are key households, and the visits made to households.

* :class:`AreaDuty` — a grid cadre (包片干部/网格员, with an account) or a 社情联络员 on an area
  (a ``grid`` place) for a period. Residents per area are not kept here: they are the sum of the
  households' ``population`` below the area, entered once on the household.
* :class:`KeyHousehold` — a household marked 重点户 with the reason; the community secretary must
  visit it in person (rule ``grid.area_visits``).
* :class:`Visit` — one visit to a household: who, when, who was met, what was found, the
  follow-up, and the service request it opened (``servicedesk.Request``, linked both ways).

Access is need-to-know (:mod:`.access`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import Versioned

from .access import AreaScopedQuerySet


class DutyRole(models.TextChoices):
    CADRE = "cadre", _("包片干部（网格员）")
    LIAISON = "liaison", _("社情联络员")


class AreaDutyQuerySet(AreaScopedQuerySet):
    scope_path = "area__community__path"
    place_path = "area__path"

    def current(self, on: dt.date) -> AreaDutyQuerySet:
        return self.filter(since__lte=on).filter(Q(until__isnull=True) | Q(until__gte=on))


class AreaDuty(Versioned):
    """A person responsible for an area (a ``grid`` place) from ``since`` to ``until``."""

    area = models.ForeignKey(
        "orgs.Place", verbose_name=_("片区/网格"), on_delete=models.PROTECT, related_name="duties"
    )
    role = models.CharField(_("职责"), max_length=12, choices=DutyRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="area_duties",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="area_duties",
    )
    name = models.CharField(_("姓名"), max_length=50)
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("结束日期"), null=True, blank=True)

    objects = AreaDutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("片区职责")
        verbose_name_plural = _("片区职责")
        ordering = ["area__path", "role", "since"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="cadre") | Q(user__isnull=False),
                name="areaduty_cadre_has_account",
                violation_error_message=_("包片干部需要有登录账号。"),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="areaduty_ends_after_it_starts",
                violation_error_message=_("结束日期不能早于起始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.get_role_display()} {self.name}"

    def audit_scope_path(self) -> str:
        return self.area.community.path


class KeyHouseholdQuerySet(AreaScopedQuerySet):
    def current(self) -> KeyHouseholdQuerySet:
        return self.filter(until__isnull=True)


class KeyHousehold(Versioned):
    """A household marked 重点户, with the reason, from ``since`` until unmarked (``until``)."""

    household = models.ForeignKey(
        "orgs.Place", verbose_name=_("住户"), on_delete=models.PROTECT, related_name="key_marks"
    )
    reason = models.CharField(_("重点原因"), max_length=200)
    since = models.DateField(_("标记日期"))
    until = models.DateField(_("取消日期"), null=True, blank=True)
    until_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = KeyHouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("重点户")
        verbose_name_plural = _("重点户")
        ordering = ["household__path", "-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(until__isnull=True),
                name="keyhousehold_one_open",
                violation_error_message=_("这户已标记为重点户。"),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="keyhousehold_ends_after_it_starts",
                violation_error_message=_("取消日期不能早于标记日期。"),
            ),
        ]

    def __str__(self) -> str:
        # never the reason: this text goes into the audit's object column
        return f"重点户 {self.household_id}#{self.pk}"

    def audit_scope_path(self) -> str:
        return self.household.community.path


class VisitQuerySet(AreaScopedQuerySet):
    pass


class Visit(Versioned):
    """One visit to a household (走访记录)."""

    household = models.ForeignKey(
        "orgs.Place", verbose_name=_("住户"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("走访日期"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        on_delete=models.PROTECT,
        related_name="grid_visits",
    )
    visitor_name = models.CharField(_("走访人姓名"), max_length=50)
    #: the visitor was the community's secretary (书记) on the day — kept as it was then
    by_secretary = models.BooleanField(_("书记亲自走访"), default=False)
    met = models.CharField(_("见到的人"), max_length=100, blank=True)
    found = models.TextField(_("了解到的情况"), blank=True)
    follow_up = models.CharField(_("后续跟进"), max_length=300, blank=True)
    request = models.OneToOneField(
        "servicedesk.Request",
        verbose_name=_("转为服务工单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit",
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["household", "visited_on"])]

    def __str__(self) -> str:
        return f"走访 {self.household_id} {self.visited_on}"

    def audit_scope_path(self) -> str:
        return self.household.community.path
