"""Writes of bodies, their member units (seats), county-leader links and study groups.

Keyword-only, atomic, audited; callers pass the acting user and have already checked that the
user may change the organisation concerned (views and API fetch through ``changeable_by``).
Nothing here deletes: a seat ends (``left_on``), a leader link ends (``until``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import subtree_q
from dangjian.core.models import AuditEntry
from dangjian.core.services import audited_update
from dangjian.members.models import Category, Member
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, OrgKind, ResidentUnit

from . import cadence_kept, services
from .models import Body, BodyKind, LeaderLink, Meeting, MeetingKind, Seat, StudyGroup

#: Which bodies an organisation of each level leads (SPEC §4, seed 002).
COMMUNITY_BODY_KINDS = (
    BodyKind.JOINT,
    BodyKind.MEMBER_COUNCIL,
    BodyKind.MEMBER_CONGRESS,
    BodyKind.RESIDENT_CONGRESS,
    BodyKind.HEARING,
)


def kinds_for(org: Organisation) -> tuple[str, ...]:
    """The kinds of body an organisation of this level may lead."""
    if org.kind == OrgKind.COUNTY:
        return (BodyKind.GUIDANCE,)
    if org.kind in (OrgKind.STREET, OrgKind.TOWN):
        return (BodyKind.COORDINATION,)
    if org.kind in COMMUNITY_KINDS:
        return COMMUNITY_BODY_KINDS
    return ()


def _check_kind(org: Organisation, kind: str) -> None:
    allowed = kinds_for(org)
    if not allowed:
        raise ValidationError(
            {"org": _("只有县委、街道（镇）党（工）委和社区党组织可以牵头议事协调机构。")}
        )
    if kind not in allowed:
        raise ValidationError(
            {
                "kind": _("%(org)s 可以牵头的是：%(kinds)s。")
                % {"org": org.name, "kinds": "、".join(str(BodyKind(k).label) for k in allowed)}
            }
        )


# ---- bodies -------------------------------------------------------------------------------
@transaction.atomic
def body_add(
    *,
    org: Organisation,
    kind: str,
    name: str,
    acting_user: Any,
    established_on: dt.date | None = None,
) -> Body:
    _check_kind(org, kind)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写名称。")})
    return services.body_create(
        acting_user=acting_user, org=org, kind=kind, name=name, established_on=established_on
    )


@transaction.atomic
def body_update(
    *, body: Body, acting_user: Any, expected_version: int | None = None, **fields: Any
) -> Body:
    """Change a body; moving it to another organisation keeps its seats only when their units
    lie in the new organisation's area."""
    org = fields.get("org", body.org)
    kind = fields.get("kind", body.kind)
    _check_kind(org, kind)
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise ValidationError({"name": _("请填写名称。")})
    if org.pk != body.org_id:
        stray = (
            Seat.objects.filter(body=body, left_on__isnull=True)
            .filter(
                (Q(unit__isnull=False) & ~subtree_q("unit__community__path", org.path))
                | (Q(member_org__isnull=False) & ~subtree_q("member_org__path", org.path))
            )
            .values_list("name", flat=True)[:5]
        )
        if stray:
            raise ValidationError(
                {
                    "org": _("以下成员单位不在 %(org)s 范围内，请先办理退出：%(names)s")
                    % {"org": org.name, "names": "、".join(stray)}
                }
            )
        if Meeting.objects.filter(body=body).exists():
            raise ValidationError(
                {"org": _("该机构已经开过会，不能改为其他党组织牵头；请新建一个机构。")}
            )
    cadence_kept.touch([body.org_id])  # its kind decides which rule its meetings count for
    return audited_update(
        body, data=fields, acting_user=acting_user, expected_version=expected_version
    )


