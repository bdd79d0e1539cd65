"""Writes of grid areas' people (SPEC §8): put a cadre (包片干部/网格员) or a 社情联络员 on an area,
and end that duty. Only a changing grant on the community may do either — a cadre reads their own
area, never changes who is responsible for it. Every write is atomic and audited; ending uses the
row's ``version`` (optimistic locking), so two secretaries cannot overwrite each other."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.core.services import audited_create, audited_update
from dangjian.members.models import Member
from dangjian.orgs.models import Place, PlaceKind

from .access import forget_duties
from .models import AreaDuty, DutyRole


def _area(area: Place | int | None, acting_user: Any) -> Place:
    """The grid place asked for, if the acting user may change its community; else the same
    message as for one that does not exist."""
    pk = getattr(area, "pk", area)
    found = (
        Place.objects.select_related("community").filter(pk=pk, kind=PlaceKind.GRID).first()
        if isinstance(pk, int)
        else None
    )
    if found is None or not scope_for(acting_user).reaches_path(found.community.path, CHANGE):
        raise ValidationError({"area": _("请选择您负责的社区中的网格/片区。")})
    return found


def _overlaps(qs: Any, since: dt.date, until: dt.date | None) -> Any:
    """Duties whose period meets [since, until]."""
    qs = qs.filter(Q(until__isnull=True) | Q(until__gte=since))
    if until is not None:
        qs = qs.filter(since__lte=until)
    return qs


@transaction.atomic
def duty_assign(
    *,
    acting_user: Any,
    area: Place | int | None,
    role: str,
    since: dt.date | None,
    until: dt.date | None = None,
    user: Any = None,
    username: str = "",
    member: Member | int | None = None,
    name: str = "",
) -> AreaDuty:
    """Put someone on an area from ``since`` (to ``until``, open when None).

    A cadre needs a login account (``user`` or ``username``): it is what lets them reach the
    households of their area. A liaison may be just a name; either may be a party member of the
    community (``member``), whose name is then the default."""
    place = _area(area, acting_user)
    errors: dict[str, str] = {}
    if role not in DutyRole.values:
        errors["role"] = _("请选择职责（包片干部或社情联络员）。")
    if since is None:
        errors["since"] = _("请填写起始日期。")
    elif until is not None and until < since:
        errors["until"] = _("结束日期不能早于起始日期（%(d)s）。") % {"d": since.isoformat()}
    account = user
    if account is None and (username or "").strip():
        account = get_user_model().objects.filter(username=username.strip(), is_active=True).first()
        if account is None:
            errors["username"] = _("没有这个登录账号（或已停用），请核对用户名。")
    if role == DutyRole.CADRE and account is None and "username" not in errors:
        errors["username"] = _("包片干部需要有登录账号，请填写其用户名。")
    person = None
    if member not in (None, ""):
        mpk = getattr(member, "pk", member)
        person = (
            Member.objects.filter(pk=mpk)
            .filter(subtree_q("org__path", place.community.path))
            .first()
            if isinstance(mpk, int)
            else None
        )
        if person is None:
            errors["member"] = _("请选择本社区的党员。")
    name = (name or "").strip()
    if not name and person is not None:
        name = person.name
    if not name and account is not None:
        profile = getattr(account, "profile", None)
        name = getattr(profile, "display_name", "") or account.get_username()
    max_name = AreaDuty._meta.get_field("name").max_length or 50
    if not name:
        errors["name"] = _("请填写姓名。")
    elif len(name) > max_name:
        errors["name"] = _("姓名不超过 %(n)d 个字。") % {"n": max_name}
    if errors:
        raise ValidationError(errors)
    assert since is not None
    # lock the area's duties while checking for a duplicate: two secretaries adding the same
    # cadre at once get one row and one clear refusal
    existing = AreaDuty.objects.select_for_update().filter(area=place, role=role)
    existing = _overlaps(existing, since, until)
    if role == DutyRole.CADRE and existing.filter(user=account).exists():
        raise ValidationError(
            {"username": _("%(n)s 在这段时间已是本片区的包片干部。") % {"n": name}}
        )
    if role == DutyRole.LIAISON:
        same = Q(member=person) if person is not None else Q(name=name, member__isnull=True)
        if existing.filter(same).exists():
            raise ValidationError(
                {"name": _("%(n)s 在这段时间已是本片区的社情联络员。") % {"n": name}}
            )
    duty = audited_create(
        AreaDuty,
        data={
            "area": place,
            "role": role,
            "user": account,
            "member": person,
            "name": name,
            "since": since,
            "until": until,
        },
        acting_user=acting_user,
    )
    if account is not None:
        forget_duties(account)
    return duty


@transaction.atomic
def duty_end(
    duty: AreaDuty | int, *, acting_user: Any, until: dt.date | None, version: int | None
) -> AreaDuty:
    """End a duty on ``until`` (it stays in the area's history)."""
    pk = getattr(duty, "pk", duty)
    d = AreaDuty.objects.select_related("area__community", "user").filter(pk=pk).first()
    if d is None or not scope_for(acting_user).reaches_path(d.area.community.path, CHANGE):
        raise ValidationError(_("没有找到这条片区职责，或您无权修改。"))
    if until is None:
        raise ValidationError({"until": _("请填写结束日期。")})
    if d.until is not None:
        raise ValidationError(
            {"until": _("这条职责已于 %(d)s 结束。") % {"d": d.until.isoformat()}}
        )
    if until < d.since:
        raise ValidationError(
            {"until": _("结束日期不能早于起始日期（%(d)s）。") % {"d": d.since.isoformat()}}
        )
    d = audited_update(d, data={"until": until}, acting_user=acting_user, expected_version=version)
    if d.user is not None:
        forget_duties(d.user)
    return d
