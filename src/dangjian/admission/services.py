"""Writes of work admission: a department files an entrustment, the town decides it, the
community records the tasks it is handed and may decline one that has no approved entrustment.
All atomic and audited; a decision takes the entrustment's version, so two reviewers cannot both
decide it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import CHANGE, scope_for
from dangjian.core.services import audited_create, audited_update, user_or_none
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, OrgKind

from .models import Department, Entrustment, State, Task


def is_contact(user: Any, department: Department) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and department.contacts.filter(pk=user.pk).exists()
    )


def town_of(community: Organisation) -> Organisation | None:
    """The street or town committee above a community (the one that approves its work)."""
    return (
        Organisation.objects.filter(
            pk__in=community.ancestor_ids()[:-1], kind__in=[OrgKind.STREET, OrgKind.TOWN]
        )
        .order_by("-depth")
        .first()
    )


def _amount(raw: Any) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


@transaction.atomic
def entrustment_file(
    *,
    acting_user: Any,
    department: Department,
    community: Organisation,
    task: str,
    quality: str,
    standard: str,
    deadline: dt.date | None,
    funding: Any,
) -> Entrustment:
    """A department's contact (or a secretary on its behalf) files an entrustment."""
    scope = scope_for(acting_user)
    if not (is_contact(acting_user, department) or scope.reaches_path(community.path, CHANGE)):
        raise PermissionDenied(_("只有部门联系人或社区所在的镇（街道）可以提交委托。"))
    if community.kind not in COMMUNITY_KINDS:
        raise ValidationError({"community": _("请选择一个社区。")})
    today = timezone.localdate()
    errors: dict[str, str] = {}
    for field, value, label in (
        ("task", task, _("委托事项")),
        ("quality", quality, _("质量要求")),
        ("standard", standard, _("工作标准")),
    ):
        if not (value or "").strip():
            errors[field] = _("请填写%(f)s。") % {"f": label}
    if deadline is None:
        errors["deadline"] = _("请填写完成时限。")
    elif deadline < today:
        errors["deadline"] = _("完成时限不能早于今天。")
    amount = _amount(funding)
    if amount is None:
        errors["funding"] = _("请填写随事经费（元），没有经费填 0。")
    elif amount < 0:
        errors["funding"] = _("随事经费不能为负数。")
    if errors:
        raise ValidationError(errors)
    return audited_create(
        Entrustment,
        data={
            "department": department,
            "community": community,
            "task": task.strip(),
            "quality": quality.strip(),
            "standard": standard.strip(),
            "deadline": deadline,
            "funding": amount,
            "filed_on": today,
            "filed_by": user_or_none(acting_user),
        },
        acting_user=acting_user,
    )


@transaction.atomic
def entrustment_decide(
    *, acting_user: Any, entrustment: Entrustment, approve: bool, reason: str, version: int
) -> Entrustment:
    """The town (street) above the community approves or refuses; a refusal needs a reason."""
    town = town_of(entrustment.community)
    if town is None or not scope_for(acting_user).reaches_path(town.path, CHANGE):
        raise PermissionDenied(_("只有社区所在的镇（街道）党委可以审核工作准入。"))
    if entrustment.state != State.FILED:
        raise ValidationError(
            _("这份委托已经审核过（%(s)s）。") % {"s": entrustment.get_state_display()}
        )
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("不予准入请写明理由。")})
    return audited_update(
        entrustment,
        data={
            "state": State.APPROVED if approve else State.REFUSED,
            "reason": reason,
            "decided_on": timezone.localdate(),
            "decided_by": user_or_none(acting_user),
        },
        acting_user=acting_user,
        expected_version=version,
    )


def _community_may(acting_user: Any, community: Organisation) -> None:
    if not scope_for(acting_user).reaches_path(community.path, CHANGE):
        raise PermissionDenied(_("只有本社区可以登记在办事项。"))


@transaction.atomic
def task_record(
    *,
    acting_user: Any,
    community: Organisation,
    department: Department,
    title: str,
    received_on: dt.date | None,
    entrustment: Entrustment | None = None,
) -> Task:
    _community_may(acting_user, community)
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = _("请填写工作事项。")
    if received_on is None:
        errors["received_on"] = _("请填写收到日期。")
    elif received_on > timezone.localdate():
        errors["received_on"] = _("收到日期不能晚于今天。")
    if entrustment is not None and (
        entrustment.community_id != community.pk or entrustment.department_id != department.pk
    ):
        errors["entrustment"] = _("这份委托不是这个部门委托本社区的。")
    if errors:
        raise ValidationError(errors)
    return audited_create(
        Task,
        data={
            "community": community,
            "department": department,
            "title": title.strip(),
            "received_on": received_on,
            "entrustment": entrustment,
        },
        acting_user=acting_user,
    )


@transaction.atomic
def task_decline(*, acting_user: Any, task: Task, version: int) -> Task:
    """The community declines a task that has no approved entrustment (准入制)."""
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("community", "entrustment")
        .get(pk=task.pk)
    )
    _community_may(acting_user, task.community)
    if task.admitted:
        raise ValidationError(_("这项工作已经准入，不能以未经准入为由拒绝。"))
    if task.status != Task.Status.DOING:
        raise ValidationError(_("只有承办中的事项可以拒绝。"))
    return audited_update(
        task,
        data={"status": Task.Status.DECLINED, "note": _("未经准入，社区依准入制不予承接。")},
        acting_user=acting_user,
        expected_version=version,
    )
