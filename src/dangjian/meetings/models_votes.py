"""Votes of a branch general meeting (党员大会表决, rule ``meeting.general_vote``).

A vote is recorded only on a meeting that had a quorum; the numbers it was judged against (full
members due to attend, present) are kept on the row, so a later correction of the register does
not silently change a past result. A count entered by mistake is withdrawn (``voided_at``, with a
reason and who), never deleted; a withdrawn vote is not a result of the meeting.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


def fraction_text(fraction: float) -> str:
    """0.5 → 半数, 2/3 → 三分之二, otherwise a percentage."""
    if abs(fraction - 0.5) < 1e-9:
        return gettext("半数")
    if abs(fraction - 2 / 3) < 1e-9:
        return gettext("三分之二")
    return f"{fraction:.0%}"


class VoteQuerySet(ScopedQuerySet):
    scope_path = "meeting__org__path"
    member_org_lookup = "meeting__org__path"

    def standing(self) -> VoteQuerySet:
        """Votes not withdrawn: the results of the meeting."""
        return self.filter(voided_at__isnull=True)


class Vote(Versioned):
    """One motion put to the vote at a branch general meeting, and its count."""

    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("会议"), on_delete=models.CASCADE, related_name="votes"
    )
    motion = models.CharField(_("表决事项"), max_length=200)
    yes = models.PositiveIntegerField(_("赞成"))
    no = models.PositiveIntegerField(_("反对"))
    abstain = models.PositiveIntegerField(_("弃权"))
    expected = models.PositiveIntegerField(_("应到会有表决权党员"))
    present = models.PositiveIntegerField(_("实到会有表决权党员"))
    fraction = models.FloatField(_("通过比例（超过）"))
    passed = models.BooleanField(_("通过"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A count entered by mistake is withdrawn, never deleted: the row stays, with why and who.
    voided_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    void_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = _("表决")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.motion

    def audit_scope_path(self) -> str:
        return self.meeting.org.path

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    @property
    def needed(self) -> int:
        """The fewest yes votes that are *more than* the fraction of those due to attend."""
        return int(self.expected * self.fraction) + 1

    @property
    def fraction_label(self) -> str:
        return fraction_text(self.fraction)
