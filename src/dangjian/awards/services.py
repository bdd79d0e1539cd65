"""Writes of the awards: decide a community's model-community stars, open a round of the
outstanding-party-worker selection, nominate, decide a nomination. Each is atomic and audited;
re-deciding updates with optimistic locking (``version``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.assessment.selectors import may_decide
from dangjian.core import rules
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.core.services import ConflictError, audited_create, audited_update, user_or_none
from dangjian.members.models import Member, State
from dangjian.orgs.models import COMMUNITY_KINDS, UPPER_KINDS, Organisation

from . import selectors
from .models import ModelCommunityDecision, Nomination, Outcome, Round


class NotAllowed(ValidationError):
    """The user may not make this decision (pages and the API answer 404)."""


def _stars(raw: Any) -> int:
    try:
        stars = int(str(raw).strip())
    except (TypeError, ValueError):
        stars = -1
    if not 0 <= stars <= 5:
        raise ValidationError({"stars": _("星级请选择 0 到 5（0 表示不评为示范点）。")})
    return stars


@transaction.atomic
def model_decide(
    *,
    acting_user: Any,
    community: Organisation,
    year: int,
    stars: Any,
    reason: str = "",
    version: int | None = None,
) -> ModelCommunityDecision:
    """Decide (or re-decide) the community's stars for the year.

    The proposal is computed now and kept with the decision; a decision different from it needs
    a reason. Re-deciding needs the version the user saw (``version``), else it is refused.
    """
    if not may_decide(user=acting_user, community=community):
        raise NotAllowed(_("只有街道（镇）或县（区）党委可以决定示范点，社区不能决定本社区。"))
    stars = _stars(stars)
    reason = (reason or "").strip()
    prop = selectors.proposal(community, year, decision=None)
    if stars != prop.stars and not reason:
        if prop.stars is None:
            msg = _("当年尚无评分、没有建议星级，决定时请写明理由。")
        else:
            msg = _("决定与建议（%(p)d 星）不同，请写明理由。") % {"p": prop.stars}
        raise ValidationError({"reason": msg})
    data = {
        "proposed_stars": prop.stars,
        "proposed_total": prop.total,
        "decided_stars": stars,
        "reason": reason,
        "decided_by": user_or_none(acting_user),
        "decided_at": timezone.now(),
    }
    existing = (
        ModelCommunityDecision.objects.select_for_update()
        .filter(community=community, year=year)
        .first()
    )
    if existing is None:
        if version not in (None, 0):
            raise ConflictError(
                _("该记录已被他人修改。请刷新页面，核对后再保存。"), code="conflict"
            )
        return audited_create(
            ModelCommunityDecision,
            data={"community": community, "year": year, **data},
            acting_user=acting_user,
        )
    if version is None:
        raise ConflictError(
            _("本年度已有决定（第 %(now)d 版）。请刷新页面，核对后再修改。")
            % {"now": existing.version},
            code="conflict",
        )
    return audited_update(existing, data=data, acting_user=acting_user, expected_version=version)


def every_years(org: Organisation) -> int:
    return int(rules.value("assess.outstanding_workers", "every_years", org=org))


@transaction.atomic
def round_open(
    *,
    acting_user: Any,
    org: Organisation,
    year: int,
    title: str,
    nominate_by: dt.date | None,
) -> Round:
    """Open a round; refused if the organisation's previous round is too recent (the rule
    ``assess.outstanding_workers``)."""
    scope = scope_for(acting_user)
    if org.kind not in UPPER_KINDS or not scope.reaches_path(org.path, CHANGE):
        raise NotAllowed(_("只有街道（镇）或县（区）党委可以组织评选。"))
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("请填写评选名称。")
    if nominate_by is None:
        errors["nominate_by"] = _("请填写推荐截止日期。")
    if not 2000 <= int(year or 0) <= 2100:
        errors["year"] = _("请填写年度。")
    if errors:
        raise ValidationError(errors)
    gap = every_years(org)
    near = (
        Round.objects.select_for_update()
        .filter(org=org, year__gt=year - gap, year__lt=year + gap)
        .order_by("-year")
        .first()
    )
    if near is not None:
        raise ValidationError(
            {
                "year": _(
                    "%(org)s 已于 %(prev)d 年开展过评选；按规定每 %(n)d 年评选一次，"
                    "%(year)d 年不能再开展。"
                )
                % {"org": org.name, "prev": near.year, "n": gap, "year": year}
            }
        )
    return audited_create(
        Round,
        data={
            "org": org,
            "year": year,
            "title": title,
            "nominate_by": nominate_by,
            "created_by": user_or_none(acting_user),
        },
        acting_user=acting_user,
    )


@transaction.atomic
def nominate(
    *,
    acting_user: Any,
    rnd: Round,
    community: Organisation,
    member: Member | None = None,
    staff: Any = None,
    citation: str = "",
    today: dt.date | None = None,
) -> Nomination:
    """A community nominates one of its members and/or community workers."""
    today = today or timezone.localdate()
    scope = scope_for(acting_user)
    if (
        community.kind not in COMMUNITY_KINDS
        or not community.path.startswith(rnd.org.path)
        or not scope.reaches_path(community.path, CHANGE)
    ):
        raise NotAllowed(_("只能为本社区推荐。"))
    if member is None and staff is not None and staff.member_id:
        member = Member.objects.select_related("org").filter(pk=staff.member_id).first()
    errors: dict[str, str] = {}
    if today > rnd.nominate_by:
        errors["__all__"] = _("推荐截止日期（%(d)s）已过。") % {"d": rnd.nominate_by.isoformat()}
    if member is None and staff is None:
        errors["member"] = _("请选择被推荐的党员或社区工作者。")
    if member is not None and (
        member.state != State.ACTIVE or not member.org.path.startswith(community.path)
    ):
        errors["member"] = _("被推荐的党员须是本社区在册的党员。")
    if staff is not None:
        if staff.community_id != community.pk or (staff.left_on and staff.left_on <= today):
            errors["staff"] = _("被推荐的社区工作者须是本社区在岗的工作者。")
        elif member is not None and staff.member_id and staff.member_id != member.pk:
            errors["staff"] = _("所选社区工作者与所选党员不是同一人。")
    if not (citation or "").strip():
        errors["citation"] = _("请写明推荐理由（主要事迹）。")
    same = Nomination.objects.filter(round=rnd)
    if member is not None and same.filter(member=member).exists():
        errors["member"] = _("此人已被推荐过。")
    elif staff is not None and same.filter(staff=staff).exists():
        errors["staff"] = _("此人已被推荐过。")
    if errors:
        raise ValidationError(errors)
    return audited_create(
        Nomination,
        data={
            "round": rnd,
            "community": community,
            "member": member,
            "staff": staff,
            "citation": citation.strip(),
            "nominated_by": user_or_none(acting_user),
        },
        acting_user=acting_user,
    )


@transaction.atomic
def nomination_decide(
    *,
    acting_user: Any,
    nomination: Nomination,
    outcome: str,
    reason: str = "",
    version: int | None = None,
) -> Nomination:
    """The round's organisation decides: chosen or not chosen, with a reason when not chosen."""
    if not selectors.may_decide_round(acting_user, nomination.round):
        raise NotAllowed(_("只有组织评选的街道（镇）或县（区）党委可以决定。"))
    reason = (reason or "").strip()
    if outcome not in (Outcome.CHOSEN, Outcome.NOT_CHOSEN):
        raise ValidationError({"outcome": _("请选择“评为优秀”或“未评上”。")})
    if outcome == Outcome.NOT_CHOSEN and not reason:
        raise ValidationError({"reason": _("未评上的请写明理由。")})
    return audited_update(
        nomination,
        data={
            "outcome": outcome,
            "decision_reason": reason,
            "decided_by": user_or_none(acting_user),
            "decided_at": timezone.now(),
        },
        acting_user=acting_user,
        expected_version=version,
    )


def members_for(community: Organisation):  # noqa: ANN201 - a queryset
    """Who a community may nominate: its active members."""
    return (
        Member.objects.filter(subtree_q("org__path", community.path), state=State.ACTIVE)
        .select_related("org")
        .order_by("org__path", "name")
    )


def staff_for(community: Organisation, today: dt.date | None = None):  # noqa: ANN201
    from dangjian.staff.models import Staff

    today = today or timezone.localdate()
    return Staff.objects.filter(community=community).current(today).order_by("name")
