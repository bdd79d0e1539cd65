"""Writes of 信访、民事调解: open a case (with its first parties and mediators), add a party or a
mediator, record a session, close with an outcome, add a follow-up visit. Each is atomic and
audited; bad input raises ``ValidationError`` with a Chinese message and changes nothing. Who may
write: whoever reaches the case (:mod:`dangjian.grid.access`) — the community's secretaries, or
the grid cadre of the case's area."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, rules
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError, audited_update, user_or_none
from dangjian.grid.access import duty_area_paths
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place, PlaceKind

from .models import (
    Case,
    Category,
    FollowUp,
    Kind,
    Mediator,
    Outcome,
    Party,
    PartyRole,
    Session,
    State,
)

PHONE = re.compile(r"^[0-9+\- ]{7,20}$")
#: the places a case can be about: a grid area (or a building/corridor in it) or a household
CASE_PLACE_KINDS = (PlaceKind.GRID, PlaceKind.BUILDING, PlaceKind.CORRIDOR, PlaceKind.HOUSEHOLD)


def deadline_for(kind: str, received_on: dt.date, community: Organisation) -> dt.date:
    """受理之日 + the days of rule ``grid.case_deadline`` for the kind (the community's own
    numbers if it has any)."""
    days = rules.value("grid.case_deadline", kind, org=community)
    return received_on + dt.timedelta(days=int(days))


def may_work(user: Any, community: Organisation, place: Place) -> bool:
    """The community's changing grant, or a cadre duty on an area above the place."""
    if scope_for(user).reaches_path(community.path, CHANGE):
        return True
    return any(place.path.startswith(p) for p in duty_area_paths(user))


def _check_access(user: Any, case: Case) -> None:
    if not may_work(user, case.community, case.place):
        raise PermissionDenied(_("只有本社区书记、委员或本网格的网格员可以办理这个案件。"))


def _locked(case: Case | int) -> Case:
    return (
        Case.objects.select_for_update()
        .select_related("community", "place")
        .get(pk=getattr(case, "pk", case))
    )


def _date_errors(
    errors: dict[str, str], field: str, value: dt.date | None, label: str, *, after: dt.date
) -> None:
    today = timezone.localdate()
    if value is None:
        errors[field] = _("请填写%(l)s。") % {"l": label}
    elif value > today:
        errors[field] = _("%(l)s不能晚于今天。") % {"l": label}
    elif value < after:
        errors[field] = _("%(l)s不能早于受理日期（%(d)s）。") % {"l": label, "d": after.isoformat()}


def _clean_party(data: dict[str, Any], prefix: str = "") -> tuple[dict[str, str], dict[str, Any]]:
    errors: dict[str, str] = {}
    name = (data.get("name") or "").strip()
    role = data.get("role") or ""
    phone = re.sub(r"\s+", "", data.get("phone") or "")
    if not name:
        errors[f"{prefix}name"] = _("请填写当事人姓名。")
    elif len(name) > Party._meta.get_field("name").max_length:
        errors[f"{prefix}name"] = _("姓名太长了。")
    if role not in PartyRole.values:
        errors[f"{prefix}role"] = _("请选择当事人身份（申请人或被申请人）。")
    if phone and not PHONE.match(phone):
        errors[f"{prefix}phone"] = _("请填写正确的联系电话（7 到 20 位数字）。")
    return errors, {"name": name, "role": role, "phone": phone}


def _create_party(case: Case, clean: dict[str, Any], *, acting_user: Any) -> Party:
    """The party, audited with the phone masked (the audit is read more widely than the case)."""
    party = Party.objects.create(case=case, **clean)
    data = audit.snapshot(party)
    data["phone"] = party.masked_phone
    audit.record(
        action=AuditEntry.Action.CREATE,
        obj=party,
        acting_user=acting_user,
        changes=audit.diff({}, data),
    )
    return party


def _mediator_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username())[:50]


