"""What the awards record of their own (SPEC §10, seed [001]): the decisions on star-rated model
communities (星级社区党建示范点), the rounds of the outstanding-party-worker selection
(两年评选优秀党务工作者) and their nominations with the decision on each.

Everything else shown beside them is derived: a proposal's stars come from the community's
scorecard (``assessment.scoring``) and the rule ``assess.model_community``; the record behind a
nominee is counted from meetings, deeds, training, commitments and offices (``awards.record``).
A decision keeps what the proposal was when it was made (``proposed_stars``/``proposed_total``),
so a later change of the records does not rewrite history.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import VIEW, ScopedQuerySet, ancestor_paths, scope_for, subtree_q
from dangjian.core.models import Versioned


class ModelCommunityDecisionQuerySet(ScopedQuerySet):
    scope_path = "community__path"


class ModelCommunityDecision(Versioned):
    """The street's (town's, county's) decision on one community's model-community stars."""

    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.PROTECT,
        related_name="model_decisions",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    proposed_stars = models.PositiveSmallIntegerField(
        _("建议星级"), null=True, blank=True, validators=[MaxValueValidator(5)]
    )
    proposed_total = models.DecimalField(
        _("决定时的总分"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    decided_stars = models.PositiveSmallIntegerField(
        _("决定星级"), validators=[MaxValueValidator(5)], help_text=_("0 表示不评为示范点。")
    )
    reason = models.CharField(_("与建议不同的理由"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"))

    objects = ModelCommunityDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("示范点决定")
        verbose_name_plural = _("示范点决定")
        ordering = ["-year", "community__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year"], name="awards_model_decision_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(decided_stars__lte=5), name="awards_model_decision_stars_0_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.community_id} {self.decided_stars}★"

    def audit_scope_path(self) -> str:
        return self.community.path

    @property
    def overridden(self) -> bool:
        return self.proposed_stars != self.decided_stars


class RoundQuerySet(ScopedQuerySet):
    """A round is seen by everyone whose grant lies under its organisation (the communities
    that nominate) or above it."""

    scope_path = "org__path"

    def _restrict(self, user: Any, action: str) -> ScopedQuerySet:
        scope = scope_for(user)
        if scope.everything:
            return self
        q = Q(pk__in=[])
        for p in scope.paths(action):
            q |= subtree_q("org__path", p)
            if action == VIEW:
                q |= Q(org__path__in=ancestor_paths(p))
        return self.filter(q)


class Round(Versioned):
    """One selection of outstanding party workers by an upper organisation."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("评选组织"),
        on_delete=models.PROTECT,
        related_name="award_rounds",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=100)
    nominate_by = models.DateField(_("推荐截止日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("优秀党务工作者评选")
        verbose_name_plural = _("优秀党务工作者评选")
        ordering = ["-year", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="awards_round_once_a_year")
        ]

    def __str__(self) -> str:
        return self.title

    def audit_scope_path(self) -> str:
        return self.org.path


class Outcome(models.TextChoices):
    PENDING = "pending", _("待决定")
    CHOSEN = "chosen", _("评为优秀")
    NOT_CHOSEN = "not_chosen", _("未评上")


class NominationQuerySet(ScopedQuerySet):
    scope_path = "community__path"


class Nomination(Versioned):
    """A community's nominee in a round: a party member and/or a community worker."""

    round = models.ForeignKey(
        Round, verbose_name=_("评选"), on_delete=models.CASCADE, related_name="nominations"
    )
    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("推荐社区"),
        on_delete=models.PROTECT,
        related_name="award_nominations",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award_nominations",
    )
    staff = models.ForeignKey(
        "staff.Staff",
        verbose_name=_("社区工作者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award_nominations",
    )
    citation = models.TextField(_("推荐理由（主要事迹）"))
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推荐人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(
        _("评选结果"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )
    decision_reason = models.CharField(_("决定理由"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("优秀党务工作者推荐")
        verbose_name_plural = _("优秀党务工作者推荐")
        ordering = ["round", "community__path", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False) | Q(staff__isnull=False),
                name="awards_nomination_names_someone",
                violation_error_message=_("请选择被推荐的党员或社区工作者。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.nominee_name}"

    def audit_scope_path(self) -> str:
        return self.community.path

    @property
    def nominee_name(self) -> str:
        if self.member_id:
            return self.member.name
        return self.staff.name if self.staff_id else ""
