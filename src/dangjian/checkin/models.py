"""在职党员到社区报到 (SPEC §2, seeds [002], [003]): an in-service member checks in to the
community where they live; the community gives them a post or service; their practical deeds for
the community and the households in difficulty they pair with are recorded here.

Seen by the community checked in to and by the member's own organisation (the employer's party
branch) — two subtrees — and by the member themself.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import VIEW, ScopedQuerySet, scope_for, subtree_q


class CheckInQuerySet(ScopedQuerySet):
    scope_path = "community__path"
    self_lookup = "member_id"
    prefix = ""

    def _restrict(self, user: Any, action: str) -> ScopedQuerySet:
        base = super()._restrict(user, action)
        scope = scope_for(user)
        if scope.everything or action != VIEW:
            return base
        q = Q(pk__in=[])
        for p in scope.paths(VIEW):
            q |= subtree_q(f"{self.prefix}member__org__path", p)
        return (base | self.filter(q)).distinct()


class CheckIn(models.Model):
    member = models.ForeignKey(
        "members.Member", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="checkins"
    )
    community = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("报到社区"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "orgs.ResidentUnit",
        verbose_name=_("工作单位（驻区单位）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkins",
    )
    employer = models.CharField(_("工作单位"), max_length=100)
    employer_party_org = models.CharField(_("单位党组织"), max_length=100, blank=True)
    checked_in_on = models.DateField(_("报到日期"))
    post = models.CharField(_("认领的岗位或服务"), max_length=100, blank=True)
    ended_on = models.DateField(_("解除报到日期"), null=True, blank=True)
    end_reason = models.CharField(_("解除原因"), max_length=100, blank=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("在职党员报到")
        ordering = ["-checked_in_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(ended_on__isnull=True), name="one_checkin_at_a_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.community}"

    def audit_scope_path(self) -> str:
        return self.community.path


class ChildQuerySet(CheckInQuerySet):
    scope_path = "checkin__community__path"
    self_lookup = "checkin__member_id"
    prefix = "checkin__"


class Deed(models.Model):
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="deeds")
    date = models.DateField(_("日期"))
    title = models.CharField(_("为社区办的实事好事"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("在职党员实事")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title

    def audit_scope_path(self) -> str:
        return self.checkin.community.path


class Pairing(models.Model):
    """一对一帮扶: a household in difficulty the member helps (the household named as the
    community knows it; no personal data of the family is kept here)."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="pairings")
    household = models.CharField(_("帮扶对象（户）"), max_length=100)
    since = models.DateField(_("结对日期"))
    until = models.DateField(_("结束日期"), null=True, blank=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对帮扶")
        ordering = ["-since", "-pk"]

    def __str__(self) -> str:
        return self.household

    def audit_scope_path(self) -> str:
        return self.checkin.community.path
