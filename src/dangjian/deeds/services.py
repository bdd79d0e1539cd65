"""Writes of deeds: record one (with who took part and their hours, the units and team, the
household served), correct it, attach it to a commitment or a post holding (a pick, not a
retype), detach it, delete it. Every write is atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.core.models import AuditEntry
from dangjian.core.services import audited_delete, audited_update, user_or_none
from dangjian.members.models import Member, State
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place, PlaceKind, ResidentUnit

from .models import Deed, Participant


def parse_hours(raw: Any) -> Decimal | None:
    """Hours as typed ("2", "1.5", "") → a Decimal in (0, 24], or None when left empty."""
    if raw is None or str(raw).strip() == "":
        return None
    try:
        h = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        h = Decimal(-1)
    if not Decimal(0) < h <= Decimal(24):
        raise ValidationError({"hours": _("时长请填 0.5 到 24 之间的小时数。")})
    return h.quantize(Decimal("0.1"))


def may_record(*, acting_user: Any, community: Organisation, member_ids: Iterable[int]) -> bool:
    """The community's secretaries, the organisation of every member who took part, or a member
    recording a deed they did alone."""
    scope = scope_for(acting_user)
    ids = set(member_ids)
    if scope.reaches_path(community.path, CHANGE):
        return True
    if ids and ids == {scope.member_id}:
        return True
    if not ids:
        return False
    paths = Member.objects.filter(pk__in=ids).values_list("org__path", flat=True)
    return all(scope.reaches_path(p, CHANGE) for p in paths)


def eligible_members(community: Organisation, units: Iterable[ResidentUnit] = ()) -> Q:
    """Who may be named as having taken part: members of the community, members checked in to
    it, and the in-service members of a unit that took part."""
    q = subtree_q("org__path", community.path) | Q(
        checkins__community=community, checkins__ended_on__isnull=True
    )
    for u in units:
        if u.party_org_id:
            q |= subtree_q("org__path", u.party_org.path)
    return Q(state=State.ACTIVE) & q


def _clean(
    *,
    community: Organisation,
    date: dt.date | None,
    title: str,
    household: Place | None,
    units: list[ResidentUnit],
    team: Any,
    today: dt.date,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if community.kind not in COMMUNITY_KINDS:
        errors["community"] = _("请选择社区。")
    if not (title or "").strip():
        errors["title"] = _("请写明做了什么。")
    if date is None:
        errors["date"] = _("请填写日期。")
    elif date > today:
        errors["date"] = _("日期不能晚于今天；计划中的事请做完后再登记。")
    if household is not None and (
        household.kind != PlaceKind.HOUSEHOLD or household.community_id != community.pk
    ):
        errors["household"] = _("服务对象须是本社区登记的住户。")
    if any(u.community_id != community.pk for u in units) and not all(
        u.community_id == community.pk or community.pk in {o.pk for o in u.also_in.all()}
        for u in units
    ):
        errors["units"] = _("参加单位须是本社区登记的驻区单位。")
    if team is not None and team.community_id != community.pk:
        errors["team"] = _("服务队须是本社区的服务队。")
    return errors


@transaction.atomic
def deed_record(
    *,
    acting_user: Any,
    community: Organisation,
    date: dt.date | None,
    title: str,
    members: Mapping[int, Any] | Iterable[int] = (),
    place: str = "",
    household: Place | None = None,
    beneficiaries: int | None = None,
    team: Any = None,
    units: Iterable[ResidentUnit] = (),
    commitments: Iterable[Any] = (),
    holdings: Iterable[Any] = (),
    today: dt.date | None = None,
) -> Deed:
    """One deed, everyone who took part (member id → hours, or just ids), the units and team,
    and the commitments and post holdings it counts for — all or nothing."""
    today = today or timezone.localdate()
    hours = (
        {int(k): v for k, v in members.items()}
        if isinstance(members, Mapping)
        else {int(m): None for m in members}
    )
    units = list(units)
    if not may_record(acting_user=acting_user, community=community, member_ids=hours):
        raise PermissionDenied(_("只有本社区、参加党员所在党组织或党员本人可以登记。"))
    errors = _clean(
        community=community,
        date=date,
        title=title,
        household=household,
        units=units,
        team=team,
        today=today,
    )
    if not hours and not units:
        errors["members"] = _("请至少选择一名参加的党员或一个参加单位。")
    parsed: dict[int, Decimal | None] = {}
    try:
        parsed = {m: parse_hours(h) for m, h in hours.items()}
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if hours:
        ok = set(
            Member.objects.filter(eligible_members(community, units), pk__in=hours)
            .values_list("pk", flat=True)
            .distinct()
        )
        if ok != set(hours):
            errors["members"] = _("参加的党员须是本社区、在本社区报到或参加单位的在册党员。")
    if errors:
        raise ValidationError(errors)
    deed = Deed.objects.create(
        community=community,
        date=date,
        title=title.strip(),
        place=(place or "").strip(),
        household=household,
        beneficiaries=beneficiaries,
        team=team,
        recorded_by=user_or_none(acting_user),
    )
    Participant.objects.bulk_create(
        [Participant(deed=deed, member_id=m, hours=h) for m, h in parsed.items()]
    )
    if units:
        deed.units.set(units)
    audit.record_create(deed, acting_user=acting_user)
    for c in commitments:
        deed_attach(deed, acting_user=acting_user, commitment=c)
    for h in holdings:
        deed_attach(deed, acting_user=acting_user, holding=h)
    return deed


def _link_audit(deed: Deed, acting_user: Any, changes: dict[str, Any]) -> None:
    audit.record(
        action=AuditEntry.Action.UPDATE, obj=deed, acting_user=acting_user, changes=changes
    )


def _deed_for_change(deed: Deed, acting_user: Any) -> Deed:
    deed = Deed.objects.select_related("community").get(pk=deed.pk)
    ids = list(deed.participants.values_list("member_id", flat=True))
    if not may_record(acting_user=acting_user, community=deed.community, member_ids=ids):
        raise PermissionDenied(_("只有本社区、参加党员所在党组织或党员本人可以修改。"))
    return deed


def _link_owners(*, commitment: Any = None, holding: Any = None) -> list[tuple[int, str]]:
    """(member id, organisation path) of the member whose commitment or post a link is for."""
    from dangjian.commitments.models import Commitment
    from dangjian.commitments.models_posts import PostHolder

    paths: list[tuple[int, str]] = []
    if commitment is not None:
        pk = getattr(commitment, "pk", commitment)
        paths += list(
            Commitment.objects.filter(pk=pk).values_list("member_id", "member__org__path")
        )
    if holding is not None:
        pk = getattr(holding, "pk", holding)
        paths += list(
            PostHolder.objects.filter(pk=pk).values_list("member_id", "member__org__path")
        )
    return paths


def _deed_for_link(deed: Deed, acting_user: Any, owners: list[tuple[int, str]]) -> Deed:
    """Linking a deed to a member's commitment or post (or unlinking it) is the member's or
    their organisation's business, whoever else took part in the deed (a team's service done
    with ten others is still one of this member's deeds); otherwise as for a change."""
    scope = scope_for(acting_user)
    if owners and all(
        scope.member_id == member_id or scope.reaches_path(path, CHANGE)
        for member_id, path in owners
    ):
        return Deed.objects.select_related("community").get(pk=deed.pk)
    return _deed_for_change(deed, acting_user)


