"""Heart-to-heart talks (谈心谈话, rule ``meeting.heart_talk``, 支部工作条例 第十八条).

One row per talk: who of the branch committee talked (their :class:`~dangjian.orgs.models.Office`,
the one record of the post they hold), with which member, when, and a short note. The cadence —
which members nobody talked with this period — is derived in ``selectors/talks.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ScopedQuerySet
from dangjian.core.models import Versioned


class HeartTalkQuerySet(ScopedQuerySet):
    # Need-to-know: secretaries holding a grant on the branch (or above) and the member talked
    # with. No ``member_org_lookup``: other members of the branch see nothing of it.
    scope_path = "org__path"
    self_lookup = "member_id"


class HeartTalk(Versioned):
    """One talk between a member of the branch committee (or its secretary) and a member."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所在支部"),
        on_delete=models.PROTECT,
        related_name="heart_talks",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("谈话对象"),
        on_delete=models.CASCADE,
        related_name="heart_talks",
    )
    talker = models.ForeignKey(
        "orgs.Office",
        verbose_name=_("谈话人（支部委员）"),
        on_delete=models.PROTECT,
        related_name="heart_talks",
    )
    date = models.DateField(_("谈话日期"))
    note = models.CharField(_("谈话要点"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = HeartTalkQuerySet.as_manager()

    class Meta:
        verbose_name = _("谈心谈话")
        verbose_name_plural = _("谈心谈话")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["member", "date"]), models.Index(fields=["org", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.member}"

    def audit_scope_path(self) -> str:
        return self.org.path
