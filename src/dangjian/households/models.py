"""困难家庭台帐 (SPEC §7, issue 15 item 2): the households in difficulty of a community, kept on
the places tree.

One :class:`Difficulty` row is one kind of difficulty of one household (低保, 残疾, 空巢老人 …)
from ``since`` until ``until``; a household with two kinds has two rows, and ending one (setting
``until``) keeps it in the household's history. Who helps the household is not kept here: the
pairings are ``checkin.Pairing`` (one kind of pairing, issue 14) and the help given is
``deeds.Deed`` with the household — each fact in one place.

Need-to-know: the register is visible only to those who may change the community (its
secretaries and the levels above with a changing grant) — a viewer or a member sees nothing of it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import CHANGE, ScopedQuerySet
from dangjian.core.models import Versioned


class Kind(models.TextChoices):
    DIBAO = "dibao", _("低保")
    DISABLED = "disabled", _("残疾")
    EMPTY_NEST = "empty_nest", _("空巢老人")
    ALONE = "alone", _("独居老人")
    LEFT_BEHIND = "left_behind", _("留守儿童")
    UNEMPLOYED = "unemployed", _("失业")
    ILLNESS = "illness", _("重病")
    OTHER = "other", _("其他")


class DifficultyQuerySet(ScopedQuerySet):
    """Need-to-know: reading the register takes the same grant as changing it."""

    scope_path = "household__community__path"

    def _restrict(self, user: Any, action: str) -> ScopedQuerySet:
        return super()._restrict(user, CHANGE)


class Difficulty(Versioned):
    """One kind of difficulty of one household on the places tree, for a period."""

    household = models.ForeignKey(
        "orgs.Place",
        verbose_name=_("住户"),
        on_delete=models.PROTECT,
        related_name="difficulties",
    )
    kind = models.CharField(_("困难类别"), max_length=16, choices=Kind.choices)
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("情况说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DifficultyQuerySet.as_manager()

    class Meta:
        verbose_name = _("困难家庭登记")
        verbose_name_plural = _("困难家庭登记")
        ordering = ["household__path", "kind", "-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=Q(until__isnull=True),
                name="difficulty_one_open_per_kind",
                violation_error_message=_("这户已登记了这一类困难。"),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="difficulty_ends_after_it_starts",
                violation_error_message=_("结束日期不能早于起始日期。"),
            ),
        ]
        indexes = [models.Index(fields=["household", "until"])]

    def __str__(self) -> str:
        # never the kind or the note: this text goes into the audit's object column and lists
        return f"{self.household_id}#{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.until is None

    def audit_scope_path(self) -> str:
        return self.household.community.path
