"""Writes of the staff roster: a worker enters (``staff_create``), is changed (``staff_update``,
optimistic lock) and leaves (``staff_leave``) — never deleted, so the roster of any past day can be
printed. Linking a community worker to their member record: the worker who is a party member is
one person with one record (issue 14), not a second copy of their name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import rules
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.core.services import audited_create, audited_update
from dangjian.members.models import Member, State
from dangjian.orgs.models import Organisation

from .models import Staff


@dataclass
class LinkResult:
    linked: list[Staff] = field(default_factory=list)
    #: staff whose name (and birth date, if given) fits more than one member: not guessed
    ambiguous: list[tuple[Staff, list[Member]]] = field(default_factory=list)
    unmatched: list[Staff] = field(default_factory=list)

    def report(self) -> str:
        lines = [_("已关联 %(n)d 名社区工作者。") % {"n": len(self.linked)}]
        for s, ms in self.ambiguous:
            lines.append(
                _("“%(s)s”对应多名党员（%(m)s），请人工确认。")
                % {"s": s.name, "m": "、".join(f"{m.name}（{m.org.name}）" for m in ms)}
            )
        return "\n".join(lines)


@transaction.atomic
def staff_link_members(
    *,
    community: Organisation,
    acting_user: Any,
    birth_dates: Mapping[int, dt.date] | None = None,
) -> LinkResult:
    """Link each unlinked worker of ``community`` to the one active member of the community with
    the same name — and the same birth date when one is given for the worker (``birth_dates``:
    staff id → date, e.g. from the staff sheet). Two or more such members: reported, not guessed;
    none: left alone (not every worker is a party member)."""
    if not scope_for(acting_user).reaches_path(community.path, CHANGE):
        raise PermissionDenied(_("只有本社区可以关联社区工作者的党员档案。"))
    birth_dates = birth_dates or {}
    staff = list(
        Staff.objects.select_for_update()
        .filter(community=community, member__isnull=True)
        .order_by("pk")
    )
    by_name: dict[str, list[Member]] = {}
    for m in (
        Member.objects.filter(
            subtree_q("org__path", community.path),
            state=State.ACTIVE,
            name__in={s.name.strip() for s in staff},
        )
        .select_related("org")
        .order_by("pk")
    ):
        by_name.setdefault(m.name, []).append(m)
    taken = set(
        Staff.objects.filter(community=community, member__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    out = LinkResult()
    for s in staff:
        found = [m for m in by_name.get(s.name.strip(), []) if m.pk not in taken]
        born = birth_dates.get(s.pk)
        if born is not None:
            found = [m for m in found if m.birth_date == born]
        if len(found) == 1:
            audited_update(s, data={"member": found[0]}, acting_user=acting_user)
            taken.add(found[0].pk)
            out.linked.append(s)
        elif found:
            out.ambiguous.append((s, found))
        else:
            out.unmatched.append(s)
    return out


#: The fields a form may set on a worker.
FIELDS = (
    "name",
    "kind",
    "sub_post",
    "post",
    "started_on",
    "is_seconded",
    "seconded_from",
    "seconded_until",
    "member",
)


def _may_change(acting_user: Any, community: Organisation) -> None:
    if not community.is_community:
        raise ValidationError({"community": _("社区工作者只能登记在社区党组织下。")})
    if not scope_for(acting_user).reaches_path(community.path, CHANGE):
        raise PermissionDenied(_("只有本社区及上级可以维护社区工作者名册。"))


def _check(community: Organisation, data: dict[str, Any], *, pk: int | None = None) -> None:
    """Everything a worker's data must satisfy beyond the model's own checks, all at once."""
    errors: dict[str, str] = {}
    if not (data.get("name") or "").strip():
        errors["name"] = _("请填写姓名。")
    if data.get("kind") != Staff.Kind.PUBLIC_WELFARE and data.get("sub_post"):
        errors["sub_post"] = _("只有公益性岗位才分计生、社保、治安信息员。")
    member = data.get("member")
    if member is not None:
        if not member.org.path.startswith(community.path) or member.state != State.ACTIVE:
            errors["member"] = _("只能关联本社区在册的党员。")
        elif (
            Staff.objects.filter(community=community, member=member, left_on__isnull=True)
            .exclude(pk=pk)
            .exists()
        ):
            errors["member"] = _("这名党员已在社区工作者名册中。")
    if data.get("is_seconded"):
        started, until = data.get("started_on"), data.get("seconded_until")
        if not started or not until:
            errors["seconded_until"] = _("下派干部请填写到岗日期和下派期满日期。")
        else:
            lo = int(rules.value("staff.seconded_term", "min_years", org=community))
            hi = int(rules.value("staff.seconded_term", "max_years", org=community))
            years = (until - started).days / 365.25
            if until <= started:
                errors["seconded_until"] = _("下派期满日期应晚于到岗日期。")
            elif not lo - 0.01 <= years <= hi + 0.01:
                errors["seconded_until"] = _(
                    "下派干部任期应为 %(lo)d–%(hi)d 年（规则“下派干部任期”），现在是 %(y).1f 年。"
                ) % {"lo": lo, "hi": hi, "y": years}
    elif data.get("seconded_until") or data.get("seconded_from"):
        errors["is_seconded"] = _("填写了派出单位或期满日期，请勾选“下派干部”。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def staff_create(*, acting_user: Any, community: Organisation, **data: Any) -> Staff:
    """Add a worker to a community's roster (all checks first; nothing written on refusal)."""
    _may_change(acting_user, community)
    data = {k: data.get(k) for k in FIELDS if k in data}
    data.setdefault("sub_post", "")
    data["name"] = (data.get("name") or "").strip()
    if data.get("member") is not None and not data["name"]:
        data["name"] = data["member"].name
    _check(community, data)
    clean = {
        k: ("" if v is None and k in ("sub_post", "post", "seconded_from") else v)
        for k, v in data.items()
    }
    return audited_create(Staff, data={**clean, "community": community}, acting_user=acting_user)


@transaction.atomic
def staff_update(*, acting_user: Any, staff: Staff, version: int, **data: Any) -> Staff:
    _may_change(acting_user, staff.community)
    merged = {k: getattr(staff, k) for k in FIELDS}
    merged.update({k: v for k, v in data.items() if k in FIELDS})
    merged["name"] = (merged.get("name") or "").strip()
    _check(staff.community, merged, pk=staff.pk)
    changes = {
        k: ("" if v is None and k in ("sub_post", "post", "seconded_from") else v)
        for k, v in merged.items()
    }
    return audited_update(staff, data=changes, acting_user=acting_user, expected_version=version)


@transaction.atomic
def staff_leave(*, acting_user: Any, staff: Staff, on: dt.date | None, version: int) -> Staff:
    """A worker leaves the community's staff on ``on`` (not before they started, not after
    today); they stay in the roster of the days before."""
    _may_change(acting_user, staff.community)
    today = timezone.localdate()
    if on is None:
        raise ValidationError({"left_on": _("请填写离岗日期。")})
    if on > today:
        raise ValidationError({"left_on": _("离岗日期不能晚于今天。")})
    if staff.started_on and on < staff.started_on:
        raise ValidationError({"left_on": _("离岗日期不能早于到岗日期。")})
    if staff.left_on is not None:
        raise ValidationError({"left_on": _("这名工作人员已离岗。")})
    return audited_update(
        staff, data={"left_on": on}, acting_user=acting_user, expected_version=version
    )
