"""Writes of volunteer service: teams and services with each member's hours, in one go."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for
from dangjian.members.models import Member, State
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from .models import Hours, Service, Team, TeamKind


def _check(community: Organisation, acting_user: Any) -> None:
    if community.kind not in COMMUNITY_KINDS:
        raise ValidationError(_("志愿服务队由社区党组织登记。"))
    if not scope_for(acting_user).reaches_path(community.path, CHANGE):
        raise PermissionDenied(_("只有本社区党组织可以登记。"))


@transaction.atomic
def team_create(
    *, acting_user: Any, community: Organisation, name: str, kind: str, leader: str = ""
) -> Team:
    _check(community, acting_user)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("请填写队名。")
    elif Team.objects.filter(community=community, name=name).exists():
        errors["name"] = _("本社区已有同名的服务队。")
    if kind not in TeamKind.values:
        errors["kind"] = _("请选择类别。")
    if errors:
        raise ValidationError(errors)
    team = Team.objects.create(community=community, name=name, kind=kind, leader=leader.strip())
    audit.record_create(team, acting_user=acting_user)
    return team


def _hours(raw: Any) -> Decimal:
    try:
        h = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        h = Decimal(-1)
    if not Decimal(0) < h <= Decimal(24):
        raise ValidationError({"hours": _("时长请填 0.5 到 24 之间的小时数。")})
    return h.quantize(Decimal("0.1"))


@transaction.atomic
def service_record(
    *,
    acting_user: Any,
    team: Team,
    date: dt.date,
    title: str,
    hours: dict[int, Any],
    place: str = "",
    beneficiaries: int | None = None,
) -> Service:
    """One service and every participant's hours (member id → hours), all or nothing."""
    team = Team.objects.select_related("community").get(pk=team.pk)
    _check(team.community, acting_user)
    errors: dict[str, Any] = {}
    if not (title or "").strip():
        errors["title"] = _("请填写服务内容。")
    if date is None or date > timezone.localdate():
        errors["date"] = _("日期不能晚于今天。")
    if not hours:
        errors["hours"] = _("请至少登记一名参加服务的党员。")
    if errors:
        raise ValidationError(errors)
    parsed = {int(k): _hours(v) for k, v in hours.items()}
    members = set(
        Member.objects.filter(
            pk__in=parsed, state=State.ACTIVE, org__path__startswith=team.community.path
        ).values_list("pk", flat=True)
    )
    if members != set(parsed):
        raise ValidationError({"hours": _("登记的党员须是本社区在册党员。")})
    service = Service.objects.create(
        team=team,
        date=date,
        title=title.strip(),
        place=place.strip(),
        beneficiaries=beneficiaries,
        recorded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    Hours.objects.bulk_create(
        [Hours(service=service, member_id=m, hours=h) for m, h in parsed.items()]
    )
    audit.record_create(service, acting_user=acting_user)
    return service
