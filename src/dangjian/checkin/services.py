"""Writes of 在职党员到社区报到: checking in (by the member or a secretary), deeds (recorded as
``deeds.Deed`` of the community) and pairings. Audited; a check-in puts a CHECK_IN event on the
timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.forms import too_long
from dangjian.core.services import ConflictError, audited_update
from dangjian.deeds.models import Deed
from dangjian.deeds.services import deed_record
from dangjian.members.models import EventKind, Member, State
from dangjian.members.services import member_record_event, member_update
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place, PlaceKind, ResidentUnit

from .models import CheckIn, Pairing


def _may_act(checkin_member: Member, community: Organisation, acting_user: Any) -> bool:
    scope = scope_for(acting_user)
    return (
        scope.member_id == checkin_member.pk
        or scope.reaches_path(community.path, CHANGE)
        or scope.reaches_path(checkin_member.org.path, CHANGE)
    )


def _employer_onto_member(
    member: Member, *, acting_user: Any, employer: str, unit: ResidentUnit | None
) -> None:
    """The employer is asked at check-in only when the member's record has none, and what is
    given is written onto the record (never kept on the check-in)."""
    if member.employer_unit_id or member.work_unit.strip():
        return
    if unit is not None:
        member_update(member, data={"employer_unit": unit}, acting_user=acting_user)
    elif (employer or "").strip():
        if long := too_long(employer.strip(), Member._meta.get_field("work_unit").max_length):
            raise ValidationError({"employer": long})
        member_update(member, data={"work_unit": employer.strip()}, acting_user=acting_user)
    else:
        raise ValidationError({"employer": _("请填写工作单位。")})


@transaction.atomic
def check_in(
    *,
    acting_user: Any,
    member: Member,
    community: Organisation,
    employer: str = "",
    unit: ResidentUnit | None = None,
    on: dt.date | None = None,
) -> CheckIn:
    """报到. The member's employer is read from their record; ``employer`` (text) or ``unit``
    fill it in when the record has none."""
    member = Member.objects.select_related("org").get(pk=member.pk)
    on = on or timezone.localdate()
    if not _may_act(member, community, acting_user):
        raise PermissionDenied(_("只有党员本人、报到社区或党员所在党组织可以登记报到。"))
    if community.kind not in COMMUNITY_KINDS:
        raise ValidationError({"community": _("请选择报到的社区。")})
    if member.state != State.ACTIVE:
        raise ValidationError(_("该党员不在册。"))
    if on > timezone.localdate():
        raise ValidationError({"on": _("报到日期不能晚于今天。")})
    current = (
        CheckIn.objects.filter(member=member, ended_on__isnull=True)
        .select_related("community")
        .first()
    )
    if current is not None:
        raise ValidationError(
            _("已在“%(c)s”报到，如需改到其他社区请先解除原报到。") % {"c": current.community.name}
        )
    _employer_onto_member(member, acting_user=acting_user, employer=employer, unit=unit)
    c = CheckIn.objects.create(member=member, community=community, checked_in_on=on)
    member_record_event(
        member=member,
        kind=EventKind.CHECK_IN,
        date=on,
        acting_user=acting_user,
        to_org_name=community.name,
    )
    audit.record_create(c, acting_user=acting_user)
    return c


def _checkin_for(c: CheckIn, acting_user: Any) -> CheckIn:
    c = CheckIn.objects.select_related("member__org", "community").get(pk=c.pk)
    if not _may_act(c.member, c.community, acting_user):
        raise PermissionDenied(_("只有党员本人、报到社区或党员所在党组织可以登记。"))
    if c.ended_on is not None:
        raise ValidationError(_("报到已解除。"))
    return c


def _household_of(c: CheckIn, household: Place | int | None) -> Place | None:
    if household in (None, ""):
        return None
    pk = getattr(household, "pk", household)
    found = Place.objects.filter(
        pk=pk, kind=PlaceKind.HOUSEHOLD, community_id=c.community_id
    ).first()
    if found is None:
        raise ValidationError({"household": _("请选择本社区登记的住户。")})
    return found


@transaction.atomic
def deed_add(
    c: CheckIn,
    *,
    acting_user: Any,
    date: dt.date | None,
    title: str,
    household: Place | int | None = None,
) -> Deed:
    """记实事 on the check-in page: one deed of the community checked in to, the member taking
    part (``deeds.services.deed_record``) — counted for the check-in, and anywhere else the deed
    counts, from that one row."""
    c = _checkin_for(c, acting_user)
    if not (title or "").strip():
        raise ValidationError({"title": _("请写明为社区办了什么实事。")})
    if date is None or date > timezone.localdate() or date < c.checked_in_on:
        raise ValidationError({"date": _("日期须在报到之后，且不晚于今天。")})
    return deed_record(
        acting_user=acting_user,
        community=c.community,
        date=date,
        title=title,
        members=[c.member_id],
        household=_household_of(c, household),
    )


@transaction.atomic
def pairing_add(
    c: CheckIn,
    *,
    acting_user: Any,
    since: dt.date | None,
    household: Place | int | None = None,
    household_note: str = "",
) -> Pairing:
    """结对帮扶 a household of the community: one on the places tree, or — only for one not yet
    on it — named in ``household_note``."""
    c = _checkin_for(c, acting_user)
    place = _household_of(c, household)
    note = "" if place is not None else (household_note or "").strip()
    if long := too_long(note, Pairing._meta.get_field("household_note").max_length):
        raise ValidationError({"household": long})
    if place is None and not note:
        raise ValidationError({"household": _("请选择结对帮扶的住户。")})
    if since is None or since > timezone.localdate():
        raise ValidationError({"since": _("结对日期不能晚于今天。")})
    p = Pairing.objects.create(checkin=c, household=place, household_note=note, since=since)
    audit.record_create(p, acting_user=acting_user)
    return p


@transaction.atomic
def check_out(c: CheckIn, *, acting_user: Any, on: dt.date | None, reason: str) -> CheckIn:
    """报到解除 (the member changed jobs or moved away): the check-in ends on ``on``, its deeds
    and pairings stay in the ledgers, and the member's timeline gets a CHECK_OUT event. The
    member may then check in elsewhere."""
    c = _checkin_for(c, acting_user)
    errors: dict[str, str] = {}
    if on is None:
        errors["on"] = _("请填写解除日期。")
    elif on > timezone.localdate():
        errors["on"] = _("解除日期不能晚于今天。")
    elif on < c.checked_in_on:
        errors["on"] = _("解除日期不能早于报到日期（%(d)s）。") % {"d": c.checked_in_on.isoformat()}
    if not (reason or "").strip():
        errors["reason"] = _("请写明解除原因，如工作变动、搬离本社区。")
    elif long := too_long(reason.strip(), CheckIn._meta.get_field("end_reason").max_length):
        errors["reason"] = long
    if errors:
        raise ValidationError(errors)
    c = audited_update(
        c, data={"ended_on": on, "end_reason": reason.strip()}, acting_user=acting_user
    )
    member_record_event(
        member=c.member,
        kind=EventKind.CHECK_OUT,
        date=on,
        acting_user=acting_user,
        from_org_name=c.community.name,
        note=reason.strip(),
    )
    return c


@transaction.atomic
def pairing_end(
    *, acting_user: Any, pairing: Pairing, on: dt.date | None, version: int | None
) -> Pairing:
    """结束结对 (the household is out of difficulty, moved away, another member takes over): the
    pairing ends on ``on`` and stays in the ledgers and the household's history. Who may pair
    may end (the member, the community, the member's organisation).

    Optimistic lock: ``version`` is what the user's page showed. A pairing only ever changes by
    ending, so its state is its version — :func:`pairing_version` (1 open, 2 ended) until the
    model keeps a ``version`` of its own, which is then used. Two people ending one pairing at
    once: the row is locked, the second is told it was already ended and nothing changes."""
    current = (
        Pairing.objects.select_for_update(of=("self",))
        .select_related("checkin__member__org", "checkin__community", "household")
        .get(pk=pairing.pk)
    )
    c = current.checkin
    if not _may_act(c.member, c.community, acting_user):
        raise PermissionDenied(_("只有党员本人、报到社区或党员所在党组织可以结束结对。"))
    if current.until is not None:
        raise ConflictError(
            _("这次结对已于 %(d)s 结束（可能是他人刚刚操作），请刷新页面查看。")
            % {"d": current.until.isoformat()},
            code="conflict",
        )
    if version is not None and pairing_version(current) != int(version):
        raise ConflictError(_("这次结对已被他人修改，请刷新页面，核对后再操作。"), code="conflict")
    if c.ended_on is not None:
        raise ValidationError(
            _("%(m)s 的报到已于 %(d)s 解除，结对已随之结束。")
            % {"m": c.member.name, "d": c.ended_on.isoformat()}
        )
    today = timezone.localdate()
    if on is None:
        raise ValidationError({"on": _("请填写结束日期。")})
    if on > today:
        raise ValidationError({"on": _("结束日期不能晚于今天。")})
    if on < current.since:
        raise ValidationError(
            {"on": _("结束日期不能早于结对日期（%(d)s）。") % {"d": current.since.isoformat()}}
        )
    return audited_update(current, data={"until": on}, acting_user=acting_user)


def pairing_version(p: Pairing) -> int:
    """The version a page shows for a pairing (see :func:`pairing_end`)."""
    own = getattr(p, "version", None)
    if own is not None:
        return int(own)
    return 1 if p.until is None else 2
