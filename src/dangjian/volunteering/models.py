"""Volunteer service (SPEC §6, seed [001]): a community's teams (党员义工, 志愿者服务队, 万家帮).

What a team did is a :class:`~dangjian.deeds.models.Deed` with ``team`` set, and the hours each
member gave are its participants' hours (issue 14: one fact, one place). Totals per member and
per team are counted from there — never typed in twice."""

from __future__ import annotations

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
    """A community's volunteer team; its services are the deeds recorded with it."""

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
