"""Writes to the member register. Every change of state is a timeline event, never an overwrite."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from dangjian.core import audit, crypto, idcard
from dangjian.core.models import AuditEntry
from dangjian.core.search import search_key
from dangjian.core.services import audited_update
from dangjian.orgs.models import Organisation

from .models import Category, EventKind, Member, MemberCategory, MemberEvent, State

#: What each event kind may change in the member's state.
STATE_AFTER = {
    EventKind.TRANSFER_OUT: State.TRANSFERRED_OUT,
    EventKind.LOST_CONTACT: State.SUSPENDED,
    EventKind.DEATH: State.DECEASED,
    EventKind.LEFT: State.LEFT,
    EventKind.TRANSFER_IN: State.ACTIVE,
    EventKind.RESTORED: State.ACTIVE,
    EventKind.REGISTERED: State.ACTIVE,
}
#: Events that need an active member.
NEEDS_ACTIVE = {
    EventKind.TRANSFER_OUT,
    EventKind.INTERNAL_MOVE,
    EventKind.STATUS_CHANGE,
    EventKind.CATEGORY_CHANGE,
    EventKind.MODE_CHANGE,
    EventKind.CHECK_IN,
    EventKind.CHECK_OUT,
    EventKind.GOING_OUT,
    EventKind.RETURNED,
    EventKind.LOST_CONTACT,
    EventKind.DEATH,
    EventKind.LEFT,
}


def id_fields(
    raw_id: str, *, birth_date: dt.date | None = None, gender: str | None = None
) -> dict[str, Any]:
    """Validate an ID number and return the stored fields (ciphertext, blind index, mask)."""
    info = idcard.parse(raw_id)
    problems = idcard.check_consistency(info, birth_date=birth_date, gender=gender)
    if problems:
        raise ValidationError({"id_number": problems})
    return {
        "id_cipher": crypto.encrypt(info.number),
        "id_hash": crypto.blind_index(info.number),
        "id_masked": idcard.mask(info.number),
    }


@transaction.atomic
def member_register(
    *,
    acting_user: Any,
    id_number: str,
    org: Organisation,
    categories: list[str] | tuple[str, ...] = (),
    date: dt.date | None = None,
    kind: str = EventKind.REGISTERED,
    note: str = "",
    letter_no: str = "",
    from_org_name: str = "",
    **fields: Any,
) -> Member:
    """Put a member on the register (new record, or a transfer in) and open their timeline."""
    if not org.is_branch and not org.is_community:
        raise ValidationError(
            {
                "org": _("党员只能编入党支部或社区党组织，不能编入“%(k)s”。")
                % {"k": org.get_kind_display()}
            }
        )
    ids = id_fields(id_number, birth_date=fields.get("birth_date"), gender=fields.get("gender"))
    if Member.objects.filter(id_hash=ids["id_hash"]).exists():
        raise ValidationError({"id_number": _("该身份证号的党员已在系统中，请勿重复登记。")})
    member = Member(org=org, search_key=search_key(fields.get("name", "")), **ids, **fields)
    member.full_clean()
    member.save()
    cats = sorted(set(categories))
    MemberCategory.objects.bulk_create([MemberCategory(member=member, category=c) for c in cats])
    _add_event(
        member,
        kind=kind,
        date=date or member.joined_on,
        categories=cats,
        note=note,
        letter_no=letter_no,
        from_org_name=from_org_name,
        acting_user=acting_user,
    )
    audit.record_create(member, acting_user=acting_user)
    return member


def _add_event(
    member: Member,
    *,
    kind: str,
    date: dt.date,
    categories: list[str],
    acting_user: Any,
    **details: Any,
) -> MemberEvent:
    seq = (
        MemberEvent.objects.filter(member=member, date=date).aggregate(m=Max("seq"))["m"] or 0
    ) + 1
    return MemberEvent.objects.create(
        member=member,
        kind=kind,
        date=date,
        seq=seq,
        org=member.org,
        status=member.status,
        state=member.state,
        mode=member.mode,
        categories=categories,
        recorded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        **details,
    )


@transaction.atomic
def member_record_event(
    *,
    member: Member,
    kind: str,
    date: dt.date,
    acting_user: Any,
    to_org: Organisation | None = None,
    status: str | None = None,
    mode: str | None = None,
    categories: list[str] | None = None,
    expected_version: int | None = None,
    **details: Any,
) -> MemberEvent:
    """Record a change on the timeline and bring the cached state on the member up to date."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if expected_version is not None and member.version != expected_version:
        raise ValidationError(_("该党员信息已被他人修改，请刷新页面后重试。"), code="conflict")
    if kind in NEEDS_ACTIVE and member.state != State.ACTIVE:
        raise ValidationError(
            _("%(name)s当前状态为“%(s)s”，不能记录“%(k)s”。")
            % {"name": member.name, "s": member.get_state_display(), "k": EventKind(kind).label}
        )
    if kind not in NEEDS_ACTIVE and kind in STATE_AFTER and member.state == State.ACTIVE:
        raise ValidationError(
            _("%(name)s已在册，不能记录“%(k)s”。")
            % {"name": member.name, "k": EventKind(kind).label}
        )
    last = member.events.order_by("-date", "-seq").first()
    if last and date < last.date:
        raise ValidationError(
            {"date": _("日期不能早于上一条变动记录（%(d)s）。") % {"d": last.date}}
        )
    if date > dt.date.today():
        raise ValidationError({"date": _("不能记录未来日期的变动。")})
    before = audit.snapshot(member)
    if (
        kind in (EventKind.INTERNAL_MOVE, EventKind.TRANSFER_IN, EventKind.RESTORED)
        and to_org is not None
    ):
        member.org = to_org
    elif kind == EventKind.INTERNAL_MOVE:
        raise ValidationError({"to_org": _("请选择调入的党支部。")})
    if kind == EventKind.STATUS_CHANGE:
        member.status = status or "full"
        member.full_on = date
    if kind == EventKind.MODE_CHANGE and mode:
        member.mode = mode
    member.state = STATE_AFTER.get(kind, member.state)
    cats = (
        sorted(set(categories))
        if categories is not None
        else sorted(member.categories.values_list("category", flat=True))
    )
    if kind == EventKind.GOING_OUT and Category.MOBILE not in cats:
        cats = sorted([*cats, Category.MOBILE])
    if kind == EventKind.RETURNED and Category.MOBILE in cats:
        cats = [c for c in cats if c != Category.MOBILE]
    member.version += 1
    member.save()
    current = set(member.categories.values_list("category", flat=True))
    if set(cats) != current:
        member.categories.exclude(category__in=cats).delete()
        MemberCategory.objects.bulk_create(
            [MemberCategory(member=member, category=c) for c in cats if c not in current]
        )
    event = _add_event(
        member, kind=kind, date=date, categories=cats, acting_user=acting_user, **details
    )
    changes = audit.diff(before, audit.snapshot(member))
    if set(cats) != current:
        changes["categories"] = {"before": sorted(current), "after": cats}
    audit.record(
        action=AuditEntry.Action.EVENT,
        obj=member,
        acting_user=acting_user,
        changes={"event": EventKind(kind).label, "date": date.isoformat(), **changes},
    )
    return event


