"""Writes of the commitment workflow: every step atomic, audited, logged as a :class:`Step`,
and refused with a plain Chinese message when it is not this user's step or not this
commitment's turn. Two people acting on one commitment at once: the first wins, the second is
told to reload (optimistic locking on ``version``) and nothing of theirs is half-written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.meetings.models import Meeting, MeetingKind
from dangjian.members.models import Member
from dangjian.members.models import State as MemberState

from . import workflow as who
from .models import Commitment, Kind, State, Step

#: The steps a person can take, with the words for them.
ACTIONS = {
    "apply": gettext_lazy("党员申诺"),
    "deliberate": gettext_lazy("集体议诺"),
    "return_from_deliberation": gettext_lazy("议诺退回修改"),
    "approve": gettext_lazy("上级审诺"),
    "return_from_review": gettext_lazy("审诺退回修改"),
    "open_evaluation": gettext_lazy("开始评诺"),
    "conclude": gettext_lazy("评定等次"),
}
SYSTEM_ACTIONS = {"publish": gettext_lazy("公开示诺")}
#: Meetings in which a branch deliberates commitments.
DELIBERATING_KINDS = (MeetingKind.BRANCH_GENERAL, MeetingKind.BRANCH_COMMITTEE)
_EDITABLE = ("kind", "title", "content", "measures")


def _clean_text(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: (data.get(k) or "").strip() for k in _EDITABLE}
    errors = {}
    if out["kind"] not in Kind.values:
        errors["kind"] = _("请选择承诺类型：岗位承诺或实事承诺。")
    if not out["title"]:
        errors["title"] = _("请填写承诺事项。")
    if not out["content"]:
        errors["content"] = _("请填写承诺内容。")
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def commitment_draft(
    *, acting_user: Any, member: Member, year: int | None = None, **data: Any
) -> Commitment:
    """A new draft (申诺之前): written by the member, or by their branch on their behalf."""
    if member.state != MemberState.ACTIVE:
        raise ValidationError(_("该党员不在册，不能作出承诺。"))
    org = member.org  # a branch or a community's own organisation (never a group)
    scope = scope_for(acting_user)
    if scope.member_id != member.pk and not scope.reaches_path(org.path, CHANGE):
        raise PermissionDenied(_("只有党员本人或所在支部可以填写承诺。"))
    fields = _clean_text(data)
    c = Commitment(member=member, org=org, year=year or timezone.localdate().year, **fields)
    c.full_clean()
    c.save()
    audit.record_create(c, acting_user=acting_user)
    return c


def _check_version(c: Commitment, expected_version: int | None) -> None:
    if expected_version is not None and c.version != expected_version:
        raise ConflictError(
            _(
                "这条承诺已被他人处理（您打开的是第 %(mine)d 版，现在是第 %(now)d 版）。请刷新页面后再操作。"
            )
            % {"mine": expected_version, "now": c.version},
            code="conflict",
        )


def _save(c: Commitment, *, before: dict[str, Any], version: int, acting_user: Any) -> None:
    """Write the changed fields only if nobody else wrote since ``version`` was read."""
    after = audit.snapshot(c)
    changes = audit.diff(before, after)
    fields = {
        f.attname: getattr(c, f.attname) for f in c._meta.concrete_fields if f.name in changes
    }
    updated = Commitment.objects.filter(pk=c.pk, version=version).update(
        **fields, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise ConflictError(
            _("这条承诺刚被他人处理过，您的操作没有保存。请刷新页面后再操作。"), code="conflict"
        )
    c.version = version + 1
    audit.record(action=AuditEntry.Action.UPDATE, obj=c, acting_user=acting_user, changes=changes)


@transaction.atomic
def commitment_edit(
    c: Commitment, *, acting_user: Any, expected_version: int | None, **data: Any
) -> Commitment:
    """Change the words of a draft (also after it was sent back for revision)."""
    c = Commitment.objects.select_related("org").get(pk=c.pk)
    _check_version(c, expected_version)
    if c.state != State.DRAFT:
        raise ValidationError(_("承诺已提交，不能再修改；如需修改，请支部或上级退回。"))
    if scope_for(acting_user).member_id != c.member_id and not scope_for(acting_user).reaches_path(
        c.org.path, CHANGE
    ):
        raise PermissionDenied(_("只有党员本人或所在支部可以修改承诺。"))
    before = audit.snapshot(c)
    for k, v in _clean_text(data).items():
        setattr(c, k, v)
    _save(c, before=before, version=c.version, acting_user=acting_user)
    return c


def _check_meeting(c: Commitment, meeting: Meeting | None, *, today: dt.date) -> None:
    if meeting is None:
        raise ValidationError({"meeting": _("集体议诺须在支部会议上进行，请选择议诺的会议。")})
    if meeting.org_id != c.org_id or meeting.kind not in DELIBERATING_KINDS:
        raise ValidationError({"meeting": _("议诺会议须是本支部的支部党员大会或支委会。")})
    if meeting.cancelled or meeting.date > today:
        raise ValidationError({"meeting": _("议诺会议须是已经召开的会议。")})
    applied = c.steps.filter(action="apply").order_by("-at").values_list("on", flat=True).first()
    if applied is not None and meeting.date < applied:
        raise ValidationError({"meeting": _("议诺会议不能早于党员申诺的日期。")})


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回时请写明原因，便于党员修改。")})
    return reason


@transaction.atomic
def take_step(
    c: Commitment,
    *,
    action: str,
    acting_user: Any,
    expected_version: int | None,
    today: dt.date | None = None,
    meeting: Meeting | None = None,
    reason: str = "",
) -> Commitment:
    """Take one step of the workflow as ``acting_user``. Refused — nothing written — when the
    step is not this commitment's turn, not this user's step, or someone acted first."""
    today = today or timezone.localdate()
    if action not in ACTIONS:
        raise ValidationError(_("没有这个环节。"))
    c = Commitment.objects.select_related("org", "org__parent", "member").get(pk=c.pk)
    _check_version(c, expected_version)
    method = getattr(c, action)
    label = ACTIONS[action]
    if not can_proceed(method):
        raise ValidationError(
            _("这条承诺目前处于“%(state)s”环节，不能进行“%(step)s”。")
            % {"state": c.get_state_display(), "step": label}
        )
    if not has_transition_perm(method, acting_user):
        raise PermissionDenied(_("“%(step)s”不是您可以办理的环节。") % {"step": label})
    kwargs: dict[str, Any] = {}
    if action == "deliberate":
        _check_meeting(c, meeting, today=today)
        kwargs["meeting"] = meeting
    elif action.startswith("return_"):
        kwargs["reason"] = _check_reason(reason)
    elif action == "conclude":
        kwargs.update(_conclusion(c))
    before, version, from_state = audit.snapshot(c), c.version, c.state
    proxy = action == "apply" and not who.is_the_member(c, acting_user)
    method(**kwargs)
    _save(c, before=before, version=version, acting_user=acting_user)
    Step.objects.create(
        commitment=c,
        action=action,
        from_state=from_state,
        to_state=c.state,
        actor=acting_user,
        on=today,
        reason=_("由支部代为申诺（党员无账号）") if proxy else kwargs.get("reason", ""),
        meeting=kwargs.get("meeting"),
    )
    if c.state == State.APPROVED:
        _publish(c, today=today)
    return c


def _conclusion(c: Commitment) -> dict[str, Any]:
    from .models import Tier
    from .services_rating import result_for

    if not c.ratings.filter(tier=Tier.ORG).exists():
        raise ValidationError(_("请先由组织作出评定（组织评定），再评定等次。"))
    result = result_for(c)
    return {"score": result.score, "grade": result.grade}


def _publish(c: Commitment, *, today: dt.date) -> None:
    """公开示诺: the system's step, right after the approval."""
    before, version, from_state = audit.snapshot(c), c.version, c.state
    c.publish(on=today)
    _save(c, before=before, version=version, acting_user=None)
    Step.objects.create(
        commitment=c, action="publish", from_state=from_state, to_state=c.state, on=today
    )
