"""党员承诺“六诺” (SPEC §6, seed [002]): 申诺 → 议诺 → 审诺 → 示诺 → 践诺 → 评诺.

A :class:`Commitment` moves through its states only by its ``@transition`` methods (django-fsm-2),
each allowed from exactly the state before it, so no step can be skipped; the returns (退回修改)
go back to the draft with a reason. Every step taken is a :class:`Step` row, added and never
changed: who, when, from which state to which, the reason or the meeting. What the member did
during the year (践诺) is ``commitment.deeds``: deeds of :mod:`dangjian.deeds` the member took
part in, picked from those already recorded or recorded there once — never a second copy.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from dangjian.core.access import VIEW, ScopedQuerySet, scope_for
from dangjian.core.models import Versioned

from . import workflow as who


class Kind(models.TextChoices):
    POST = "post", _("岗位承诺")
    DEED = "deed", _("实事承诺")


class State(models.TextChoices):
    DRAFT = "draft", _("申诺（草稿）")
    APPLIED = "applied", _("待支部议诺")
    DELIBERATED = "deliberated", _("待上级审诺")
    APPROVED = "approved", _("待公开示诺")
    PUBLISHED = "published", _("践诺中")
    EVALUATING = "evaluating", _("评诺中")
    EVALUATED = "evaluated", _("已评诺")


#: The states in which the commitment is shown on the community's public board.
PUBLIC_STATES = (State.PUBLISHED, State.EVALUATING, State.EVALUATED)


class CommitmentQuerySet(ScopedQuerySet):
    """Secretaries see their subtree's commitments and a member their own; a member also sees
    their branch's commitments once they are on public display (to rate a fellow member's)."""

    scope_path = "org__path"
    self_lookup = "member_id"

    def _restrict(self, user, action):  # noqa: ANN001, ANN202 - see ScopedQuerySet
        base = super()._restrict(user, action)
        scope = scope_for(user)
        if action != VIEW or scope.everything or not scope.member_org_path:
            return base
        return base | self.filter(org__path=scope.member_org_path, state__in=PUBLIC_STATES)


class Commitment(Versioned):
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在支部"),
        on_delete=models.PROTECT,
        related_name="commitments",
        help_text=_("议诺的支部：党员所在支部。"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("承诺类型"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("承诺事项"), max_length=100)
    content = models.TextField(_("承诺内容"))
    measures = models.TextField(_("践诺措施"), blank=True)
    state = FSMField(_("所处环节"), max_length=16, choices=State.choices, default=State.DRAFT)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("议诺会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments_deliberated",
    )
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    published_on = models.DateField(_("公开示诺日期"), null=True, blank=True)
    score = models.DecimalField(
        _("综合得分"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    grade = models.CharField(_("评定等次"), max_length=8, blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员承诺")
        verbose_name_plural = _("党员承诺")
        ordering = ["-year", "org__path", "member__name", "pk"]
        indexes = [models.Index(fields=["org", "year", "state"])]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    def audit_scope_path(self) -> str:
        return self.org.path

    # ---- the six steps (bodies set what the step records; services save and log) ----------
    @transition(
        state, source=State.DRAFT, target=State.APPLIED, permission=who.is_the_member_or_proxy
    )
    def apply(self) -> None:
        """党员申诺."""
        self.return_reason = ""

    @transition(state, source=State.APPLIED, target=State.DELIBERATED, permission=who.is_the_branch)
    def deliberate(self, *, meeting) -> None:  # noqa: ANN001 - a Meeting
        """集体议诺, in a meeting of the branch."""
        self.meeting = meeting

    @transition(state, source=State.APPLIED, target=State.DRAFT, permission=who.is_the_branch)
    def return_from_deliberation(self, *, reason: str) -> None:
        """支部议诺未通过，退回修改."""
        self.return_reason = reason

    @transition(
        state,
        source=State.DELIBERATED,
        target=State.APPROVED,
        permission=who.is_the_higher_organisation,
    )
    def approve(self) -> None:
        """上级审诺."""

    @transition(
        state,
        source=State.DELIBERATED,
        target=State.DRAFT,
        permission=who.is_the_higher_organisation,
    )
    def return_from_review(self, *, reason: str) -> None:
        """上级审诺未通过，退回修改."""
        self.return_reason = reason
        self.meeting = None

    @transition(state, source=State.APPROVED, target=State.PUBLISHED, permission=who.is_the_system)
    def publish(self, *, on) -> None:  # noqa: ANN001 - a date
        """公开示诺 — by the system, on approval."""
        self.published_on = on

    @transition(
        state, source=State.PUBLISHED, target=State.EVALUATING, permission=who.is_the_branch
    )
    def open_evaluation(self) -> None:
        """践诺期满，支部组织分层评诺."""

    @transition(
        state, source=State.EVALUATING, target=State.EVALUATED, permission=who.is_the_branch
    )
    def conclude(self, *, score, grade: str) -> None:  # noqa: ANN001 - a Decimal
        """评定等次."""
        self.score = score
        self.grade = grade


class StepQuerySet(ScopedQuerySet):
    scope_path = "commitment__org__path"
    self_lookup = "commitment__member_id"


class Step(models.Model):
    """One step taken: the commitment's history, never changed."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("环节"), max_length=32)
    from_state = models.CharField(_("原环节"), max_length=16, choices=State.choices)
    to_state = models.CharField(_("新环节"), max_length=16, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    on = models.DateField(_("日期"))
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = StepQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.on} {self.action}"

    def audit_scope_path(self) -> str:
        return self.commitment.org.path


class Tier(models.TextChoices):
    SELF = "self", _("本人自评")
    PEER = "peer", _("党员互评")
    RESIDENT = "resident", _("居民评议")
    ORG = "org", _("组织评定")


class RatingQuerySet(ScopedQuerySet):
    scope_path = "commitment__org__path"
    self_lookup = "commitment__member_id"


class Rating(models.Model):
    """One rating of a commitment out of 100. One per member and tier (self, fellow member),
    one per resident (identified by a keyed hash of their phone number — never the number),
    one by the organisation. A voided (作废) resident rating is kept but not counted."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="ratings")
    tier = models.CharField(_("评价层级"), max_length=8, choices=Tier.choices)
    score = models.PositiveSmallIntegerField(_("分数"))
    comment = models.CharField(_("评语"), max_length=300, blank=True)
    rater_member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rater_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resident_key = models.CharField(max_length=64, blank=True, editable=False)
    #: where a resident's rating came from: a keyed hash of the client's address (never the
    #: address), so the per-address limits are counted in the database, across processes
    resident_addr = models.CharField(max_length=64, blank=True, editable=False)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    # 作废: a rating the community judged to be stuffing is kept (with who, when and why) but no
    # longer counts; the resident's row stays, so they cannot rate the commitment again
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["tier", "at", "pk"]
        indexes = [models.Index(fields=["resident_addr", "at"], name="rating_addr_at")]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=100), name="rating_at_most_100"),
            models.UniqueConstraint(
                fields=["commitment", "tier", "rater_member"],
                condition=models.Q(tier__in=["self", "peer"]),
                name="rating_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["commitment", "resident_key"],
                condition=models.Q(tier="resident"),
                name="rating_once_per_resident",
            ),
            models.UniqueConstraint(
                fields=["commitment"], condition=models.Q(tier="org"), name="rating_once_by_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} {self.score}"

    def audit_scope_path(self) -> str:
        return self.commitment.org.path


from .models_board import PublicBoard, UsedChallenge  # noqa: E402, F401
from .models_posts import Post, PostHolder, PostKind  # noqa: E402, F401
