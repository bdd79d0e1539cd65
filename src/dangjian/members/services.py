"""Writes to the member register. Every change of state is a timeline event, never an overwrite."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, crypto, idcard, rules
from dangjian.core.models import AuditEntry
from dangjian.core.search import search_key
from dangjian.core.services import ConflictError, audited_update
from dangjian.orgs.models import Organisation

from .models import (
    Category,
    EventKind,
    Member,
    MemberCategory,
    MemberEvent,
    Mode,
    State,
    Status,
    add_years,
)

#: What each event kind leaves the member's register state as.
STATE_AFTER = {
    EventKind.TRANSFER_OUT: State.TRANSFERRED_OUT,
    EventKind.LOST_CONTACT: State.SUSPENDED,
    EventKind.DEATH: State.DECEASED,
    EventKind.LEFT: State.LEFT,
    EventKind.TRANSFER_IN: State.ACTIVE,
    EventKind.RESTORED: State.ACTIVE,
    EventKind.REGISTERED: State.ACTIVE,
}
#: The states a member must be in for each kind of event. A member who transferred out can only
#: come back (transfer in); a suspended member (lost contact) can be restored, die or be removed;
#: nothing follows death or leaving. ``registered`` only opens a timeline (``member_register``).
ALLOWED_FROM: dict[str, frozenset[str]] = {
    EventKind.TRANSFER_IN: frozenset({State.TRANSFERRED_OUT}),
    EventKind.RESTORED: frozenset({State.SUSPENDED}),
    EventKind.DEATH: frozenset({State.ACTIVE, State.SUSPENDED}),
    EventKind.LEFT: frozenset({State.ACTIVE, State.SUSPENDED}),
    **{
        k: frozenset({State.ACTIVE})
        for k in (
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
        )
    },
}
#: Kinds a secretary records by hand on the member page and through the API, in menu order.
#: (Check-in of in-service members has its own workflow, SPEC §2.)
RECORDABLE_KINDS = (
    EventKind.STATUS_CHANGE,
    EventKind.CATEGORY_CHANGE,
    EventKind.MODE_CHANGE,
    EventKind.INTERNAL_MOVE,
    EventKind.GOING_OUT,
    EventKind.RETURNED,
    EventKind.TRANSFER_OUT,
    EventKind.TRANSFER_IN,
    EventKind.LOST_CONTACT,
    EventKind.RESTORED,
    EventKind.DEATH,
    EventKind.LEFT,
)
#: Kinds that take the member off the register: the page asks before saving them.
GRAVE_KINDS = frozenset({EventKind.TRANSFER_OUT, EventKind.DEATH, EventKind.LEFT})


def kinds_allowed(member: Member, categories: list[str] | None = None) -> list[str]:
    """The events that can be recorded for ``member`` now, in menu order."""
    cats = (
        set(categories) if categories is not None else {c.category for c in member.categories.all()}
    )
    out = []
    for kind in RECORDABLE_KINDS:
        if member.state not in ALLOWED_FROM[kind]:
            continue
        if kind == EventKind.STATUS_CHANGE and member.status != Status.PROBATIONARY:
            continue
        if kind == EventKind.GOING_OUT and Category.MOBILE in cats:
            continue
        if kind == EventKind.RETURNED and Category.MOBILE not in cats:
            continue
        out.append(kind)
    return out


def _can_change_org(acting_user: Any, org: Organisation) -> bool:
    """Whether a person may put members into ``org``. Commands and tests act without a user."""
    if not getattr(acting_user, "is_authenticated", False):
        return True
    return Organisation.objects.changeable_by(acting_user).filter(pk=org.pk).exists()


def _check_member_org(org: Organisation, acting_user: Any, field: str = "org") -> None:
    if not org.is_branch and not org.is_community:
        raise ValidationError(
            {
                field: _("党员只能编入党支部或社区党组织，不能编入“%(k)s”。")
                % {"k": org.get_kind_display()}
            }
        )
    if not org.is_active:
        raise ValidationError({field: _("“%(o)s”已撤销，不能编入党员。") % {"o": org.name}})
    if not _can_change_org(acting_user, org):
        raise ValidationError(
            {field: _("“%(o)s”不在您的管理范围内，不能把党员编入该组织。") % {"o": org.name}}
        )


def check_changeable_active(member: Member, acting_user: Any, field: str = "member") -> None:
    """For services that act on a member (care, mobility …): the user manages the member and
    the member is on the register. A ValidationError on ``field`` otherwise."""
    if getattr(acting_user, "is_authenticated", False) and not (
        Member.objects.changeable_by(acting_user).filter(pk=member.pk).exists()
    ):
        raise ValidationError({field: _("该党员不在您的管理范围内。")})
    if member.state != State.ACTIVE:
        raise ValidationError(
            {
                field: _("%(n)s当前状态为“%(s)s”。")
                % {"n": member.name, "s": member.get_state_display()}
            }
        )


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
    letter_valid_until: dt.date | None = None,
    from_org_name: str = "",
    **fields: Any,
) -> Member:
    """Put a member on the register (a new record, or a transfer in from elsewhere) and open
    their timeline. The first event is dated ``date``: for a new record, by default the day
    they joined the Party; for a transfer in, the day the letter was received."""
    if kind not in (EventKind.REGISTERED, EventKind.TRANSFER_IN):
        raise ValidationError(_("新登记党员只能是“建档登记”或“组织关系转入”。"))
    _check_member_org(org, acting_user)
    ids = id_fields(id_number, birth_date=fields.get("birth_date"), gender=fields.get("gender"))
    if Member.objects.filter(id_hash=ids["id_hash"]).exists():
        raise ValidationError({"id_number": _("该身份证号的党员已在系统中，请勿重复登记。")})
    fields = one_place(dict(fields))
    member = Member(org=org, search_key=search_key(fields.get("name", "")), **ids, **fields)
    member.full_clean()
    when = date or member.joined_on
    if kind == EventKind.TRANSFER_IN:
        _check_letter(
            kind=kind,
            date=when,
            letter_no=letter_no,
            letter_valid_until=letter_valid_until,
            place=from_org_name,
        )
    _check_date(when, not_before=member.joined_on)
    member.save()
    cats = sorted(set(categories))
    MemberCategory.objects.bulk_create([MemberCategory(member=member, category=c) for c in cats])
    _add_event(
        member,
        kind=kind,
        date=when,
        categories=cats,
        note=note,
        letter_no=letter_no,
        letter_valid_until=letter_valid_until,
        from_org_name=from_org_name,
        acting_user=acting_user,
    )
    audit.record_create(member, acting_user=acting_user)
    return member


def _check_date(date: dt.date, *, not_before: dt.date | None = None) -> None:
    if date > timezone.localdate():
        raise ValidationError({"date": _("不能记录未来日期的变动。")})
    if not_before and date < not_before:
        raise ValidationError(
            {"date": _("变动日期不能早于入党时间（%(d)s）。") % {"d": not_before.isoformat()}}
        )


def _check_letter(
    *,
    kind: str,
    date: dt.date,
    letter_no: str,
    letter_valid_until: dt.date | None,
    place: str,
) -> None:
    """A transfer needs the other side and the introduction letter (组织关系介绍信)."""
    errors: dict[str, str] = {}
    if kind == EventKind.TRANSFER_OUT:
        if not place.strip():
            errors["to_org_name"] = _("请填写转往的党组织。")
        if not letter_valid_until:
            errors["letter_valid_until"] = _("请填写介绍信有效期。")
    else:
        if not place.strip():
            errors["from_org_name"] = _("请填写从哪个党组织转来。")
    if not letter_no.strip():
        errors["letter_no"] = _("请填写介绍信编号。")
    if letter_valid_until and letter_valid_until < date:
        errors["letter_valid_until"] = (
            _("介绍信有效期（%(v)s）早于转出日期，请核对。")
            if kind == EventKind.TRANSFER_OUT
            else _("介绍信已于 %(v)s 过期，请联系转出党组织重新开具。")
        ) % {"v": letter_valid_until.isoformat()}
    if errors:
        raise ValidationError(errors)


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
    from_org_name: str = "",
    to_org_name: str = "",
    letter_no: str = "",
    letter_valid_until: dt.date | None = None,
    note: str = "",
) -> MemberEvent:
    """Record a change on the timeline and bring the state cached on the member up to date.

    Nothing is overwritten: the event row keeps the resulting state, so the register of any past
    date can be rebuilt (``selectors.register_on``). Illegal changes are refused with a reason.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if expected_version is not None and member.version != expected_version:
        raise ConflictError(
            _("%(name)s的档案刚被他人修改过，请刷新页面，核对后再记录。") % {"name": member.name},
            code="conflict",
        )
    if kind not in ALLOWED_FROM:
        raise ValidationError({"kind": _("不支持的变动事项。")})
    label = str(EventKind(kind).label)
    if member.state not in ALLOWED_FROM[kind]:
        raise ValidationError(
            _("%(name)s当前状态为“%(s)s”，不能记录“%(k)s”。")
            % {"name": member.name, "s": member.get_state_display(), "k": label}
        )
    last = member.events.order_by("-date", "-seq").first()
    if last and date < last.date:
        raise ValidationError(
            {
                "date": _("日期不能早于上一条变动记录（%(d)s %(k)s）。")
                % {"d": last.date.isoformat(), "k": last.get_kind_display()}
            }
        )
    _check_date(date)
    current = sorted(member.categories.values_list("category", flat=True))
    cats = sorted(set(categories)) if categories is not None else list(current)
    before = audit.snapshot(member)

    if kind in (EventKind.TRANSFER_OUT, EventKind.TRANSFER_IN):
        _check_letter(
            kind=kind,
            date=date,
            letter_no=letter_no,
            letter_valid_until=letter_valid_until,
            place=to_org_name if kind == EventKind.TRANSFER_OUT else from_org_name,
        )
    if kind == EventKind.INTERNAL_MOVE:
        if to_org is None:
            raise ValidationError({"to_org": _("请选择调入的党组织。")})
        if to_org.pk == member.org_id:
            raise ValidationError({"to_org": _("调入的党组织与现在所在的相同。")})
    if to_org is not None and kind in (
        EventKind.INTERNAL_MOVE,
        EventKind.TRANSFER_IN,
        EventKind.RESTORED,
    ):
        _check_member_org(to_org, acting_user, field="to_org")
        member.org = to_org
    if kind == EventKind.STATUS_CHANGE:
        if member.status != Status.PROBATIONARY:
            raise ValidationError(_("%(name)s已是正式党员。") % {"name": member.name})
        years = rules.value("dev.probation", "years", org=member.org)
        ends = add_years(member.joined_on, years)
        if date < ends:
            raise ValidationError(
                {
                    "date": _("预备期为 %(y)d 年，最早 %(d)s 才能转为正式党员。")
                    % {"y": years, "d": ends.isoformat()}
                }
            )
        member.status = status or Status.FULL
        member.full_on = date
    if kind == EventKind.MODE_CHANGE:
        if not mode or mode not in Mode.values:
            raise ValidationError({"mode": _("请选择新的管理方式。")})
        if mode == member.mode:
            raise ValidationError({"mode": _("新的管理方式与现在的相同。")})
        member.mode = mode
    if kind == EventKind.CATEGORY_CHANGE:
        unknown = set(cats) - set(Category.values)
        if unknown:
            raise ValidationError({"categories": _("有不认识的党员类别。")})
        if cats == current:
            raise ValidationError({"categories": _("党员类别没有变化。")})
    if kind == EventKind.GOING_OUT:
        if Category.MOBILE in current:
            raise ValidationError(_("%(name)s已登记为外出流动。") % {"name": member.name})
        if not to_org_name.strip():
            raise ValidationError({"to_org_name": _("请填写外出去向（地点或单位）。")})
        cats = sorted({*cats, Category.MOBILE})
    if kind == EventKind.RETURNED:
        if Category.MOBILE not in current:
            raise ValidationError(_("%(name)s没有外出流动登记。") % {"name": member.name})
        cats = [c for c in cats if c != Category.MOBILE]
    if kind == EventKind.LEFT and not note.strip():
        raise ValidationError({"note": _("请写明出党的方式和依据（如退党、除名、开除党籍）。")})

    member.state = STATE_AFTER.get(kind, member.state)
    member.version += 1
    member.save()
    if cats != current:
        member.categories.exclude(category__in=cats).delete()
        MemberCategory.objects.bulk_create(
            [MemberCategory(member=member, category=c) for c in cats if c not in current]
        )
    event = _add_event(
        member,
        kind=kind,
        date=date,
        categories=cats,
        acting_user=acting_user,
        from_org_name=from_org_name,
        to_org_name=to_org_name,
        letter_no=letter_no,
        letter_valid_until=letter_valid_until,
        note=note,
    )
    changes = audit.diff(before, audit.snapshot(member))
    if cats != current:
        changes["categories"] = {"before": current, "after": cats}
    audit.record(
        action=AuditEntry.Action.EVENT,
        obj=member,
        acting_user=acting_user,
        changes={"event": label, "date": date.isoformat(), **changes},
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
    "employer_unit",
    "work_unit",
    "address",
    "household",
)