# ---- seats --------------------------------------------------------------------------------
def _check_seat_member(
    body: Body, unit: ResidentUnit | None, member_org: Organisation | None
) -> None:
    if (unit is None) == (member_org is None):
        raise ValidationError({"unit": _("请选择一个驻区单位，或者一个成员党组织（二选一）。")})
    if unit is not None and not unit.community.path.startswith(body.org.path):
        raise ValidationError(
            {"unit": _("该驻区单位不在 %(org)s 范围内。") % {"org": body.org.name}}
        )
    if member_org is not None and not member_org.path.startswith(body.org.path):
        raise ValidationError(
            {"member_org": _("该党组织不在 %(org)s 范围内。") % {"org": body.org.name}}
        )


@transaction.atomic
def seat_add(
    *,
    body: Body,
    acting_user: Any,
    joined_on: dt.date,
    unit: ResidentUnit | None = None,
    member_org: Organisation | None = None,
    name: str = "",
    head: str = "",
) -> Seat:
    """A member unit joins a body: a resident unit of the body's area, or an organisation."""
    if not body.has_unit_seats:
        raise ValidationError(
            _("%(kind)s 不实行成员单位制，不登记成员单位。") % {"kind": body.get_kind_display()}
        )
    _check_seat_member(body, unit, member_org)
    if (
        unit is not None
        and Seat.objects.filter(body=body, unit=unit, left_on__isnull=True).exists()
    ):
        raise ValidationError({"unit": _("该单位已经是本机构的成员单位。")})
    if (
        member_org is not None
        and Seat.objects.filter(body=body, member_org=member_org, left_on__isnull=True).exists()
    ):
        raise ValidationError({"member_org": _("该党组织已经是本机构的成员单位。")})
    name = (name or "").strip() or (unit.name if unit else member_org.name)
    head = (head or "").strip() or (unit.head if unit else "")
    return services.seat_create(
        body=body,
        acting_user=acting_user,
        unit=unit,
        member_org=member_org,
        name=name,
        head=head,
        joined_on=joined_on,
    )


