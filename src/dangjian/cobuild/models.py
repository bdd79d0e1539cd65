"""共驻共建 (SPEC §5, seeds [001], [002]): what resident units and the community do together.

- :class:`Agreement` — a co-building agreement (共驻共建协议) between a unit and a community for a
  period, with each side's :class:`Pledge`\\s, which are then checked off as kept or not;
- :class:`Activity` — the co-building detail of a deed (:mod:`dangjian.deeds`, issue 14): the
  deed holds when, what, where, for how many and who took part (units and members); the activity
  adds the kind (the "6" of 3621), theme, money and goods, photos and residents' feedback. A
  practical deed (实事) and a unit volunteer team's service are activities marked as such; a
  unit's year counts its deeds, so a deed with the unit recorded anywhere counts too;
- :class:`Resource` — what a unit opens to the community (a venue, an expert, a vehicle) and the
  :class:`Booking`\\s against it, which may not overlap;
- :class:`StarRating` — a unit's stars for a year, the system's proposal and the secretary's
  decision with the reason when they differ.
Everything belongs to a community and is scoped by its path.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class ActivityKind(models.TextChoices):
    PARTY = "party", _("党建联创")
    THOUGHT = "thought", _("思想联做")
    SERVICE = "service", _("服务联办")
    SECURITY = "security", _("治安联防")
    ENVIRONMENT = "environment", _("环境卫生联抓")
    CULTURE = "culture", _("文体活动联营")


class Theme(models.TextChoices):
    """八进社区: the eight things brought into the community (the usual local list; [002] names
    the campaign without listing them)."""

    SCIENCE = "science", _("科技进社区")
    EDUCATION = "education", _("教育进社区")
    CULTURE = "culture", _("文化进社区")
    HEALTH = "health", _("卫生进社区")
    SPORTS = "sports", _("体育进社区")
    LAW = "law", _("法律进社区")
    SAFETY = "safety", _("平安进社区")
    ENVIRONMENT = "environment", _("环保进社区")


class CommunityScoped(ScopedQuerySet):
    scope_path = "community__path"


class Agreement(Versioned):
    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgs.ResidentUnit",
        verbose_name=_("驻区单位"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    title = models.CharField(_("协议名称"), max_length=100)
    signed_on = models.DateField(_("签订日期"))
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"))

    objects = CommunityScoped.as_manager()

    class Meta:
        verbose_name = _("共驻共建协议")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="agreement_period"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def audit_scope_path(self) -> str:
        return self.community.path


class Side(models.TextChoices):
    UNIT = "unit", _("驻区单位承诺")
    COMMUNITY = "community", _("社区承诺")


class PledgeQuerySet(ScopedQuerySet):
    scope_path = "agreement__community__path"


class Pledge(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="pledges")
    side = models.CharField(_("承诺方"), max_length=10, choices=Side.choices)
    text = models.CharField(_("承诺事项"), max_length=200)
    kept = models.BooleanField(_("已兑现"), null=True, blank=True)  # None: not yet checked
    checked_on = models.DateField(_("核查日期"), null=True, blank=True)
    note = models.CharField(_("核查说明"), max_length=200, blank=True)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("协议承诺事项")
        ordering = ["agreement", "side", "pk"]

    def __str__(self) -> str:
        return self.text

    def audit_scope_path(self) -> str:
        return self.agreement.community.path


class ActivityQuerySet(ScopedQuerySet):
    """An activity belongs to the community of its deed."""

    scope_path = "deed__community__path"


class Activity(Versioned):
    """The co-building side of a :class:`~dangjian.deeds.models.Deed`: which of the six kinds it
    was, the theme, whether it was a unit's practical deed or its volunteer team's service, who
    organised it, the money and goods, the story and the residents' feedback, the photos.

    When, what, where, for how many, and who took part (units and members) are the deed's —
    recorded once there and read from there (the properties below are for templates only; every
    query goes through ``deed__…``)."""

    deed = models.OneToOneField(
        "deeds.Deed",
        verbose_name=_("实事与服务记录"),
        on_delete=models.PROTECT,
        related_name="activity",
    )
    kind = models.CharField(_("活动类别"), max_length=12, choices=ActivityKind.choices)
    theme = models.CharField(_("八进社区"), max_length=12, choices=Theme.choices, blank=True)
    is_deed = models.BooleanField(_("为社区办实事"), default=False)
    is_volunteer_service = models.BooleanField(_("单位志愿服务队进社区服务"), default=False)
    organisers = models.CharField(_("组织单位"), max_length=200, blank=True)
    money = models.DecimalField(
        _("投入资金（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    goods = models.CharField(_("物资"), max_length=200, blank=True)
    summary = models.TextField(_("活动情况"), blank=True)
    feedback = models.TextField(_("居民反映"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("共驻共建活动")
        ordering = ["-deed__date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"

    # Read-only views of the deed's facts, for templates and documents (select "deed" first).
    @property
    def community(self) -> Any:
        return self.deed.community

    @property
    def date(self) -> dt.date:
        return self.deed.date

    @property
    def title(self) -> str:
        return self.deed.title

    @property
    def place(self) -> str:
        return self.deed.place

    @property
    def beneficiaries(self) -> int | None:
        return self.deed.beneficiaries

    def audit_scope_path(self) -> str:
        return self.deed.community.path


class PhotoQuerySet(ScopedQuerySet):
    scope_path = "activity__deed__community__path"


class Photo(models.Model):
    """A photo of an activity (for the briefing) — a record of what happened, not proof of a
    check-in. Served only through a view that checks access."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to="cobuild/%Y/%m/")
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "pk"]

    def __str__(self) -> str:
        return self.caption or self.file.name

    def audit_scope_path(self) -> str:
        return self.activity.deed.community.path