def one_place(data: dict[str, Any]) -> dict[str, Any]:
    """One fact, one place: a household on the places tree is the member's home, a resident unit
    their employer — the free text beside each is kept only when there is none (and cleared when
    one is chosen)."""
    if data.get("household") is not None:
        data["address"] = ""
    if data.get("employer_unit") is not None:
        data["work_unit"] = ""
    return data


@transaction.atomic
def member_update(
    member: Member, *, data: dict[str, Any], acting_user: Any, expected_version: int | None = None
) -> Member:
    """Correct a member's personal details (audited, optimistic locking).

    ``id_number`` replaces the stored number; a changed birth date or gender is checked against
    the number (the new one, or else the stored one).
    """
    unknown = set(data) - set(EDITABLE_FIELDS) - {"id_number"}
    if unknown:
        raise ValidationError(
            _("这些字段须通过变动事项修改：%(f)s") % {"f": "、".join(sorted(unknown))}
        )
    data = one_place(dict(data))
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
    elif {"birth_date", "gender"} & set(data):
        info = idcard.parse(crypto.decrypt(member.id_cipher))
        problems = idcard.check_consistency(
            info,
            birth_date=data.get("birth_date", member.birth_date),
            gender=data.get("gender", member.gender),
        )
        if problems:
            raise ValidationError({"id_number": problems})
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
