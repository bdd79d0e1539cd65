"""Writes of volunteer service: teams, and a team's service — recorded as a deed with the team
and each member's hours (``deeds.services.deed_record``), in one go."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for
from dangjian.deeds.models import Deed
from dangjian.deeds.services import deed_record, parse_hours
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from .models import Team, TeamKind


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


@transaction.atomic
def service_record(
    *,
    acting_user: Any,
    team: Team,
    date: dt.date | None,
    title: str,
    hours: dict[int, Any],
    place: str = "",
    beneficiaries: int | None = None,
    today: dt.date | None = None,
) -> Deed:
    """One service of the team: a deed with the team and every participant's hours (member id
    → hours, each required), all or nothing. The team's community records it."""
    team = Team.objects.select_related("community").get(pk=team.pk)
    _check(team.community, acting_user)
    for raw in hours.values():
        if parse_hours(raw) is None:  # a team's service counts hours: "" is not "none"
            raise ValidationError({"hours": _("时长请填 0.5 到 24 之间的小时数。")})
    return deed_record(
        acting_user=acting_user,
        community=team.community,
        date=date,
        title=title,
        members={int(k): v for k, v in hours.items()},
        place=place,
        beneficiaries=beneficiaries,
        team=team,
        today=today,
    )
