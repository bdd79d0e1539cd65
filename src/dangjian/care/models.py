"""关爱帮扶 (SPEC §2, seed 002 "五是"): elderly, weak and poor members (年老体弱和生活困难党员)
get holiday visits (节假日慰问), study materials taken to their home (送学) and mutual-aid fund
payments (党员互助金) weighted toward members in difficulty with a development project.

A :class:`Recipient` is a member on the care list, a :class:`Visit` one visit to their home
(recorded once, where it happened: every ledger is read from these rows), an :class:`AidRound`
one distribution of the mutual-aid fund with its :class:`AidGrant` rows."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class RecipientQuerySet(ScopedQuerySet):
    scope_path = "member__org__path"
    self_lookup = "member_id"

    def current(self) -> RecipientQuerySet:
        return self.filter(ended_on__isnull=True)


class Recipient(Versioned):
    """A member the community looks after, and why."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("党员"),
        on_delete=models.CASCADE,
        related_name="care_records",
    )
    elderly = models.BooleanField(_("年老"), default=False)
    weak = models.BooleanField(_("体弱多病"), default=False)
    hardship = models.BooleanField(_("生活困难"), default=False)
    has_project = models.BooleanField(
        _("有发展项目"),
        default=False,
        help_text=_("互助金重点向有发展项目的困难党员倾斜。"),
    )
    project = models.CharField(_("发展项目"), max_length=100, blank=True)
    situation = models.CharField(_("基本情况"), max_length=300, blank=True)
    since = models.DateField(_("列入日期"))
    ended_on = models.DateField(_("移出日期"), null=True, blank=True)
    end_reason = models.CharField(_("移出原因"), max_length=100, blank=True)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("关爱对象")
        verbose_name_plural = _("关爱对象")
        ordering = ["member__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(ended_on__isnull=True),
                name="care_one_current_record",
            )
        ]

    def __str__(self) -> str:
        return str(self.member)

    def audit_scope_path(self) -> str:
        return self.member.org.path

    @property
    def reasons(self) -> list[str]:
        return [
            str(label)
            for flag, label in (
                (self.elderly, _("年老")),
                (self.weak, _("体弱多病")),
                (self.hardship, _("生活困难")),
            )
            if flag
        ]


class VisitKind(models.TextChoices):
    HOLIDAY = "holiday", _("节日慰问")
    STUDY = "study", _("送学上门")
    OTHER = "other", _("走访看望")


class Holiday(models.TextChoices):
    """The public holidays of the rule ``care.holiday_visit`` (keys of its ``holidays`` list)."""

    NEW_YEAR = "new_year", _("元旦")
    SPRING_FESTIVAL = "spring_festival", _("春节")
    TOMB_SWEEPING = "tomb_sweeping", _("清明节")
    LABOUR_DAY = "labour_day", _("劳动节")
    DRAGON_BOAT = "dragon_boat", _("端午节")
    MID_AUTUMN = "mid_autumn", _("中秋节")
    NATIONAL_DAY = "national_day", _("国庆节")


class VisitQuerySet(ScopedQuerySet):
    scope_path = "recipient__member__org__path"
    self_lookup = "recipient__member_id"


class Visit(models.Model):
    """One visit to a member's home. Rows are only added (a wrong one is withdrawn, audited)."""

    recipient = models.ForeignKey(
        Recipient, verbose_name=_("关爱对象"), on_delete=models.CASCADE, related_name="visits"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=VisitKind.choices)
    date = models.DateField(_("日期"))
    #: for holiday visits: which holiday, and the first day of its break (so 春节 2027 ≠ 2028)
    holiday = models.CharField(_("节日"), max_length=20, choices=Holiday.choices, blank=True)
    holiday_on = models.DateField(_("节日放假首日"), null=True, blank=True)
    visitors = models.CharField(_("走访人"), max_length=100)
    materials = models.CharField(_("送学内容"), max_length=300, blank=True)
    gift = models.CharField(_("慰问品"), max_length=100, blank=True)
    money = models.DecimalField(
        _("慰问金（元）"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    notes = models.CharField(_("了解的情况和诉求"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("慰问送学记录")
        verbose_name_plural = _("慰问送学记录")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["recipient", "kind", "date"]),
            models.Index(fields=["holiday", "holiday_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def audit_scope_path(self) -> str:
        return self.recipient.member.org.path

    @property
    def occasion(self) -> str:
        if self.kind == VisitKind.HOLIDAY and self.holiday:
            return f"{self.holiday_on:%Y}年{self.get_holiday_display()}"
        return str(self.get_kind_display())


class AidRoundQuerySet(ScopedQuerySet):
    scope_path = "org__path"


class AidState(models.TextChoices):
    DRAFT = "draft", _("拟定中")
    PAID = "paid", _("已发放")


class AidRound(Versioned):
    """One distribution of the mutual-aid fund by a community: the sum, who gets how much."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("社区党组织"), on_delete=models.PROTECT
    )
    title = models.CharField(_("名称"), max_length=100)
    fund = models.DecimalField(
        _("本次分配总额（元）"),
        max_digits=11,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    #: the weights the proposal was computed with (the rule's numbers at the time)
    project_weight = models.PositiveSmallIntegerField(_("有发展项目每人份数"))
    difficulty_weight = models.PositiveSmallIntegerField(_("其他困难党员每人份数"))
    state = models.CharField(
        _("状态"), max_length=10, choices=AidState.choices, default=AidState.DRAFT
    )
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("拟定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AidRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("互助金发放")
        verbose_name_plural = _("互助金发放")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_scope_path(self) -> str:
        return self.org.path


class AidGrantQuerySet(ScopedQuerySet):
    scope_path = "round__org__path"
    self_lookup = "recipient__member_id"


class AidGrant(models.Model):
    """One member's share of a round: the shares the rule gives, the amount proposed from them,
    and the amount paid (changed only with a reason)."""

    round = models.ForeignKey(
        AidRound, verbose_name=_("互助金发放"), on_delete=models.CASCADE, related_name="grants"
    )
    recipient = models.ForeignKey(
        Recipient, verbose_name=_("关爱对象"), on_delete=models.PROTECT, related_name="grants"
    )
    shares = models.PositiveSmallIntegerField(_("份数"))
    proposed = models.DecimalField(_("按份数测算（元）"), max_digits=11, decimal_places=2)
    amount = models.DecimalField(
        _("发放金额（元）"),
        max_digits=11,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    adjust_reason = models.CharField(_("调整理由"), max_length=200, blank=True)

    objects = AidGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("互助金发放明细")
        verbose_name_plural = _("互助金发放明细")
        ordering = ["round", "-shares", "recipient__member__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "recipient"], name="care_one_grant_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.amount}"

    def audit_scope_path(self) -> str:
        return self.round.org.path
