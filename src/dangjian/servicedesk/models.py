"""便民服务工单 (SPEC §7, seed [002] “全程为民代办”): one record per resident's request.

A :class:`Request` is received once — at the service hall, on the hotline, from the 心声站 box,
on the public page, during a grid visit or from a member — and followed to its end through an
explicit workflow (see :mod:`.workflow`). Every step taken is a :class:`Step` row, added and never
changed. 全程代办 errands keep the documents taken in and handed back (:class:`ErrandDocument`).
What a member did to close a request is recorded once as a deed of :mod:`dangjian.deeds`
(``Request.deed``), so it counts in their check-in year and duty log without being typed again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import VIEW, ScopedQuerySet, scope_for, subtree_q
from dangjian.core.idcard import mask_phone
from dangjian.core.models import Versioned


class Channel(models.TextChoices):
    HALL = "hall", _("全程代办大厅")
    HOTLINE = "hotline", _("服务热线")
    VOICE = "voice", _("心声站")
    PUBLIC = "public", _("公开页面/二维码")
    GRID = "grid", _("网格走访")
    MEMBER = "member", _("党员反映")


class Category(models.TextChoices):
    HOUSEKEEPING = "housekeeping", _("家政")
    PROPERTY = "property", _("物业")
    CARE = "care", _("养老托幼")
    HEALTH = "health", _("医疗保健")
    REPAIR = "repair", _("日常维修")
    DIBAO = "dibao", _("低保")
    SOCIAL = "social", _("社保")
    JOBS = "jobs", _("就业")
    DISPUTE = "dispute", _("纠纷")
    OTHER = "other", _("其他")


#: a category is a key of rule ``service.request_deadline``: a built-in :class:`Category` value
#: or a locality's own key, which is its own label (see :mod:`.categories`)
CATEGORY_MAX_LENGTH = 20


def category_label(key: str) -> str:
    """The Chinese label of a stored category, built-in or local."""
    try:
        return str(Category(key).label)
    except ValueError:
        return key


class State(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ASSIGNED = "assigned", _("已分派")
    IN_PROGRESS = "in_progress", _("办理中")
    DONE = "done", _("已办结")
    VISITED = "visited", _("已回访")
    CLOSED = "closed", _("已评价")
    TRANSFERRED = "transferred", _("已转办")


#: still being worked on: these count as overdue once past their deadline
OPEN_STATES = (State.RECEIVED, State.ASSIGNED, State.IN_PROGRESS)


class RequestQuerySet(ScopedQuerySet):
    """A request belongs to its community; a handler outside it (a member of another branch, a
    staff member of the street) sees only what was assigned to them."""

    scope_path = "community__path"

    def _restrict(self, user: Any, action: str) -> ScopedQuerySet:
        scope = scope_for(user)
        if scope.everything:
            return self
        q = Q(pk__in=[])
        for p in scope.paths(action):
            q |= subtree_q("community__path", p)
        if action == VIEW and getattr(user, "is_authenticated", False):
            q |= Q(assigned_user=user)
            if scope.member_id:
                q |= Q(assigned_member_id=scope.member_id)
        return self.filter(q)


class Request(Versioned):
    """One resident's request, from receipt to the resident's rating."""

    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    channel = models.CharField(_("受理渠道"), max_length=12, choices=Channel.choices)
    #: not a fixed list: the community's categories come from the rules table (see .categories)
    category = models.CharField(_("服务类别"), max_length=CATEGORY_MAX_LENGTH)
    household = models.ForeignKey(
        "orgs.Place",
        verbose_name=_("住户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
    )
    resident_name = models.CharField(_("居民姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    content = models.TextField(_("诉求内容"))
    is_errand = models.BooleanField(_("全程代办"), default=False)
    received_on = models.DateField(_("受理日期"))
    deadline = models.DateField(_("办理时限"))
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.RECEIVED
    )
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人（工作人员）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    assigned_member = models.ForeignKey(
        "members.Member",
        verbose_name=_("承办党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    assigned_unit = models.ForeignKey(
        "orgs.ResidentUnit",
        verbose_name=_("承办驻区单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    department = models.CharField(_("转办部门"), max_length=100, blank=True)
    result = models.CharField(_("办理结果"), max_length=500, blank=True)
    done_on = models.DateField(_("办结日期"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    satisfaction_note = models.CharField(_("评价意见"), max_length=300, blank=True)
    rated_by_resident = models.BooleanField(_("居民自评"), default=False)
    deed = models.OneToOneField(
        "deeds.Deed",
        verbose_name=_("实事记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_request",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("便民服务工单")
        verbose_name_plural = _("便民服务工单")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["community", "state", "deadline"]),
            models.Index(fields=["community", "received_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | (Q(satisfaction__gte=1) & Q(satisfaction__lte=5)),
                name="servicedesk_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("received_on")),
                name="servicedesk_deadline_after_receipt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_category_display()}"

    def get_category_display(self) -> str:
        return category_label(self.category)

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    @property
    def number(self) -> str:
        """The number printed on the receipt: year and id, nothing personal."""
        return f"FW{self.received_on:%Y}-{self.pk:05d}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def assignee_label(self) -> str:
        if self.assigned_member_id:
            return str(self.assigned_member.name)
        if self.assigned_unit_id:
            return str(self.assigned_unit.name)
        if self.assigned_user_id:
            u = self.assigned_user
            return u.get_full_name() or u.get_username()
        return ""

    def audit_scope_path(self) -> str:
        return self.community.path


class StepQuerySet(ScopedQuerySet):
    scope_path = "request__community__path"


class Step(models.Model):
    """One step taken on a request: who, when, from which state to which, and why."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("环节"), max_length=12)
    from_state = models.CharField(_("原状态"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_label = models.CharField(_("操作人说明"), max_length=50, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.CharField(_("说明"), max_length=500, blank=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单环节")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"

    def audit_scope_path(self) -> str:
        return self.request.community.path


class ErrandDocumentQuerySet(ScopedQuerySet):
    scope_path = "request__community__path"


class ErrandDocument(models.Model):
    """全程代办: one document taken in from the resident and, later, handed back."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("材料名称"), max_length=100)
    office = models.CharField(_("代办部门"), max_length=100, blank=True)
    taken_in_on = models.DateField(_("收取日期"))
    handed_back_on = models.DateField(_("交还日期"), null=True, blank=True)

    objects = ErrandDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("代办材料")
        ordering = ["taken_in_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(handed_back_on__isnull=True)
                | Q(handed_back_on__gte=models.F("taken_in_on")),
                name="servicedesk_document_back_after_in",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.request.community.path


class UsedRatingLink(models.Model):
    """A resident's rating link once used: its hash, so it cannot be used again."""

    token_hash = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("已用评价链接")

    def __str__(self) -> str:
        return self.token_hash[:8]
