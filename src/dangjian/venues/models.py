"""阵地 (SPEC §9, seed [002] 一厅一校四室; seed [001] office floor areas).

* :class:`Venue` — one of a community's six venues (全程代办大厅、市民学校、党员电教室、阅览室、
  活动室、警务室) with its floor area. A venue that may be booked is a ``cobuild.Resource`` of the
  community itself (``resource``): bookings go through co-building's one booking engine.
* :class:`OfficeSpace` — a community's office-and-service floor area, or that it is in a
  demolition transition (拆迁过渡); the band table of seed 001 is counted from these rows with the
  bands of rule ``office.space_bands``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class Kind(models.TextChoices):
    HALL = "hall", _("全程代办大厅")
    SCHOOL = "school", _("市民学校")
    AV_ROOM = "av_room", _("党员电教室")
    READING = "reading", _("阅览室")
    ACTIVITY = "activity", _("活动室")
    POLICE = "police", _("警务室")


class CommunityScoped(ScopedQuerySet):
    scope_path = "community__path"


class Venue(Versioned):
    community = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="venues"
    )
    kind = models.CharField(_("阵地"), max_length=12, choices=Kind.choices)
    area_m2 = models.DecimalField(_("面积（平方米）"), max_digits=7, decimal_places=1)
    note = models.CharField(_("说明（位置、开放时间）"), max_length=200, blank=True)
    resource = models.OneToOneField(
        "cobuild.Resource",
        verbose_name=_("预约资源"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="venue",
    )

    objects = CommunityScoped.as_manager()

    class Meta:
        verbose_name = _("阵地")
        verbose_name_plural = _("阵地")
        ordering = ["community", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind"],
                name="venue_one_per_kind",
                violation_error_message=_("这个社区已登记了这一类阵地。"),
            ),
            models.CheckConstraint(
                condition=Q(area_m2__gt=0),
                name="venue_area_positive",
                violation_error_message=_("面积须大于 0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.get_kind_display()}"

    def audit_scope_path(self) -> str:
        return self.community.path


class OfficeSpace(Versioned):
    community = models.OneToOneField(
        "orgs.Organisation",
        verbose_name=_("社区"),
        on_delete=models.PROTECT,
        related_name="office_space",
    )
    floor_area_m2 = models.DecimalField(
        _("办公服务用房面积（平方米）"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    in_transition = models.BooleanField(_("拆迁过渡中"), default=False)

    objects = CommunityScoped.as_manager()

    class Meta:
        verbose_name = _("社区办公用房")
        verbose_name_plural = _("社区办公用房")
        constraints = [
            models.CheckConstraint(
                condition=Q(in_transition=True) | Q(floor_area_m2__gt=0),
                name="office_space_area_or_transition",
                violation_error_message=_("请填写面积（大于 0），或勾选“拆迁过渡中”。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.community} 办公用房"

    def audit_scope_path(self) -> str:
        return self.community.path