@transaction.atomic
def seat_update(
    *, seat: Seat, acting_user: Any, expected_version: int | None = None, **fields: Any
) -> Seat:
    """Change a seat's name, head or dates (the member unit itself stays; end it and add a new
    seat for another unit)."""
    allowed = {"name", "head", "joined_on", "left_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown seat fields: {sorted(unknown)}")
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise ValidationError({"name": _("请填写成员单位名称。")})
    if "head" in fields:
        fields["head"] = (fields["head"] or "").strip()
    return audited_update(
        seat, data=fields, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def seat_end(
    *,
    seat: Seat,
    left_on: dt.date,
    acting_user: Any,
    expected_version: int | None = None,
) -> Seat:
    """A member unit leaves the body on ``left_on``; the seat and its record stay."""
    if seat.left_on is not None:
        raise ValidationError({"left_on": _("该成员单位已于 %(d)s 退出。") % {"d": seat.left_on}})
    if left_on < seat.joined_on:
        raise ValidationError({"left_on": _("退出日期不能早于加入日期。")})
    return audited_update(
        seat, data={"left_on": left_on}, acting_user=acting_user, expected_version=expected_version
    )


# ---- county leaders -----------------------------------------------------------------------
@transaction.atomic
def leader_link_add(
    *,
    community: Organisation,
    name: str,
    since: dt.date,
    acting_user: Any,
    title: str = "",
) -> LeaderLink:
    if community.kind not in COMMUNITY_KINDS:
        raise ValidationError({"community": _("县领导联系的是社区，请选择一个社区党组织。")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写县领导姓名。")})
    if LeaderLink.objects.filter(community=community, name=name, until__isnull=True).exists():
        raise ValidationError({"name": _("%(name)s 已经在联系本社区。") % {"name": name}})
    return services.leader_link_create(
        acting_user=acting_user,
        community=community,
        name=name,
        title=(title or "").strip(),
        since=since,
    )


@transaction.atomic
def leader_link_end(
    *, link: LeaderLink, until: dt.date, acting_user: Any, expected_version: int | None = None
) -> LeaderLink:
    if link.until is not None:
        raise ValidationError({"until": _("该联系已于 %(d)s 结束。") % {"d": link.until}})
    if until < link.since:
        raise ValidationError({"until": _("联系结束日期不能早于开始日期。")})
    return audited_update(
        link, data={"until": until}, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def leader_visit_record(
    *,
    community: Organisation,
    date: dt.date,
    leaders: Iterable[LeaderLink],
    acting_user: Any,
    topic: str = "",
    place: str = "",
    minutes: str = "",
) -> Meeting:
    """A county leader's supervision visit (督导): a meeting of kind LEADER_VISIT naming the
    linked leaders who came."""
    leaders = list(leaders)
    if not leaders:
        raise ValidationError({"leaders": _("请选择来督导的县领导。")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("督导还没有发生，不能登记。")})
    off = [ln.name for ln in leaders if ln.since > date or (ln.until and ln.until < date)]
    if off:
        raise ValidationError(
            {"leaders": _("%(names)s 在这一天没有联系本社区。") % {"names": "、".join(off)}}
        )
    return services.meeting_create(
        org=community,
        acting_user=acting_user,
        leaders=leaders,
        kind=MeetingKind.LEADER_VISIT,
        date=date,
        topic=(topic or "").strip() or _("县领导督导社区党建工作"),
        place=(place or "").strip(),
        minutes=(minutes or "").strip(),
    )


# ---- study groups -------------------------------------------------------------------------
def _check_group(org: Organisation, category: str) -> None:
    if category and category not in Category.values:
        raise ValidationError({"category": _("党员类别不正确。")})
    if org.kind == OrgKind.GROUP:
        raise ValidationError({"org": _("学习小组由社区或支部建立，请选择社区或支部。")})


def _check_members(org: Organisation, members: list[Member]) -> None:
    outside = [m.name for m in members if not m.org.path.startswith(org.path)]
    if outside:
        raise ValidationError(
            {
                "members": _("%(names)s 不是 %(org)s 的党员。")
                % {"names": "、".join(outside[:5]), "org": org.name}
            }
        )


@transaction.atomic
def study_group_add(
    *,
    org: Organisation,
    name: str,
    acting_user: Any,
    category: str = "",
    members: Iterable[Member] = (),
) -> StudyGroup:
    _check_group(org, category)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写学习小组名称。")})
    members = list(members)
    _check_members(org, members)
    return services.study_group_create(
        acting_user=acting_user, org=org, name=name, category=category, members=members
    )


@transaction.atomic
def study_group_update(
    *, group: StudyGroup, acting_user: Any, expected_version: int | None = None, **fields: Any
) -> StudyGroup:
    allowed = {"name", "category", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown study group fields: {sorted(unknown)}")
    _check_group(group.org, fields.get("category", group.category))
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise ValidationError({"name": _("请填写学习小组名称。")})
    return audited_update(
        group, data=fields, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def study_group_set_members(
    *,
    group: StudyGroup,
    add: Iterable[Member] = (),
    remove: Iterable[int] = (),
    acting_user: Any,
) -> StudyGroup:
    """Add and remove members (members of the group's organisation or below); audited."""
    add = list(add)
    _check_members(group.org, add)
    before = sorted(group.members.values_list("pk", flat=True))
    if add:
        group.members.add(*add)
    remove = [int(i) for i in remove]
    if remove:
        group.members.remove(*remove)
    after = sorted(group.members.values_list("pk", flat=True))
    if before != after:
        StudyGroup.objects.filter(pk=group.pk).update(version=group.version + 1)
        group.version += 1
        audit.record(
            action=AuditEntry.Action.UPDATE,
            obj=group,
            acting_user=acting_user,
            changes={"members": {"before": before, "after": after}},
        )
    return group