class ResourceKind(models.TextChoices):
    VENUE = "venue", _("场地")
    EXPERT = "expert", _("专家人才")
    VEHICLE = "vehicle", _("车辆")
    EQUIPMENT = "equipment", _("设备")
    OTHER = "other", _("其他")


class Resource(models.Model):
    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: the resident unit that opens it; empty for the community's own venues (venues app), which
    #: are booked through this same engine
    unit = models.ForeignKey(
        "orgs.ResidentUnit",
        verbose_name=_("提供单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resources",
    )
    kind = models.CharField(_("类别"), max_length=10, choices=ResourceKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    is_open = models.BooleanField(_("开放中"), default=True)

    objects = CommunityScoped.as_manager()

    class Meta:
        verbose_name = _("共享资源")
        ordering = ["community", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.community.path


class BookingQuerySet(ScopedQuerySet):
    scope_path = "resource__community__path"


class Booking(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    purpose = models.CharField(_("用途"), max_length=100)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled = models.BooleanField(_("已取消"), default=False)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("资源预约")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="booking_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.starts_at:%Y-%m-%d %H:%M}"

    def audit_scope_path(self) -> str:
        return self.resource.community.path


class StarQuerySet(ScopedQuerySet):
    scope_path = "unit__community__path"


class StarRating(Versioned):
    unit = models.ForeignKey(
        "orgs.ResidentUnit",
        verbose_name=_("驻区单位"),
        on_delete=models.PROTECT,
        related_name="stars",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    proposed = models.PositiveSmallIntegerField(_("系统建议星级"))
    reasons = models.JSONField(_("建议依据"), default=list)
    stars = models.PositiveSmallIntegerField(_("评定星级"))
    override_reason = models.CharField(_("调整理由"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField(_("评定日期"))

    objects = StarQuerySet.as_manager()

    class Meta:
        verbose_name = _("星光榜评定")
        ordering = ["-year", "-stars", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="stars_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit} {self.stars}★"

    def audit_scope_path(self) -> str:
        return self.unit.community.path


class UnitContact(models.Model):
    """A resident unit's party contact (单位党建联络员) with a login: they see their own unit —
    its activities, deeds, star history and its members' check-ins — and nothing else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_contact"
    )
    unit = models.ForeignKey(
        "orgs.ResidentUnit",
        verbose_name=_("驻区单位"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )

    class Meta:
        verbose_name = _("驻区单位联络员")

    def __str__(self) -> str:
        return f"{self.unit} {self.user}"
