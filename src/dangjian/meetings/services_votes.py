"""Writes of votes at a branch general meeting (党员大会表决, rule ``meeting.general_vote``,
支部工作条例 第十一条): refused without a quorum; passed only when the yes votes are *more than*
``approve_fraction`` of the full members due to attend (probationary members have no vote).
A count entered by mistake is withdrawn with a reason (``vote_void``), never deleted."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import rules
from dangjian.core.forms import too_long
from dangjian.core.services import audited_create, audited_update, user_or_none

from .models import Meeting, MeetingKind
from .models_votes import Vote, fraction_text
from .selectors.meetings import quorum_of


@transaction.atomic
def vote_record(
    *,
    meeting: Meeting,
    motion: str,
    yes: int,
    no: int,
    abstain: int,
    acting_user: Any,
) -> Vote:
    """Record one motion's count on a branch general meeting whose attendance is taken and
    which had a quorum; the result and the numbers it was judged against are kept (audited)."""
    meeting = Meeting.objects.select_for_update().select_related("org").get(pk=meeting.pk)
    if getattr(acting_user, "is_authenticated", False) and not (
        Meeting.objects.changeable_by(acting_user).filter(pk=meeting.pk).exists()
    ):
        raise ValidationError(_("这次会议不在您的管理范围内。"))
    if meeting.kind != MeetingKind.BRANCH_GENERAL:
        raise ValidationError(_("只有支部党员大会才进行表决。"))
    if meeting.cancelled:
        raise ValidationError(_("会议已取消，不能登记表决。"))
    motion = (motion or "").strip()
    errors: dict[str, str] = {}
    if not motion:
        errors["motion"] = _("请填写表决事项。")
    for name, n in (("yes", yes), ("no", no), ("abstain", abstain)):
        if n is None or n < 0:
            errors[name] = _("票数不能为负数。")
    if errors:
        raise ValidationError(errors)
    quorum = quorum_of(meeting)
    assert quorum is not None
    if not quorum.recorded:
        raise ValidationError(_("请先登记这次会议的考勤，才能判断到会人数是否符合表决要求。"))
    if not quorum.ok:
        raise ValidationError(
            _(
                "有表决权的正式党员应到 %(e)d 人，实到 %(p)d 人，未超过应到人数的%(f)s"
                "（至少需要 %(n)d 人），会议不能进行表决。"
            )
            % {
                "e": quorum.expected,
                "p": quorum.present,
                "f": fraction_text(quorum.fraction),
                "n": quorum.needed,
            }
        )
    total = yes + no + abstain
    if total > quorum.present:
        raise ValidationError(
            _("赞成、反对、弃权合计 %(t)d 票，多于到会的有表决权党员 %(p)d 人。")
            % {"t": total, "p": quorum.present}
        )
    fraction = float(rules.value("meeting.general_vote", "approve_fraction", org=meeting.org))
    return audited_create(
        Vote,
        data={
            "meeting": meeting,
            "motion": motion,
            "yes": yes,
            "no": no,
            "abstain": abstain,
            "expected": quorum.expected,
            "present": quorum.present,
            "fraction": fraction,
            "passed": yes > quorum.expected * fraction,
            "recorded_by": user_or_none(acting_user),
        },
        acting_user=acting_user,
    )


@transaction.atomic
def vote_void(
    *,
    vote: Vote,
    reason: str,
    acting_user: Any,
    expected_version: int | None = None,
) -> Vote:
    """Withdraw a count entered by mistake (audited). The row stays — with the reason, when and
    who — and no longer counts as a result of the meeting; the correct count is recorded anew."""
    vote = Vote.objects.select_for_update().select_related("meeting__org").get(pk=vote.pk)
    if getattr(acting_user, "is_authenticated", False) and not (
        Vote.objects.changeable_by(acting_user).filter(pk=vote.pk).exists()
    ):
        raise ValidationError(_("这次会议不在您的管理范围内。"))
    if vote.voided_at is not None:
        raise ValidationError(_("这项表决已经撤销。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因，例如票数录入错误。")})
    if long := too_long(reason, 200):
        raise ValidationError({"reason": long})
    return audited_update(
        vote,
        data={
            "voided_at": timezone.now(),
            "void_reason": reason,
            "voided_by": user_or_none(acting_user),
        },
        acting_user=acting_user,
        expected_version=expected_version,
    )
