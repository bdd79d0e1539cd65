"""Writes of the six-month list: how a branch handled a member listed there (art. 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.members.models import Member

from . import services
from .models import NoLifeCase, NoLifeHandling
from .selectors import nolife as sel


@transaction.atomic
def no_life_case_add(
    *,
    member: Member,
    handling: str,
    handled_on: dt.date,
    note: str = "",
    acting_user: Any,
    today: dt.date | None = None,
) -> NoLifeCase:
    """Record one step of handling, kept by the member's own organisation, with the date of the
    member's last organisational life as it stands today (audited)."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if handling not in NoLifeHandling.values:
        errors["handling"] = _("请选择处理方式。")
    if handled_on > today:
        errors["handled_on"] = _("处理日期不能晚于今天。")
    note = (note or "").strip()
    if handling in (NoLifeHandling.JUSTIFIED, NoLifeHandling.REMOVAL) and not note:
        errors["note"] = _("这种处理方式请写明情况说明。")
    if errors:
        raise ValidationError(errors)
    last = sel.last_attended(member_id=member.pk, today=today)
    return services.no_life_case_record(
        acting_user=acting_user,
        member=member,
        org=member.org,
        last_attended=last,
        handling=handling,
        handled_on=handled_on,
        note=note,
    )
