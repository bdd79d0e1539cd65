"""Re-employment (SPEC §7: 辖区单位提供岗位 + 社区经纪人负责组织 + 待业人员提供劳务).

An :class:`Offer` is a resident unit's job offer (position, places, requirements, category,
valid period) kept in the unit's community. A :class:`Seeker` is a resident who registered to
look for work, with their consent (date); withdrawing consent hides them from matching. Their
phone is stored encrypted and shown masked; every reveal is audited. Skills are categories
(:class:`SeekerSkill`), so a match is a join, not text search. A :class:`Referral` is one
seeker sent to one offer, with its outcome (pending → hired / not hired) and its date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class JobCategory(models.TextChoices):
    HOUSEKEEPING = "housekeeping", _("家政服务")
    CLEANING = "cleaning", _("保洁绿化")
    SECURITY = "security", _("保安门卫")
    CATERING = "catering", _("餐饮服务")
    DELIVERY = "delivery", _("快递物流")
    MANUFACTURING = "manufacturing", _("生产加工")
    CONSTRUCTION = "construction", _("建筑装修")
    SALES = "sales", _("商贸销售")
    CARE = "care", _("养老护理")
    OFFICE = "office", _("办公文员")
    DRIVING = "driving", _("驾驶")
    OTHER = "other", _("其他")


class OfferQuerySet(ScopedQuerySet):
    scope_path = "community__path"


class Offer(Versioned):
    """A resident unit's job offer, in the unit's community."""

    community = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "orgs.ResidentUnit",
        verbose_name=_("提供岗位的单位"),
        on_delete=models.PROTECT,
        related_name="job_offers",
    )
    position = models.CharField(_("岗位"), max_length=100)
    category = models.CharField(_("岗位类别"), max_length=16, choices=JobCategory.choices)
    places = models.PositiveSmallIntegerField(_("招聘人数"))
    requirements = models.TextField(_("要求"), blank=True)
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("就业岗位")
        verbose_name_plural = _("就业岗位")
        ordering = ["-valid_from", "-pk"]
        indexes = [
            models.Index(fields=["community", "valid_from"]),
            models.Index(fields=["unit", "valid_from"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="jobs_offer_places_positive",
                violation_error_message=_("招聘人数至少 1 人。"),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")),
                name="jobs_offer_period_ordered",
                violation_error_message=_("有效期结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.position

    def audit_scope_path(self) -> str:
        return self.community.path


class SeekerQuerySet(ScopedQuerySet):
    scope_path = "community__path"


class Seeker(Versioned):
    """A resident looking for work who agreed to be registered (consent date)."""

    community = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    household = models.ForeignKey(
        "orgs.Place",
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phone_cipher = models.TextField(_("联系电话（密文）"), blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=30, blank=True, editable=False)
    consent_on = models.DateField(_("本人同意登记日期"))
    withdrawn_on = models.DateField(_("撤回同意日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SeekerQuerySet.as_manager()

    class Meta:
        verbose_name = _("求职登记")
        verbose_name_plural = _("求职登记")
        ordering = ["-consent_on", "-pk"]
        indexes = [models.Index(fields=["community", "withdrawn_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("consent_on")),
                name="jobs_seeker_withdrawn_after_consent",
                violation_error_message=_("撤回日期不能早于同意日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.community.path


class SeekerSkill(models.Model):
    """One category of work a seeker can do."""

    seeker = models.ForeignKey(Seeker, on_delete=models.CASCADE, related_name="skills")
    category = models.CharField(_("技能类别"), max_length=16, choices=JobCategory.choices)

    class Meta:
        verbose_name = _("技能")
        constraints = [
            models.UniqueConstraint(fields=["seeker", "category"], name="jobs_skill_once"),
        ]
        indexes = [models.Index(fields=["category", "seeker"])]

    def __str__(self) -> str:
        return self.get_category_display()


class Outcome(models.TextChoices):
    PENDING = "pending", _("待反馈")
    HIRED = "hired", _("已录用")
    NOT_HIRED = "not_hired", _("未录用")


class ReferralQuerySet(ScopedQuerySet):
    scope_path = "offer__community__path"


class Referral(Versioned):
    """One seeker sent to one offer, and what came of it."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="referrals")
    seeker = models.ForeignKey(Seeker, on_delete=models.PROTECT, related_name="referrals")
    referred_on = models.DateField(_("推荐日期"))
    outcome = models.CharField(
        _("结果"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_on = models.DateField(_("结果日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("推荐就业")
        verbose_name_plural = _("推荐就业")
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "seeker"], name="jobs_referral_once"),
            models.CheckConstraint(
                condition=(Q(outcome="pending") & Q(outcome_on__isnull=True))
                | (~Q(outcome="pending") & Q(outcome_on__gte=F("referred_on"))),
                name="jobs_referral_outcome_dated",
                violation_error_message=_("结果须有日期，且不早于推荐日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seeker_id} → {self.offer_id}"

    def audit_scope_path(self) -> str:
        return self.offer.community.path