@transaction.atomic
def deed_update(deed: Deed, *, acting_user: Any, version: int, data: dict[str, Any]) -> Deed:
    """Correct the date, title, place, household or number served (optimistic lock)."""
    deed = _deed_for_change(deed, acting_user)
    allowed = {"date", "title", "place", "household", "beneficiaries"}
    data = {k: v for k, v in data.items() if k in allowed}
    errors = _clean(
        community=deed.community,
        date=data.get("date", deed.date),
        title=data.get("title", deed.title),
        household=data.get("household", deed.household),
        units=[],
        team=None,
        today=timezone.localdate(),
    )
    if errors:
        raise ValidationError(errors)
    if "title" in data:
        data["title"] = data["title"].strip()
    return audited_update(deed, data=data, acting_user=acting_user, expected_version=version)


@transaction.atomic
def deed_attach(
    deed: Deed, *, acting_user: Any, commitment: Any = None, holding: Any = None
) -> Deed:
    """Count an existing deed for a commitment (践诺) or a post holding (履职) of a member who
    took part in it."""
    from dangjian.commitments.models import Commitment
    from dangjian.commitments.models import State as CState
    from dangjian.commitments.models_posts import PostHolder

    owners = _link_owners(commitment=commitment, holding=holding)
    deed = _deed_for_link(deed, acting_user, owners)
    taken_part = set(deed.participants.values_list("member_id", flat=True))
    if commitment is not None:
        c = Commitment.objects.get(pk=getattr(commitment, "pk", commitment))
        if c.member_id not in taken_part:
            raise ValidationError(_("只能把本人参加的实事记为践诺情况。"))
        if c.state != CState.PUBLISHED:
            raise ValidationError(_("承诺公开示诺后、评诺之前记录践诺情况。"))
        if deed.date.year != c.year:
            raise ValidationError(_("这件事不在承诺年度内。"))
        deed.commitments.add(c)
        _link_audit(deed, acting_user, {"commitments": {"added": c.pk}})
    if holding is not None:
        h = PostHolder.objects.select_related("post").get(pk=getattr(holding, "pk", holding))
        if h.member_id not in taken_part:
            raise ValidationError(_("只能把本人参加的实事记为履职情况。"))
        if deed.date < h.since or (h.until and deed.date > h.until):
            raise ValidationError(_("这件事不在上岗期间内。"))
        deed.holdings.add(h)
        _link_audit(deed, acting_user, {"holdings": {"added": h.pk}})
    return deed


@transaction.atomic
def deed_detach(
    deed: Deed, *, acting_user: Any, commitment: Any = None, holding: Any = None
) -> Deed:
    deed = _deed_for_link(deed, acting_user, _link_owners(commitment=commitment, holding=holding))
    if commitment is not None:
        deed.commitments.remove(commitment)
        _link_audit(
            deed, acting_user, {"commitments": {"removed": getattr(commitment, "pk", commitment)}}
        )
    if holding is not None:
        deed.holdings.remove(holding)
        _link_audit(deed, acting_user, {"holdings": {"removed": getattr(holding, "pk", holding)}})
    return deed


@transaction.atomic
def deed_delete(deed: Deed, *, acting_user: Any) -> None:
    """A deed recorded by mistake. One that is a co-building activity is deleted there."""
    deed = _deed_for_change(deed, acting_user)
    if hasattr(deed, "activity"):
        raise ValidationError(_("这是共建活动的记录，请在共驻共建里修改。"))
    audited_delete(deed, acting_user=acting_user)
