"""Writes of lost-contact cases (失联党员, rule ``member.lost_contact``): record the loss and
the regained contact, and the branch's decisions. A decision adds the member's timeline event
through the members app's own service (``members.services.member_record_event``), so the
register shows 停止党籍 / 出党 / 恢复党籍 like any other change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.forms import too_long
from dangjian.core.services import audited_create, audited_update, user_or_none
from dangjian.members.models import EventKind, Member, MemberEvent
from dangjian.members.services import check_changeable_active, member_record_event

from .models_lost import LostContact, LostContactDecision, LostDecisionKind
from .selectors import lost as sel

#: The member event each decision adds.
EVENT_OF = {
    LostDecisionKind.SUSPEND: EventKind.LOST_CONTACT,
    LostDecisionKind.REMOVE: EventKind.LEFT,
    LostDecisionKind.RESTORE: EventKind.RESTORED,
}


def _fmt(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _check_reach(case: LostContact, acting_user: Any) -> None:
    if getattr(acting_user, "is_authenticated", False) and not (
        LostContact.objects.changeable_by(acting_user).filter(pk=case.pk).exists()
    ):
        raise ValidationError(_("该党员不在您的管理范围内。"))


@transaction.atomic
def lost_contact_record(
    *,
    member: Member,
    lost_on: dt.date,
    note: str = "",
    acting_user: Any,
    today: dt.date | None = None,
) -> LostContact:
    """Contact with ``member`` was lost on ``lost_on`` (audited)."""
    today = today or timezone.localdate()
    check_changeable_active(member, acting_user)
    if lost_on > today:
        raise ValidationError({"lost_on": _("失去联系日期不能晚于今天。")})
    if LostContact.objects.open().filter(member=member).exists():
        raise ValidationError({"member": _("%(n)s已登记为失联。") % {"n": member.name}})
    return audited_create(
        LostContact,
        data={
            "member": member,
            "org": member.org,
            "lost_on": lost_on,
            "note": (note or "").strip(),
            "recorded_by": user_or_none(acting_user),
        },
        acting_user=acting_user,
    )


@transaction.atomic
def lost_contact_found(
    *,
    case: LostContact,
    found_on: dt.date,
    note: str = "",
    acting_user: Any,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> LostContact:
    """Contact regained on ``found_on`` (audited). A suspended member stays suspended until the
    branch decides to restore (art. 25)."""
    today = today or timezone.localdate()
    _check_reach(case, acting_user)
    if case.found_on is not None or case.closed_on is not None:
        raise ValidationError(_("这条失联登记已经结束。"))
    if found_on > today:
        raise ValidationError({"found_on": _("恢复联系日期不能晚于今天。")})
    if found_on < case.lost_on:
        raise ValidationError({"found_on": _("恢复联系日期不能早于失去联系日期。")})
    data: dict[str, Any] = {"found_on": found_on}
    if note.strip():
        data["note"] = (case.note + "；" if case.note else "") + note.strip()
    return audited_update(
        case, data=data, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def lost_contact_decide(
    *,
    case: LostContact,
    kind: str,
    decided_on: dt.date,
    decided_by: str,
    note: str = "",
    acting_user: Any,
    today: dt.date | None = None,
) -> LostContactDecision:
    """Record the branch's decision on a case and add the member's timeline event.

    Refused before the rule's time: 停止党籍 only from ``suspend_after_months`` months after the
    contact was lost, 除名 only ``remove_after_years`` years after the suspension, 恢复党籍 only
    after contact was regained.
    """
    today = today or timezone.localdate()
    case = LostContact.objects.select_for_update().select_related("member", "org").get(pk=case.pk)
    _check_reach(case, acting_user)
    if kind not in LostDecisionKind.values:
        raise ValidationError({"kind": _("请选择决定。")})
    decided_by = (decided_by or "").strip()
    errors: dict[str, str] = {}
    if not decided_by:
        errors["decided_by"] = _("请填写作出决定的机构，例如支部委员会。")
    if decided_on > today:
        errors["decided_on"] = _("决定日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    row = sel.row_for(
        case, today=decided_on, decisions=list(case.decisions.order_by("decided_on", "id"))
    )
    if case.closed_on is not None:
        raise ValidationError(_("这条失联登记已经结案。"))
    if kind == LostDecisionKind.SUSPEND:
        if case.found_on is not None:
            raise ValidationError(_("已经恢复联系，不能停止党籍。"))
        if row.suspended_on is not None:
            raise ValidationError(_("已经停止党籍。"))
        if decided_on < row.suspend_due:
            raise ValidationError(
                {
                    "decided_on": _("%(lost)s 失去联系，满 %(n)d 个月（%(due)s）起才能停止党籍。")
                    % {
                        "lost": _fmt(case.lost_on),
                        "n": row.suspend_after_months,
                        "due": _fmt(row.suspend_due),
                    }
                }
            )
        event_note = _(
            "与党组织失去联系满 %(n)d 个月（%(lost)s 起），经查找仍无法取得联系，停止党籍。"
        ) % {
            "n": row.suspend_after_months,
            "lost": _fmt(case.lost_on),
        }
    elif kind == LostDecisionKind.REMOVE:
        if row.suspended_on is None:
            raise ValidationError(_("尚未停止党籍，不能除名。"))
        if case.found_on is not None:
            raise ValidationError(_("已经恢复联系，不能按自行脱党除名。"))
        assert row.remove_due is not None
        if decided_on < row.remove_due:
            raise ValidationError(
                {
                    "decided_on": _(
                        "%(on)s 停止党籍，满 %(n)d 年（%(due)s）仍无法取得联系的才能除名。"
                    )
                    % {
                        "on": _fmt(row.suspended_on),
                        "n": row.remove_after_years,
                        "due": _fmt(row.remove_due),
                    }
                }
            )
        event_note = _("停止党籍满 %(n)d 年仍无法取得联系，按自行脱党予以除名。") % {
            "n": row.remove_after_years
        }
    else:
        if case.found_on is None:
            raise ValidationError(_("尚未恢复联系，不能恢复党籍。"))
        if row.suspended_on is None:
            raise ValidationError(_("没有停止党籍，无需恢复。"))
        if decided_on < case.found_on:
            raise ValidationError({"decided_on": _("决定日期不能早于恢复联系日期。")})
        event_note = _("恢复联系后本人要求恢复党籍，经审查恢复党籍。")
    event_note = f"{event_note}（{decided_by}决定）"
    # the member's record carries the fixed wording, who decided and what was typed: what was
    # typed is refused when it does not fit, never cut (core.forms.too_long)
    limit = MemberEvent._meta.get_field("note").max_length
    if len(event_note) > limit:
        room = limit - (len(event_note) - len(decided_by))
        raise ValidationError({"decided_by": too_long(decided_by, room)})
    if note.strip():
        room = limit - len(event_note) - 1
        if len(note.strip()) > room:
            raise ValidationError({"note": too_long(note.strip(), room)})
        event_note = f"{event_note} {note.strip()}"
    try:
        event = member_record_event(
            member=case.member,
            kind=EVENT_OF[kind],
            date=decided_on,
            acting_user=acting_user,
            note=event_note,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "date" in exc.error_dict:
            raise ValidationError({"decided_on": exc.error_dict["date"]}) from exc
        raise
    decision = LostContactDecision.objects.create(
        case=case,
        kind=kind,
        decided_on=decided_on,
        decided_by=decided_by,
        note=(note or "").strip(),
        member_event=event,
        recorded_by=user_or_none(acting_user),
    )
    audit.record_create(decision, acting_user=acting_user)
    if kind in (LostDecisionKind.REMOVE, LostDecisionKind.RESTORE):
        case = audited_update(case, data={"closed_on": decided_on}, acting_user=acting_user)
    return decision
