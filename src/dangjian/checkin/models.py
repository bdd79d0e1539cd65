"""在职党员到社区报到 (SPEC §2, seeds [002], [003]): an in-service member checks in to the
community where they live; the community gives them a post or service; the households in
difficulty they pair with are recorded here (their deeds are ``deeds.Deed``).

Seen by the community checked in to and by the member's own organisation (the employer's party
branch) — two subtrees — and by the member themself.
"""

from __future__ import annotations

from typing import Any

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
    """A member checked in to a community. What they do there is not kept here: their deeds
    are the deeds they took part in (``deeds.Deed``) in that community while checked in, their
    post is the post they hold there (``commitments.PostHolder``), their employer is on their
    member record — each fact in one place (issue 14)."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="checkins"
    )
    community = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("报到社区"), on_delete=models.PROTECT, related_name="+"
    )
    checked_in_on = models.DateField(_("报到日期"))
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

    # Read from the member's record (select_related ``CHECKIN_RELATED`` in lists).
    @property
    def employer(self) -> str:
        return self.member.employer_label

    @property
    def employer_party_org(self) -> str:
        return self.member.employer_party_org_label


#: What a check-in row shows, for ``select_related``.
CHECKIN_RELATED = ("member__org", "member__employer_unit__party_org", "community")


class ChildQuerySet(CheckInQuerySet):
    scope_path = "checkin__community__path"
    self_lookup = "checkin__member_id"
    prefix = "checkin__"


class Pairing(models.Model):
    """一对一帮扶: a household in difficulty the member helps — a household on the community's
    places tree; ``household_note`` names one not yet on the tree (no personal data of the
    family is kept here)."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="pairings")
    household = models.ForeignKey(
        "orgs.Place",
        verbose_name=_("帮扶对象（户）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    household_note = models.CharField(_("帮扶对象（未登记的户）"), max_length=100, blank=True)
    since = models.DateField(_("结对日期"))
    until = models.DateField(_("结束日期"), null=True, blank=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对帮扶")
        ordering = ["-since", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | ~Q(household_note=""),
                name="pairing_names_a_household",
                violation_error_message=_("请选择结对帮扶的住户。"),
            )
        ]

    def __str__(self) -> str:
        return self.household_label

    @property
    def household_label(self) -> str:
        """The household on the places tree, else the text (select_related ``household``)."""
        return self.household.name if self.household_id else self.household_note

    def audit_scope_path(self) -> str:
        return self.checkin.community.path
