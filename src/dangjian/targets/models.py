"""Target responsibility letters — 党建工作目标责任书 (SPEC §10, seed [000]).

Each year the street, town or county party committee (the *issuer*) signs a letter with the
secretary of every community party organisation below it: a list of :class:`Target` rows. A target
is linked to an assessment indicator where one exists (its figure is then measured from the
platform's own records, never typed); an unlinked one is judged by the assessment team, with a
free list of :class:`ProgressNote` rows through the year.

A :class:`Letter` goes 草稿 → 已签订 (or → 已作废, with a reason); its targets can be changed only
while it is a draft. At most one live (not void) letter per community and year.

Access: a letter is *seen* by whoever's grant reaches its community (the community, the street
above it, the county); it is *changed* only through a changing grant on its issuer (or above).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import CHANGE, ScopedQuerySet, scope_for, subtree_q
from dangjian.core.models import Versioned


def indicator_choices() -> list[tuple[str, str]]:
    """The assessment indicators a target may be linked to (read lazily: the registry imports
    every app's selectors)."""
    from dangjian.assessment.indicators import all_indicators

    return [(i.key, i.title) for i in all_indicators()]


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SIGNED = "signed", _("已签订")
    VOIDED = "voided", _("已作废")


class LetterQuerySet(ScopedQuerySet):
    """Seen through the community; changed only through the issuer (see module docstring)."""

    scope_path = "community__path"

    def changeable_by(self, user: Any) -> LetterQuerySet:
        scope = scope_for(user)
        if scope.everything:
            return self
        q = Q(pk__in=[])
        for p in scope.paths(CHANGE):
            q |= subtree_q("issuer__path", p)
        return self.filter(q)

    def live(self) -> LetterQuerySet:
        return self.exclude(status=Status.VOIDED)


class Letter(Versioned):
    """One year's 党建工作目标责任书 between an upper organisation and a community's secretary.

    ``signer_name`` keeps the name as it stood on the signed letter, even if the office record
    is corrected later; ``signer_office`` is the office held on the day of signing.
    """

    issuer = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("发文单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    community = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("社区党组织"),
        on_delete=models.PROTECT,
        related_name="target_letters",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    issuer_signatory = models.CharField(_("发文单位签订人"), max_length=50, blank=True)
    signer_office = models.ForeignKey(
        "orgs.Office",
        verbose_name=_("社区党组织书记（任职）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("社区党组织书记"), max_length=50, blank=True)
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    voided_on = models.DateField(_("作废日期"), null=True, blank=True)
    void_reason = models.CharField(_("作废理由"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("党建工作目标责任书")
        verbose_name_plural = _("党建工作目标责任书")
        ordering = ["-year", "community__path", "-pk"]
        indexes = [
            models.Index(fields=["year", "status", "community"]),
            models.Index(fields=["issuer", "year"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year"],
                condition=~Q(status="voided"),
                name="targets_one_live_letter",
                violation_error_message=_("该社区这一年度已有目标责任书，请先作废后再起草。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_on__isnull=False, signer_name__gt=""),
                name="targets_signed_has_signer",
                violation_error_message=_("已签订的责任书须有签订日期和书记。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度 {self.community.name} 党建工作目标责任书"

    def audit_scope_path(self) -> str:
        return self.community.path

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT


class Judgement(models.TextChoices):
    PENDING = "", _("未评定")
    MET = "met", _("已达到")
    NOT_MET = "not_met", _("未达到")


class TargetQuerySet(ScopedQuerySet):
    scope_path = "letter__community__path"


class Target(Versioned):
    """One target of a letter: its text, and either a linked indicator with the percent to reach,
    or (unlinked) the assessment team's judgement."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    text = models.CharField(_("目标内容"), max_length=300)
    indicator = models.CharField(
        _("对应考核指标"), max_length=40, blank=True, choices=indicator_choices
    )
    target_percent = models.DecimalField(
        _("目标值（%）"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    judgement = models.CharField(
        _("考核评定"), max_length=8, blank=True, choices=Judgement.choices, default=""
    )
    judged_on = models.DateField(_("评定日期"), null=True, blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["letter", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(indicator="") | Q(target_percent__isnull=True),
                name="targets_value_only_when_linked",
                violation_error_message=_("只有对应考核指标的目标才填写目标值。"),
            ),
            models.CheckConstraint(
                condition=Q(target_percent__isnull=True)
                | Q(target_percent__gte=0, target_percent__lte=100),
                name="targets_percent_range",
                violation_error_message=_("目标值应在 0 到 100 之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"

    def audit_scope_path(self) -> str:
        return self.letter.community.path


class Side(models.TextChoices):
    ISSUER = "issuer", _("发文单位")
    COMMUNITY = "community", _("社区")


class NoteQuerySet(ScopedQuerySet):
    scope_path = "target__letter__community__path"


class ProgressNote(models.Model):
    """A dated line on how a target is going, written by either side. Notes are only added."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="notes")
    day = models.DateField(_("日期"))
    text = models.CharField(_("进展情况"), max_length=500)
    side = models.CharField(_("记录方"), max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("目标进展")
        verbose_name_plural = _("目标进展")
        ordering = ["target", "day", "pk"]

    def __str__(self) -> str:
        return f"{self.day} {self.text[:40]}"

    def audit_scope_path(self) -> str:
        return self.target.letter.community.path
