"""One record of what members did for the community (SPEC §12, §14: each fact once, where it
happens).

A :class:`Deed` is one thing that happened — when, where, for whom (a household on the places
tree, or the community at large), who took part (members with their hours, resident units, a
volunteer team) — recorded once by whoever was there. Every view that needs it counts it from
here: a checked-in member's year (实事好事), a commitment's evidence (践诺), a post holder's duty
log (履职), volunteer hours per member and team, a co-building activity and a unit's year, the
star proposals. Linking a deed to a commitment or a post holding is a pick, never a retype.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import VIEW, ScopedQuerySet, scope_for, subtree_q
from dangjian.core.models import Versioned


class DeedQuerySet(ScopedQuerySet):
    """A deed belongs to its community; the organisation of a member who took part (an
    in-service member's employer branch) sees it too, and a member sees the deeds they did."""

    scope_path = "community__path"

    def _restrict(self, user: Any, action: str) -> ScopedQuerySet:
        scope = scope_for(user)
        if scope.everything:
            return self
        q = Q(pk__in=[])
        for p in scope.paths(action):
            q |= subtree_q("community__path", p)
        if action == VIEW:
            via = Q(pk__in=[])
            for p in scope.paths(VIEW):
                via |= subtree_q("member__org__path", p)
            if scope.member_id:
                via |= Q(member_id=scope.member_id)
            took_part = Participant.objects.filter(via).values("deed_id")
            q |= Q(pk__in=took_part)
        return self.filter(q)


class Deed(Versioned):
    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.PROTECT,
        related_name="deeds",
    )
    date = models.DateField(_("日期"))
    title = models.CharField(_("做了什么"), max_length=300)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    household = models.ForeignKey(
        "orgs.Place",
        verbose_name=_("服务对象（户）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deeds",
    )
    beneficiaries = models.PositiveIntegerField(_("服务人数"), null=True, blank=True)
    team = models.ForeignKey(
        "volunteering.Team",
        verbose_name=_("服务队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deeds",
    )
    units = models.ManyToManyField(
        "orgs.ResidentUnit", verbose_name=_("参加单位"), blank=True, related_name="deeds"
    )
    commitments = models.ManyToManyField(
        "commitments.Commitment",
        verbose_name=_("践行的承诺"),
        blank=True,
        related_name="deeds",
    )
    holdings = models.ManyToManyField(
        "commitments.PostHolder",
        verbose_name=_("履行的岗位"),
        blank=True,
        related_name="deeds",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("实事与服务记录")
        verbose_name_plural = _("实事与服务记录")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["community", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.title[:30]}"

    def audit_scope_path(self) -> str:
        return self.community.path


class ParticipantQuerySet(ScopedQuerySet):
    scope_path = "deed__community__path"
    self_lookup = "member_id"


class Participant(models.Model):
    """A member who took part in a deed, with the hours they gave (when hours are counted)."""

    deed = models.ForeignKey(Deed, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        on_delete=models.PROTECT,
        related_name="deed_parts",
    )
    hours = models.DecimalField(
        _("时长（小时）"), max_digits=4, decimal_places=1, null=True, blank=True
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("参加党员")
        constraints = [
            models.UniqueConstraint(fields=["deed", "member"], name="participant_once_per_deed"),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | (Q(hours__gt=0) & Q(hours__lte=24)),
                name="participant_hours_in_a_day",
            ),
        ]
        indexes = [models.Index(fields=["member", "deed"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.hours or ''}"

    def audit_scope_path(self) -> str:
        return self.deed.community.path
