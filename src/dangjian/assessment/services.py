"""Writes of the assessment: an inspection team's on-site score of one good (考核组现场打分) is
entered from above (the street, town or county) and voided with a reason — never deleted, so the
figure of any year can be explained afterwards (SPEC §10). Everything else an assessment shows is
computed from the other parts' records and is never typed here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.forms import too_long
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError, user_or_none
from dangjian.orgs.models import Organisation

from . import selectors
from .indicators.base import Good
from .models import InspectorScore

#: the earliest assessment year accepted
FIRST_YEAR = 2000


def _may_decide(acting_user: Any, community: Organisation) -> None:
    if acting_user is None:  # scripts and the demo
        return
    if not selectors.may_decide(user=acting_user, community=community):
        raise PermissionDenied(_("考核组打分只能由街道（乡镇）及以上党组织录入或作废。"))


def _score(raw: Any) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    return value


@transaction.atomic
def inspector_score_add(
    *,
    acting_user: Any,
    community: Organisation,
    year: int,
    good: str,
    score: Any,
    inspector: str,
    scored_on: dt.date | None,
    note: str = "",
) -> InspectorScore:
    """Record one on-site score (百分制, one decimal) of one good of ``community`` for ``year``.

    Bad input raises a ValidationError (by field, in Chinese) and writes nothing; a user without a
    changing grant strictly above the community gets PermissionDenied."""
    if not community.is_community:
        raise ValidationError({"community": _("只能为社区党组织录入考核组打分。")})
    _may_decide(acting_user, community)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not isinstance(year, int) or not FIRST_YEAR <= year <= today.year:
        errors["year"] = _("考核年度应在 %(a)d 年到 %(b)d 年之间。") % {
            "a": FIRST_YEAR,
            "b": today.year,
        }
    if good not in Good.LABELS:
        errors["good"] = _("请选择考核项目（五个好之一）。")
    value = _score(score)
    if value is None or not Decimal(0) <= value <= Decimal(100):
        errors["score"] = _("得分应为 0 到 100 之间的数（百分制）。")
    elif value != value.quantize(Decimal("0.1")):
        errors["score"] = _("得分最多保留一位小数。")
    inspector = (inspector or "").strip()
    if not inspector:
        errors["inspector"] = _("请填写打分人或考核组。")
    elif len(inspector) > 50:
        errors["inspector"] = too_long(inspector, 50)
    note = (note or "").strip()
    if len(note) > 300:
        errors["note"] = too_long(note, 300)
    if scored_on is None:
        errors["scored_on"] = _("请填写打分日期。")
    elif scored_on > today:
        errors["scored_on"] = _("打分日期不能晚于今天。")
    elif isinstance(year, int) and scored_on.year not in (year, year + 1):
        errors["scored_on"] = _("打分日期应在考核年度内或次年（年终考核）。")
    if errors:
        raise ValidationError(errors)
    row = InspectorScore(
        community=community,
        year=year,
        good=good,
        score=value,
        inspector=inspector,
        scored_on=scored_on,
        note=note,
        entered_by=user_or_none(acting_user),
    )
    row.full_clean()
    row.save()
    audit.record(
        action=AuditEntry.Action.CREATE,
        obj=row,
        acting_user=acting_user,
        changes=audit.diff({}, audit.snapshot(row)),
        scope_path=community.path,
    )
    return row


@transaction.atomic
def inspector_score_void(
    *, acting_user: Any, score: InspectorScore, reason: str, version: int | None
) -> InspectorScore:
    """Void one on-site score with a reason (it stops counting; the row stays for the record).

    ``version`` is the version the user saw: a score changed since is refused (ConflictError)."""
    current = (
        InspectorScore.objects.select_for_update().select_related("community").get(pk=score.pk)
    )
    _may_decide(acting_user, current.community)
    if version is not None and current.version != version:
        raise ConflictError(
            _(
                "该打分已被他人修改（您打开的是第 %(mine)d 版，现在是第 %(now)d 版）。请刷新页面，核对后再操作。"
            )
            % {"mine": version, "now": current.version},
            code="conflict",
        )
    if current.voided_at is not None:
        raise ValidationError(_("该打分已经作废。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写作废理由。")})
    if len(reason) > 200:
        raise ValidationError({"reason": too_long(reason, 200, _("作废理由"))})
    before = audit.snapshot(current)
    current.voided_at = timezone.now()
    current.void_reason = reason
    current.version += 1
    current.save(update_fields=["voided_at", "void_reason", "version", "updated_at"])
    audit.record(
        action=AuditEntry.Action.UPDATE,
        obj=current,
        acting_user=acting_user,
        changes=audit.diff(before, audit.snapshot(current)),
        scope_path=current.community.path,
    )
    return current