@transaction.atomic
def case_open(
    *,
    acting_user: Any,
    community: Organisation,
    place: Place | int | None,
    kind: str,
    category: str,
    received_on: dt.date | None,
    summary: str,
    parties: Iterable[dict[str, Any]] = (),
    mediator_names: Iterable[str] = (),
    me_as_mediator: bool = False,
) -> Case:
    """受理 a petition or dispute about a place of the community, with its parties and mediators;
    the deadline comes from rule ``grid.case_deadline`` for the kind."""
    errors: dict[str, str] = {}
    if community.kind not in COMMUNITY_KINDS:
        raise ValidationError(_("信访和调解案件由社区党组织受理。"))
    pk = getattr(place, "pk", place)
    found = (
        Place.objects.select_related("community")
        .filter(pk=pk, community=community, kind__in=CASE_PLACE_KINDS)
        .first()
        if isinstance(pk, int)
        else None
    )
    if found is None:
        errors["place"] = _("请选择本社区的住户或网格。")
    elif not may_work(acting_user, community, found):
        raise PermissionDenied(_("只有本社区书记、委员或本网格的网格员可以受理。"))
    if kind not in Kind.values:
        errors["kind"] = _("请选择类别（信访或民事调解）。")
    if category not in Category.values:
        errors["category"] = _("请选择纠纷类型。")
    today = timezone.localdate()
    if received_on is None:
        errors["received_on"] = _("请填写受理日期。")
    elif received_on > today:
        errors["received_on"] = _("受理日期不能晚于今天。")
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("请简要写明纠纷情况。")
    elif len(summary) > 1000:
        errors["summary"] = _("简要情况请不超过 1000 字。")
    clean_parties = []
    for p in parties:
        if not (p.get("name") or "").strip() and not (p.get("phone") or "").strip():
            continue  # an empty line of the form
        e, clean = _clean_party(p, prefix=f"{p.get('role') or 'party'}_")
        errors.update(e)
        clean_parties.append(clean)
    names = [n.strip() for n in mediator_names if n and n.strip()]
    if any(len(n) > 50 for n in names):
        errors["mediators"] = _("调解员姓名太长了。")
    if errors:
        raise ValidationError(errors)
    assert found is not None and received_on is not None
    case = Case.objects.create(
        community=community,
        place=found,
        kind=kind,
        category=category,
        received_on=received_on,
        summary=summary,
        deadline=deadline_for(kind, received_on, community),
        recorded_by=user_or_none(acting_user),
    )
    audit.record_create(case, acting_user=acting_user)
    for clean in clean_parties:
        _create_party(case, clean, acting_user=acting_user)
    if me_as_mediator and user_or_none(acting_user) is not None:
        _add_mediator(case, acting_user=acting_user, user=acting_user)
    for n in dict.fromkeys(names):
        _add_mediator(case, acting_user=acting_user, name=n)
    return case


def _add_mediator(case: Case, *, acting_user: Any, user: Any = None, name: str = "") -> Mediator:
    name = _mediator_name(user) if user is not None else name.strip()
    if not name:
        raise ValidationError({"name": _("请填写调解员姓名。")})
    if len(name) > 50:
        raise ValidationError({"name": _("调解员姓名太长了。")})
    existing = Mediator.objects.filter(case=case, name=name).first()
    if existing is not None:
        return existing
    m = Mediator.objects.create(case=case, user=user, name=name)
    audit.record_create(m, acting_user=acting_user)
    return m


@transaction.atomic
def mediator_add(case: Case, *, acting_user: Any, name: str = "", me: bool = False) -> Mediator:
    """Another mediator for the case: the acting user, or a name."""
    case = _locked(case)
    _check_access(acting_user, case)
    if not case.is_open:
        raise ValidationError(_("案件已了结，不能再添加调解员。"))
    if me:
        if user_or_none(acting_user) is None:
            raise ValidationError({"name": _("请填写调解员姓名。")})
        return _add_mediator(case, acting_user=acting_user, user=acting_user)
    return _add_mediator(case, acting_user=acting_user, name=name)


@transaction.atomic
def party_add(case: Case, *, acting_user: Any, name: str, role: str, phone: str = "") -> Party:
    """Another 申请人 or 被申请人 of an open case."""
    case = _locked(case)
    _check_access(acting_user, case)
    if not case.is_open:
        raise ValidationError(_("案件已了结，不能再添加当事人。"))
    errors, clean = _clean_party({"name": name, "role": role, "phone": phone})
    if errors:
        raise ValidationError(errors)
    return _create_party(case, clean, acting_user=acting_user)


