"""Writes of the 困难家庭台帐: record a difficulty of a household, end it (kept in history), reveal
the masked kind and note (audited), pair an in-service member with the household (through the
check-in service — one kind of pairing) and record help given (one deed). Every write is atomic
and audited; the kind and note never go into the audit in clear."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.checkin import services as checkin_services
from dangjian.checkin.models import CheckIn, Pairing
from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.models import AuditEntry
from dangjian.core.services import audited_update, user_or_none
from dangjian.deeds.models import Deed
from dangjian.deeds.services import deed_record
from dangjian.orgs.models import Place, PlaceKind

from .models import Difficulty, Kind

MASK = "***"


def _may_change(acting_user: Any, household: Place) -> None:
    if not scope_for(acting_user).reaches_path(household.community.path, CHANGE):
        raise PermissionDenied(_("只有本社区党组织书记、委员可以登记困难家庭。"))


def _household(household: Place | int | None) -> Place:
    pk = getattr(household, "pk", household)
    found = (
        Place.objects.select_related("community").filter(pk=pk, kind=PlaceKind.HOUSEHOLD).first()
        if isinstance(pk, int)
        else None
    )
    if found is None:
        raise ValidationError({"household": _("请选择社区登记的住户（户）。")})
    return found


def _masked_snapshot(d: Difficulty) -> dict[str, Any]:
    data = audit.snapshot(d)
    data["kind"] = MASK
    data["note"] = MASK if d.note else ""
    return audit.diff({}, data)


@transaction.atomic
def difficulty_record(
    *,
    acting_user: Any,
    household: Place | int | None,
    kind: str,
    since: dt.date | None,
    note: str = "",
    today: dt.date | None = None,
) -> Difficulty:
    """登记 one kind of difficulty of a household of the community."""
    today = today or timezone.localdate()
    place = _household(household)
    _may_change(acting_user, place)
    max_note = Difficulty._meta.get_field("note").max_length or 0
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("请选择困难类别。")
    if since is None:
        errors["since"] = _("请填写起始日期。")
    elif since > today:
        errors["since"] = _("起始日期不能晚于今天。")
    note = (note or "").strip()
    if len(note) > max_note:
        errors["note"] = _("情况说明请写简短些（不超过 %(n)d 字）。") % {"n": max_note}
    if (
        not errors
        and Difficulty.objects.filter(household=place, kind=kind, until__isnull=True).exists()
    ):
        errors["kind"] = _("这户已登记了这一类困难；情况变化请先结束原登记。")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            d = Difficulty.objects.create(
                household=place,
                kind=kind,
                since=since,
                note=note,
                recorded_by=user_or_none(acting_user),
            )
    except IntegrityError:  # a colleague registered the same kind a moment ago
        raise ValidationError(
            {"kind": _("这户已登记了这一类困难；情况变化请先结束原登记。")}
        ) from None
    audit.record(
        action=AuditEntry.Action.CREATE,
        obj=d,
        acting_user=acting_user,
        changes=_masked_snapshot(d),
    )
    return d


@transaction.atomic
def difficulty_end(
    d: Difficulty, *, acting_user: Any, until: dt.date | None, version: int
) -> Difficulty:
    """结束 a difficulty (脱困, moved away …): ``until`` is set, the row stays in history."""
    d = Difficulty.objects.select_related("household__community").get(pk=d.pk)
    _may_change(acting_user, d.household)
    if d.until is not None:
        raise ValidationError({"until": _("这条登记已经结束了。")})
    if until is None:
        raise ValidationError({"until": _("请填写结束日期。")})
    if until > timezone.localdate():
        raise ValidationError({"until": _("结束日期不能晚于今天。")})
    if until < d.since:
        raise ValidationError(
            {"until": _("结束日期不能早于起始日期（%(d)s）。") % {"d": d.since.isoformat()}}
        )
    return audited_update(
        d, data={"until": until}, acting_user=acting_user, expected_version=version
    )


def difficulty_reveal(*, household: Place, acting_user: Any, ip: str | None = None) -> None:
    """The kinds and notes of a household, shown on purpose: every reveal is logged."""
    _may_change(acting_user, household)
    audit.record(
        action=AuditEntry.Action.REVEAL,
        obj=household,
        acting_user=acting_user,
        field="households.difficulty",
        ip=ip,
    )


def register_reveal(
    *, acting_user: Any, scope_path: str, what: str, ip: str | None = None, **details: Any
) -> None:
    """A reveal of many rows at once (a filter by kind, an export with kinds): logged once."""
    audit.record(
        action=AuditEntry.Action.REVEAL,
        obj=None,
        acting_user=acting_user,
        field="households.difficulty",
        changes={"what": what, **{k: audit.plain(v) for k, v in details.items()}},
        scope_path=scope_path,
        ip=ip,
    )


def pairable(household: Place) -> Any:
    """The in-service members checked in to the household's community, now."""
    return (
        CheckIn.objects.filter(community_id=household.community_id, ended_on__isnull=True)
        .select_related("member")
        .order_by("member__name", "pk")
    )


@transaction.atomic
def household_pair(
    *, acting_user: Any, household: Place, checkin: CheckIn | int | None, since: dt.date | None
) -> Pairing:
    """结对帮扶: an in-service member checked in to the community takes on a household in the
    register, through the check-in service (``checkin.services.pairing_add``)."""
    place = _household(household)
    _may_change(acting_user, place)
    pk = getattr(checkin, "pk", checkin)
    c = pairable(place).filter(pk=pk).first() if isinstance(pk, int) else None
    if c is None:
        raise ValidationError({"checkin": _("请选择在本社区报到的在职党员。")})
    if not Difficulty.objects.filter(household=place, until__isnull=True).exists():
        raise ValidationError(_("这户不在困难家庭台帐中（或已结束），请先登记困难情况。"))
    if Pairing.objects.filter(checkin=c, household=place, until__isnull=True).exists():
        raise ValidationError({"checkin": _("%(m)s 已经与这户结对了。") % {"m": c.member.name}})
    return checkin_services.pairing_add(c, acting_user=acting_user, since=since, household=place)


@transaction.atomic
def household_help(
    *,
    acting_user: Any,
    household: Place,
    members: Iterable[int],
    title: str,
    date: dt.date | None,
) -> Deed:
    """帮扶记录: help given to the household, recorded once as a deed of the community (so it
    counts in each member's check-in year and in the household's history)."""
    place = _household(household)
    _may_change(acting_user, place)
    ids = [int(m) for m in members]
    if not ids:
        raise ValidationError({"members": _("请至少选择一名参加帮扶的党员。")})
    return deed_record(
        acting_user=acting_user,
        community=place.community,
        household=place,
        members=ids,
        title=title,
        date=date,
    )


@transaction.atomic
def household_unpair(
    *, acting_user: Any, pairing: Pairing, on: dt.date | None, version: int | None
) -> Pairing:
    """结束结对 from the register: the community's own check (need-to-know), then the check-in
    service that ends the one kind of pairing (``checkin.services.pairing_end``)."""
    p = Pairing.objects.select_related("household__community").get(pk=pairing.pk)
    if p.household_id is None:
        raise ValidationError(_("这次结对没有对应台帐中的住户。"))
    _may_change(acting_user, p.household)
    return checkin_services.pairing_end(acting_user=acting_user, pairing=p, on=on, version=version)
