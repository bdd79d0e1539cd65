"""Community staff (社区工作者, SPEC §9): the roster the quota rules are checked against.

A worker is counted from ``started_on`` until ``left_on``; the public-welfare posts carry their
sub-post (计生、社保、治安信息员) because the quotas of seed [002] count them; a seconded cadre
(下派干部) has the unit that sent them and the end of their term (2–3 years, rule
``staff.seconded_term``). A worker who is a party member points at their member record
(``member``) instead of repeating their name (issue 14)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class StaffQuerySet(ScopedQuerySet):
    scope_path = "community__path"

    def current(self, on: dt.date) -> StaffQuerySet:
        """Workers in post on ``on``."""
        return self.filter(Q(started_on__isnull=True) | Q(started_on__lte=on)).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=on)
        )


class Staff(Versioned):
    """A community worker, by kind of post (行政编制、事业编制、公益性岗位、聘用)."""

    class Kind(models.TextChoices):
        ADMIN = "admin", _("行政编制")
        INSTITUTION = "institution", _("事业编制")
        PUBLIC_WELFARE = "public_welfare", _("公益性岗位")
        HIRED = "hired", _("聘用")

    class SubPost(models.TextChoices):
        """What a public-welfare post is for (seed [002] counts these three)."""

        FAMILY_PLANNING = "family_planning", _("计生")
        SOCIAL_SECURITY = "social_security", _("社保")
        SECURITY_INFO = "security_info", _("治安信息员")

    name = models.CharField(_("姓名"), max_length=50)
    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在社区"),
        on_delete=models.PROTECT,
        related_name="staff",
    )
    kind = models.CharField(_("编制类型"), max_length=16, choices=Kind.choices)
    sub_post = models.CharField(
        _("公益性岗位类别"), max_length=16, choices=SubPost.choices, blank=True
    )
    post = models.CharField(_("岗位"), max_length=50, blank=True)
    started_on = models.DateField(_("到岗日期"), null=True, blank=True)
    left_on = models.DateField(_("离岗日期"), null=True, blank=True)
    is_seconded = models.BooleanField(_("下派干部"), default=False)
    seconded_from = models.CharField(_("派出单位"), max_length=100, blank=True)
    seconded_until = models.DateField(_("下派期满日期"), null=True, blank=True)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区工作者")
        verbose_name_plural = _("社区工作者")
        ordering = ["community", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(left_on__gte=F("started_on")),
                name="staff_leaves_after_starting",
                violation_error_message=_("离岗日期不能早于到岗日期。"),
            ),
            models.CheckConstraint(
                condition=Q(sub_post="") | Q(kind="public_welfare"),
                name="staff_sub_post_only_public_welfare",
                violation_error_message=_("只有公益性岗位才分计生、社保、治安信息员。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.community.path