#: Fields a secretary may correct directly (facts of the person, not of their membership).
EDITABLE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "phone",
    "education",
    "joined_on",
    "work_unit",
    "address",
    "household",
)


def member_update(
    member: Member, *, data: dict[str, Any], acting_user: Any, expected_version: int | None = None
) -> Member:
    """Correct a member's personal details (audited, optimistic locking)."""
    unknown = set(data) - set(EDITABLE_FIELDS) - {"id_number"}
    if unknown:
        raise ValidationError(
            _("这些字段须通过变动事项修改：%(f)s") % {"f": "、".join(sorted(unknown))}
        )
    data = dict(data)
    raw_id = data.pop("id_number", None)
    if raw_id:
        ids = id_fields(
            raw_id,
            birth_date=data.get("birth_date", member.birth_date),
            gender=data.get("gender", member.gender),
        )
        if Member.objects.filter(id_hash=ids["id_hash"]).exclude(pk=member.pk).exists():
            raise ValidationError({"id_number": _("该身份证号的党员已在系统中，请勿重复登记。")})
        data.update(ids)
    if "name" in data:
        data["search_key"] = search_key(data["name"])
    return audited_update(
        member, data=data, acting_user=acting_user, expected_version=expected_version
    )


def member_reveal_id(member: Member, *, acting_user: Any, ip: str | None = None) -> str:
    """The full ID number, for a deliberate reveal; every call is logged."""
    audit.record(
        action=AuditEntry.Action.REVEAL,
        obj=member,
        acting_user=acting_user,
        field="id_number",
        ip=ip,
    )
    return crypto.decrypt(member.id_cipher)
