"""Volunteer service (SPEC §6, seed [001]): a community's teams (党员义工, 志愿者服务队, 万家帮),
their members, each service they do and the hours each member gave to it. Totals per member and
per team are sums of :class:`Hours` — never typed in twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import VIEW, ScopedQuerySet, ancestor_paths, scope_for


class TeamKind(models.TextChoices):
    MEMBER_VOLUNTEERS = "yigong", _("党员义工")
    SERVICE_TEAM = "team", _("志愿者服务队")
    WANJIABANG = "wanjiabang", _("万家帮")
    OTHER = "other", _("其他")


class CommunityQuerySet(ScopedQuerySet):
    """Secretaries see their subtree's; a member also sees their own community's teams."""

    scope_path = "community__path"
    community_lookup = "community__path__in"

    def _restrict(self, user, action):  # noqa: ANN001, ANN202 - see ScopedQuerySet
        base = super()._restrict(user, action)
        scope = scope_for(user)
        if action != VIEW or scope.everything or not scope.member_org_path:
            return base
        return base | self.filter(**{self.community_lookup: ancestor_paths(scope.member_org_path)})


class Team(models.Model):
    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    name = models.CharField(_("队名"), max_length=50)
    kind = models.CharField(_("类别"), max_length=12, choices=TeamKind.choices)
    leader = models.CharField(_("负责人"), max_length=30, blank=True)
    is_active = models.BooleanField(_("活动中"), default=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿服务队")
        ordering = ["community", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="team_name_once")]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.community.path


class ServiceQuerySet(CommunityQuerySet):
    scope_path = "team__community__path"
    community_lookup = "team__community__path__in"


class Service(models.Model):
    """One service the team did: a date, what, where, for whom."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="services")
    date = models.DateField(_("日期"))
    title = models.CharField(_("服务内容"), max_length=100)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    beneficiaries = models.PositiveIntegerField(_("服务人数"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿服务")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["team", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"

    def audit_scope_path(self) -> str:
        return self.team.community.path


class HoursQuerySet(ScopedQuerySet):
    scope_path = "service__team__community__path"
    self_lookup = "member_id"


class Hours(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="hours")
    member = models.ForeignKey(
        "members.Member", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="+"
    )
    hours = models.DecimalField(_("时长（小时）"), max_digits=4, decimal_places=1)

    objects = HoursQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务时长")
        constraints = [
            models.UniqueConstraint(fields=["service", "member"], name="hours_once_per_service"),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24), name="hours_in_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.hours}"

    def audit_scope_path(self) -> str:
        return self.service.team.community.path
