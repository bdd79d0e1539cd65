"""践诺: the member logs what they did, in words, while the commitment is on display."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import scope_for

from . import workflow as who
from .models import Commitment, Evidence, State


@transaction.atomic
def evidence_add(
    c: Commitment, *, acting_user: Any, date: dt.date, text: str, today: dt.date | None = None
) -> Evidence:
    today = today or timezone.localdate()
    c = Commitment.objects.select_related("org").get(pk=c.pk)
    if scope_for(acting_user).member_id != c.member_id and not who.is_the_branch(c, acting_user):
        raise PermissionDenied(_("践诺情况由党员本人或所在支部记录。"))
    if c.state != State.PUBLISHED:
        raise ValidationError(_("承诺公开示诺后、评诺之前记录践诺情况。"))
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("请写明做了什么。")
    if date is None or date > today:
        errors["date"] = _("日期不能晚于今天。")
    elif c.published_on and date < dt.date(c.year, 1, 1):
        errors["date"] = _("日期不在承诺年度内。")
    if errors:
        raise ValidationError(errors)
    ev = Evidence.objects.create(commitment=c, date=date, text=text, recorded_by=acting_user)
    audit.record_create(ev, acting_user=acting_user)
    return ev