@transaction.atomic
def session_record(
    case: Case,
    *,
    acting_user: Any,
    held_on: dt.date | None,
    venue: str = "",
    mediators: Iterable[int] = (),
    agreed: str = "",
) -> Session:
    """One mediation session of an open case; the case goes from 受理 to 调解中."""
    case = _locked(case)
    _check_access(acting_user, case)
    if not case.is_open:
        raise ValidationError(_("案件已了结，不能再记录调解。"))
    errors: dict[str, str] = {}
    _date_errors(errors, "held_on", held_on, _("调解日期"), after=case.received_on)
    venue = (venue or "").strip()
    if len(venue) > 100:
        errors["venue"] = _("调解地点请写简短些。")
    agreed = (agreed or "").strip()
    if len(agreed) > 2000:
        errors["agreed"] = _("达成的内容请不超过 2000 字。")
    ids = {int(m) for m in mediators}
    chosen = list(Mediator.objects.filter(case=case, pk__in=ids))
    if len(chosen) != len(ids):
        errors["mediators"] = _("请从本案的调解员中选择。")
    if errors:
        raise ValidationError(errors)
    s = Session.objects.create(
        case=case,
        held_on=held_on,
        venue=venue,
        agreed=agreed,
        recorded_by=user_or_none(acting_user),
    )
    s.mediators.set(chosen)
    audit.record_create(s, acting_user=acting_user)
    if case.state == State.RECEIVED:
        audited_update(case, data={"state": State.MEDIATING}, acting_user=acting_user)
    return s


@transaction.atomic
def case_close(
    case: Case,
    *,
    acting_user: Any,
    version: int,
    outcome: str,
    closed_on: dt.date | None,
    agreement: str = "",
    referred_to: str = "",
) -> Case:
    """了结: 调解成功 needs the agreed terms, 转交 needs where to. Closing twice is refused, and of
    two people closing at once the first wins; the second is told who was first."""
    current = _locked(case)
    _check_access(acting_user, current)
    if not current.is_open:
        raise ValidationError(
            _("这个案件已于 %(d)s 了结（%(o)s），不能再次了结。")
            % {"d": current.closed_on.isoformat(), "o": current.get_outcome_display()},
            code="closed",
        )
    if current.version != version:
        raise ConflictError(
            _(
                "这个案件刚被他人修改过（您打开的是第 %(mine)d 版，现在是第 %(now)d 版）。请刷新页面，核对后再了结。"
            )
            % {"mine": version, "now": current.version},
            code="conflict",
        )
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("请选择结果（调解成功、未成功或转交）。")
    _date_errors(errors, "closed_on", closed_on, _("了结日期"), after=current.received_on)
    agreement = (agreement or "").strip()
    referred_to = (referred_to or "").strip()
    if outcome == Outcome.SUCCESS and not agreement:
        errors["agreement"] = _("调解成功请写明协议内容（双方同意的条款）。")
    if outcome == Outcome.REFERRED and not referred_to:
        errors["referred_to"] = _("转交请写明转交到哪里（如：街道司法所、派出所、法院）。")
    if len(agreement) > 2000:
        errors["agreement"] = _("协议内容请不超过 2000 字。")
    if len(referred_to) > 100:
        errors["referred_to"] = _("转交去向请写简短些。")
    if errors:
        raise ValidationError(errors)
    return audited_update(
        current,
        data={
            "state": State.CLOSED,
            "outcome": outcome,
            "closed_on": closed_on,
            "agreement": agreement if outcome == Outcome.SUCCESS else "",
            "referred_to": referred_to if outcome == Outcome.REFERRED else "",
        },
        acting_user=acting_user,
        expected_version=version,
    )


@transaction.atomic
def followup_add(
    case: Case, *, acting_user: Any, visited_on: dt.date | None, note: str, by_name: str = ""
) -> FollowUp:
    """回访: a visit to the parties, during the case or after it was closed."""
    case = _locked(case)
    _check_access(acting_user, case)
    errors: dict[str, str] = {}
    _date_errors(errors, "visited_on", visited_on, _("回访日期"), after=case.received_on)
    note = (note or "").strip()
    if not note:
        errors["note"] = _("请写明回访情况。")
    elif len(note) > 1000:
        errors["note"] = _("回访情况请不超过 1000 字。")
    user = user_or_none(acting_user)
    by_name = (by_name or "").strip() or (_mediator_name(user) if user else "")
    if not by_name:
        errors["by_name"] = _("请填写回访人。")
    elif len(by_name) > 50:
        errors["by_name"] = _("回访人姓名太长了。")
    if errors:
        raise ValidationError(errors)
    f = FollowUp.objects.create(
        case=case, visited_on=visited_on, note=note, by=user, by_name=by_name
    )
    audit.record_create(f, acting_user=acting_user)
    return f


def case_read(case: Case, *, acting_user: Any, ip: str | None = None) -> AuditEntry:
    """Opening a case (page, agreement, API): who read it and when (SPEC §8)."""
    return audit.record_read(case, acting_user=acting_user, ip=ip)
