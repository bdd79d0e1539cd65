"""Writes about mobile members: register an absence (and the member's GOING_OUT event), log a
contact, change the card or the paired contact, record the return (RETURNED event). Atomic,
audited, optimistically locked; refusals are ValidationErrors with Chinese messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.services import audited_update, user_or_none
from dangjian.members import services as member_services
from dangjian.members.models import Category, EventKind, Member, State

from .models import ContactLog, Outbound, OutboundState, Way

#: Fields that may be corrected on an open record (the card, the contact, where and what).
EDITABLE_FIELDS = (
    "destination",
    "work",
    "phone",
    "contact_member",
    "contact_name",
    "contact_phone",
    "card_no",
    "card_issued_on",
    "card_valid_until",
    "note",
)


def _check_fields(data: dict[str, Any], *, member: Member, left_on: dt.date) -> None:
    errors: dict[str, str] = {}
    contact = data.get("contact_member")
    if not contact and not (data.get("contact_name") or "").strip():
        errors["contact_name"] = _("请选择结对联系的党员，或填写志愿者姓名。")
    if contact is not None and contact.pk == member.pk:
        errors["contact_member"] = _("结对联系人不能是本人。")
    if not (data.get("destination") or "").strip():
        errors["destination"] = _("请填写外出去向（地点或单位）。")
    issued, until = data.get("card_issued_on"), data.get("card_valid_until")
    if (data.get("card_no") or "").strip():
        if until is None:
            errors["card_valid_until"] = _("请填写活动证有效期。")
    elif issued or until:
        errors["card_no"] = _("请填写活动证号。")
    if issued and until and until <= issued:
        errors["card_valid_until"] = _("有效期应晚于发放日期。")
    if issued and issued > timezone.localdate():
        errors["card_issued_on"] = _("发放日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def outbound_create(
    *,
    acting_user: Any,
    member: Member,
    left_on: dt.date,
    destination: str,
    work: str = "",
    phone: str = "",
    contact_member: Member | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    card_no: str = "",
    card_issued_on: dt.date | None = None,
    card_valid_until: dt.date | None = None,
    note: str = "",
) -> Outbound:
    """外出登记. The member's timeline gets a GOING_OUT event (unless it was already recorded
    on the member page, when this only completes the ledger)."""
    member_services.check_changeable_active(member, acting_user)
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("外出日期不能晚于今天。")})
    if Outbound.objects.filter(member=member, state=OutboundState.OUT).exists():
        raise ValidationError({"member": _("%(n)s已登记外出，尚未返回。") % {"n": member.name}})
    data = {
        "destination": destination,
        "contact_member": contact_member,
        "contact_name": contact_name,
        "card_no": card_no,
        "card_issued_on": card_issued_on,
        "card_valid_until": card_valid_until,
    }
    _check_fields(data, member=member, left_on=left_on)
    if not member.categories.filter(category=Category.MOBILE).exists():
        try:
            member_services.member_record_event(
                member=member,
                kind=EventKind.GOING_OUT,
                date=left_on,
                acting_user=acting_user,
                to_org_name=destination.strip()[:100],
                note=work[:300],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "date" in exc.error_dict:
                raise ValidationError({"left_on": exc.error_dict["date"]}) from exc
            raise
    outbound = Outbound(
        member=member,
        left_on=left_on,
        destination=destination.strip(),
        work=work.strip(),
        phone=phone.strip(),
        contact_member=contact_member,
        contact_name="" if contact_member else contact_name.strip(),
        contact_phone=contact_phone.strip(),
        card_no=card_no.strip(),
        card_issued_on=card_issued_on,
        card_valid_until=card_valid_until,
        note=note.strip(),
        recorded_by=user_or_none(acting_user),
    )
    outbound.full_clean()
    outbound.save()
    audit.record_create(outbound, acting_user=acting_user)
    return outbound


@transaction.atomic
def outbound_update(
    outbound: Outbound,
    *,
    data: dict[str, Any],
    acting_user: Any,
    expected_version: int | None = None,
) -> Outbound:
    """Change the card (换发), the paired contact or where they are, on a record still open."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些内容：%(f)s") % {"f": "、".join(sorted(unknown))})
    if outbound.state != OutboundState.OUT:
        raise ValidationError(_("该党员已返回，外出登记不能再修改。"))
    merged = {f: getattr(outbound, f) for f in EDITABLE_FIELDS} | data
    _check_fields(merged, member=outbound.member, left_on=outbound.left_on)
    if merged.get("contact_member") is not None:
        data = {**data, "contact_name": ""}
    return audited_update(
        outbound, data=data, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def contact_add(
    *,
    outbound: Outbound,
    acting_user: Any,
    date: dt.date,
    way: str,
    passed_on: str = "",
    difficulties: str = "",
    feedback: str = "",
) -> ContactLog:
    """Log one contact with a member who is away (传达精神、了解困难、征求意见)."""
    if outbound.state != OutboundState.OUT:
        raise ValidationError(_("该党员已返回，不能再添加外出期间的联系记录。"))
    errors: dict[str, str] = {}
    if date > timezone.localdate():
        errors["date"] = _("联系日期不能晚于今天。")
    elif date < outbound.left_on:
        errors["date"] = _("联系日期不能早于外出日期（%(d)s）。") % {
            "d": outbound.left_on.isoformat()
        }
    if way not in Way.values:
        errors["way"] = _("请选择联系方式。")
    if not (passed_on.strip() or difficulties.strip() or feedback.strip()):
        errors["passed_on"] = _("请至少写一项联系内容。")
    if errors:
        raise ValidationError(errors)
    log = ContactLog.objects.create(
        outbound=outbound,
        date=date,
        way=way,
        passed_on=passed_on.strip(),
        difficulties=difficulties.strip(),
        feedback=feedback.strip(),
        recorded_by=user_or_none(acting_user),
    )
    if outbound.last_contact_on is None or date > outbound.last_contact_on:
        Outbound.objects.filter(pk=outbound.pk).update(last_contact_on=date)
        outbound.last_contact_on = date
    audit.record_create(log, acting_user=acting_user)
    return log


@transaction.atomic
def outbound_return(
    outbound: Outbound,
    *,
    acting_user: Any,
    returned_on: dt.date,
    note: str = "",
    expected_version: int | None = None,
) -> Outbound:
    """流动返回: close the record and put a RETURNED event on the member's timeline."""
    if outbound.state != OutboundState.OUT:
        raise ValidationError(_("该党员已登记返回。"))
    if returned_on > timezone.localdate():
        raise ValidationError({"returned_on": _("返回日期不能晚于今天。")})
    if returned_on < outbound.left_on:
        raise ValidationError(
            {
                "returned_on": _("返回日期不能早于外出日期（%(d)s）。")
                % {"d": outbound.left_on.isoformat()}
            }
        )
    member = outbound.member
    data: dict[str, Any] = {"state": OutboundState.RETURNED, "returned_on": returned_on}
    if note.strip():
        data["note"] = (f"{outbound.note}；{note.strip()}" if outbound.note else note.strip())[:300]
    updated = audited_update(
        outbound, data=data, acting_user=acting_user, expected_version=expected_version
    )
    if member.state == State.ACTIVE and member.categories.filter(category=Category.MOBILE).exists():
        try:
            member_services.member_record_event(
                member=member,
                kind=EventKind.RETURNED,
                date=returned_on,
                acting_user=acting_user,
                from_org_name=outbound.destination[:100],
                note=note.strip()[:300],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "date" in exc.error_dict:
                raise ValidationError({"returned_on": exc.error_dict["date"]}) from exc
            raise
    return updated
