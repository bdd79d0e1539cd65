"""Writes of heart-to-heart talks (谈心谈话, rule ``meeting.heart_talk``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.services import audited_create, user_or_none
from dangjian.members.models import Member
from dangjian.members.services import check_changeable_active
from dangjian.orgs.models import Office

from .models_talks import HeartTalk


def talker_fits(*, talker: Office, member: Member, on: dt.date) -> str:
    """Why ``talker`` cannot be the one who talked with ``member`` on ``on`` ("" when they can):
    a committee office (书记、副书记、委员…) of the member's organisation or one above it,
    held on that day, by somebody else."""
    if talker.title not in Office.COMMITTEE_TITLES:
        return _("谈话人须是支部书记、副书记或支部委员。")
    if not member.org.path.startswith(talker.org.path):
        return _("谈话人须是本支部（或上级党组织）的委员。")
    if talker.term_start > on or (talker.left_on is not None and talker.left_on <= on):
        return _("谈话当天 %(n)s 不在“%(t)s”任上。") % {
            "n": talker.holder_name,
            "t": talker.get_title_display(),
        }
    if talker.member_id is not None and talker.member_id == member.pk:
        return _("谈话人和谈话对象不能是同一人。")
    return ""


@transaction.atomic
def heart_talk_record(
    *,
    member: Member,
    talker: Office,
    date: dt.date,
    note: str = "",
    acting_user: Any,
    today: dt.date | None = None,
) -> HeartTalk:
    """Record one talk, kept by the member's organisation (audited). The note is short and
    need-to-know: the branch's secretaries and the member read it, other members do not."""
    today = today or timezone.localdate()
    check_changeable_active(member, acting_user)
    errors: dict[str, str] = {}
    if date > today:
        errors["date"] = _("谈话日期不能晚于今天。")
    else:
        why = talker_fits(talker=talker, member=member, on=date)
        if why:
            errors["talker"] = why
    if errors:
        raise ValidationError(errors)
    return audited_create(
        HeartTalk,
        data={
            "org": member.org,
            "member": member,
            "talker": talker,
            "date": date,
            "note": (note or "").strip(),
            "recorded_by": user_or_none(acting_user),
        },
        acting_user=acting_user,
    )
