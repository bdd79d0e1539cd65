"""信访、民事调解 (SPEC §8, issue 16 items 3 and 6): petitions and disputes a community receives
and mediates.

* :class:`Case` — one petition (信访) or civil dispute (民事调解) of a community, about a place of
  the places tree (a household or a grid area): kind, category of dispute, when received, the
  deadline from rule ``grid.case_deadline`` (by kind), its state (受理 → 调解中 → 已了结) and
  outcome (调解成功 with the agreed terms / 未成功 / 转交 with where to);
* :class:`Party` — a 申请人 or 被申请人 with a phone kept in full but shown masked;
* :class:`Mediator` — who mediates: a user of the platform or a name (人民调解员);
* :class:`Session` — one mediation session: when, where, who mediated, what was agreed;
* :class:`FollowUp` — a follow-up visit (回访) after or during the case.

Need-to-know (:mod:`dangjian.grid.access`): the community's secretaries reach all its cases, a
grid cadre only those of their areas. No ``__str__`` here carries a party's name or the summary:
it goes into the audit's object column.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.idcard import mask_phone
from dangjian.core.models import Versioned
from dangjian.grid.access import AreaScopedQuerySet


class Kind(models.TextChoices):
    PETITION = "petition", _("信访")
    MEDIATION = "mediation", _("民事调解")


class Category(models.TextChoices):
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    FAMILY = "family", _("婚姻家庭")
    PROPERTY = "property", _("物业纠纷")
    LABOUR = "labour", _("劳资纠纷")
    DEBT = "debt", _("债务合同")
    HOUSING = "housing", _("房屋宅基地")
    DAMAGE = "damage", _("损害赔偿")
    OTHER = "other", _("其他")


class State(models.TextChoices):
    RECEIVED = "received", _("受理")
    MEDIATING = "mediating", _("调解中")
    CLOSED = "closed", _("已了结")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("调解成功")
    FAILED = "failed", _("未成功")
    REFERRED = "referred", _("转交")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")


PREFIX = {Kind.PETITION: "XF", Kind.MEDIATION: "TJ"}


class CaseQuerySet(AreaScopedQuerySet):
    scope_path = "community__path"
    place_path = "place__path"

    def open(self) -> CaseQuerySet:
        return self.exclude(state=State.CLOSED)

    def overdue(self, today: dt.date) -> CaseQuerySet:
        return self.open().filter(deadline__lt=today)


class Case(Versioned):
    """One petition or dispute (矛盾纠纷) received by a community."""

    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.PROTECT,
        related_name="mediation_cases",
    )
    place = models.ForeignKey(
        "orgs.Place",
        verbose_name=_("住户/网格"),
        on_delete=models.PROTECT,
        related_name="mediation_cases",
    )
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    category = models.CharField(_("纠纷类型"), max_length=12, choices=Category.choices)
    received_on = models.DateField(_("受理日期"))
    summary = models.TextField(_("简要情况"), max_length=1000)
    deadline = models.DateField(_("办理时限"))
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.RECEIVED
    )
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices, blank=True)
    referred_to = models.CharField(_("转交去向"), max_length=100, blank=True)
    agreement = models.TextField(_("协议内容"), max_length=2000, blank=True)
    closed_on = models.DateField(_("了结日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("信访调解案件")
        verbose_name_plural = _("信访调解案件")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["community", "state", "deadline"]),
            models.Index(fields=["received_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=F("received_on")),
                name="mediation_case_deadline_after_received",
                violation_error_message=_("办理时限不能早于受理日期。"),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("received_on")),
                name="mediation_case_closed_after_received",
                violation_error_message=_("了结日期不能早于受理日期。"),
            ),
            models.CheckConstraint(
                condition=(~Q(state="closed") & Q(outcome="") & Q(closed_on__isnull=True))
                | (Q(state="closed") & ~Q(outcome="") & Q(closed_on__isnull=False)),
                name="mediation_case_closed_has_outcome",
                violation_error_message=_("了结的案件需要有结果和了结日期。"),
            ),
        ]

    def __str__(self) -> str:
        # never a party's name or the summary: this text goes into the audit's object column
        return self.number

    @property
    def number(self) -> str:
        """XF2026-00012 (信访) / TJ2026-00012 (调解): year received and id, nothing personal."""
        return f"{PREFIX.get(self.kind, 'AJ')}{self.received_on:%Y}-{self.pk or 0:05d}"

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.deadline < today

    def audit_scope_path(self) -> str:
        return self.community.path


class PartyQuerySet(AreaScopedQuerySet):
    scope_path = "case__community__path"
    place_path = "case__place__path"


class Party(Versioned):
    """A 申请人 or 被申请人 of a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("身份"), max_length=12, choices=PartyRole.choices)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["case", "role", "pk"]

    def __str__(self) -> str:
        return f"当事人 {self.case_id}#{self.pk}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def audit_scope_path(self) -> str:
        return self.case.community.path


class MediatorQuerySet(AreaScopedQuerySet):
    scope_path = "case__community__path"
    place_path = "case__place__path"


class Mediator(models.Model):
    """Who mediates a case: a user of the platform, or a name (a 人民调解员 without an account)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mediations",
    )
    name = models.CharField(_("调解员"), max_length=50)

    objects = MediatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")
        ordering = ["case", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "name"],
                name="mediator_once_per_case",
                violation_error_message=_("这位调解员已在本案中。"),
            )
        ]

    def __str__(self) -> str:
        return f"调解员 {self.case_id}#{self.pk}"

    def audit_scope_path(self) -> str:
        return self.case.community.path


class SessionQuerySet(AreaScopedQuerySet):
    scope_path = "case__community__path"
    place_path = "case__place__path"


class Session(Versioned):
    """One mediation session (调解): when, where, who mediated, what was agreed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("调解日期"))
    venue = models.CharField(_("调解地点"), max_length=100, blank=True)
    mediators = models.ManyToManyField(
        Mediator, verbose_name=_("调解员"), blank=True, related_name="sessions"
    )
    agreed = models.TextField(_("达成的内容"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["case", "held_on", "pk"]

    def __str__(self) -> str:
        return f"调解 {self.case_id} {self.held_on}"

    def audit_scope_path(self) -> str:
        return self.case.community.path


class FollowUpQuerySet(AreaScopedQuerySet):
    scope_path = "case__community__path"
    place_path = "case__place__path"


class FollowUp(Versioned):
    """A follow-up visit (回访) of a case: when, by whom, what was found."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    visited_on = models.DateField(_("回访日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_name = models.CharField(_("回访人"), max_length=50)
    note = models.TextField(_("回访情况"), max_length=1000)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")
        ordering = ["case", "visited_on", "pk"]

    def __str__(self) -> str:
        return f"回访 {self.case_id} {self.visited_on}"

    def audit_scope_path(self) -> str:
        return self.case.community.path
