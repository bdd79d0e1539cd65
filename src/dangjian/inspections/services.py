"""Writes of 督查与整改: record an inspection with its findings, edit it, add findings; add and
edit rectification tasks (the inspecting side); close a task with evidence (the inspected side —
or the inspecting one, or the task's owner); reopen it with a reason (the inspecting side).

Every write is atomic and audited, checks the version the user saw, and refuses bad input with a
Chinese message, changing nothing. Who may do what:

* the *inspecting side*: a changing grant reaching the inspecting organisation (its own, or one
  above it);
* the *inspected side*: a changing grant reaching the inspected organisation — which includes
  every level above it, the inspecting one too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.models import Grant
from dangjian.core import audit, rules
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError, audited_update, user_or_none
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS, UPPER_KINDS, Organisation

from .models import Action, Event, Finding, FollowUp, Inspection, Kind

MAX_FILE_BYTES = 20 * 1024 * 1024
#: evidence documents: a PDF, or a Word / Excel file (both ZIP containers) — by their bytes
EVIDENCE_TYPES = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04"}
INSPECTED_KINDS = COMMUNITY_KINDS | BRANCH_KINDS


# ---- who ---------------------------------------------------------------------------------
def may_inspect(user: Any, inspection: Inspection) -> bool:
    """The inspecting side: record, edit, add tasks, reopen."""
    return scope_for(user).reaches_path(inspection.inspecting.path, CHANGE)


def may_close(user: Any, follow_up: FollowUp, inspection: Inspection) -> bool:
    """The inspected side (and everyone above it), or the task's owner."""
    if scope_for(user).reaches_path(inspection.inspected.path, CHANGE):
        return True
    return bool(follow_up.owner_id) and follow_up.owner_id == getattr(user, "pk", None)


def _refuse() -> PermissionDenied:
    return PermissionDenied(_("只有督查组织的书记、委员可以做这件事。"))


def owners_for(inspected: Organisation) -> Any:
    """Users who may answer for a task: a grant on the inspected organisation or below it."""
    from django.contrib.auth import get_user_model

    users = Grant.objects.filter(subtree_q("org__path", inspected.path)).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=users, is_active=True)
        .select_related("profile")
        .order_by("username")
    )


def user_label(user: Any) -> str:
    """A person's name as the platform shows it: their profile's name, else their account's."""
    try:
        name = user.profile.display_name
    except ObjectDoesNotExist:  # no profile row
        name = ""
    return name or user.get_full_name() or user.get_username()


def default_deadline(inspection: Inspection) -> dt.date:
    days = int(rules.value("inspection.followup", "default_days", org=inspection.inspected))
    return inspection.date + dt.timedelta(days=days)


def _check_version(obj: Any, version: int | None) -> None:
    if version is not None and obj.version != version:
        raise ConflictError(
            _(
                "该记录已被他人修改（您打开的是第 %(mine)d 版，现在是第 %(now)d 版）。请刷新页面，核对后再保存。"
            )
            % {"mine": version, "now": obj.version},
            code="conflict",
        )


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("请填写%(label)s。") % {"label": label}})
    if len(text) > max_length:
        raise ValidationError(
            {
                field: _("%(label)s请写简短些（不超过 %(n)d 字）。")
                % {"label": label, "n": max_length}
            }
        )
    return text


def _findings(texts: list[str]) -> list[str]:
    out = [str(t).strip() for t in texts or [] if str(t or "").strip()]
    for t in out:
        if len(t) > 500:
            raise ValidationError({"findings": _("每条问题请写简短些（不超过 500 字）。")})
    return out


# ---- inspections -------------------------------------------------------------------------
def _check_header(
    *,
    kind: str,
    date: dt.date | None,
    inspectors: str,
    summary: str,
    today: dt.date,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("请选择督查形式。")
    if date is None:
        errors["date"] = _("请填写督查日期。")
    elif date > today:
        errors["date"] = _("督查日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "date": date,
        "inspectors": _text(inspectors, field="inspectors", label=_("督查人员"), max_length=200),
        "summary": _text(
            summary, field="summary", label=_("总体情况"), max_length=2000, required=False
        ),
    }


@transaction.atomic
def inspection_record(
    *,
    acting_user: Any,
    inspecting: Organisation | None,
    inspected: Organisation | None,
    kind: str,
    date: dt.date | None,
    inspectors: str,
    summary: str = "",
    findings: list[str] | None = None,
    today: dt.date | None = None,
) -> Inspection:
    """Record an inspection of ``inspected`` (a community or branch) by ``inspecting`` (a street,
    town or county above it) with its findings, in order."""
    today = today or timezone.localdate()
    if inspecting is None or inspecting.kind not in UPPER_KINDS:
        raise ValidationError({"inspecting": _("督查组织须是街道、镇或县（区）党组织。")})
    if not scope_for(acting_user).reaches_path(inspecting.path, CHANGE):
        raise _refuse()
    if (
        inspected is None
        or inspected.kind not in INSPECTED_KINDS
        or not inspected.path.startswith(inspecting.path)
        or inspected.path == inspecting.path
    ):
        raise ValidationError({"inspected": _("被督查组织须是督查组织下属的社区或支部。")})
    data = _check_header(kind=kind, date=date, inspectors=inspectors, summary=summary, today=today)
    texts = _findings(findings or [])
    inspection = Inspection.objects.create(
        inspecting=inspecting,
        inspected=inspected,
        recorded_by=user_or_none(acting_user),
        **data,
    )
    audit.record_create(inspection, acting_user=acting_user)
    for i, text in enumerate(texts, start=1):
        f = Finding.objects.create(inspection=inspection, text=text, order=i)
        audit.record_create(f, acting_user=acting_user)
    return inspection


@transaction.atomic
def inspection_update(
    *,
    acting_user: Any,
    inspection: Inspection,
    version: int | None,
    kind: str,
    date: dt.date | None,
    inspectors: str,
    summary: str = "",
    today: dt.date | None = None,
) -> Inspection:
    """Correct the kind, date, inspectors or summary of an inspection."""
    today = today or timezone.localdate()
    inspection = Inspection.objects.select_related("inspecting", "inspected").get(pk=inspection.pk)
    if not may_inspect(acting_user, inspection):
        raise _refuse()
    data = _check_header(kind=kind, date=date, inspectors=inspectors, summary=summary, today=today)
    return audited_update(inspection, data=data, acting_user=acting_user, expected_version=version)


@transaction.atomic
def finding_add(*, acting_user: Any, inspection: Inspection, text: str) -> Finding:
    """Add a problem found, after the others."""
    inspection = Inspection.objects.select_related("inspecting", "inspected").get(pk=inspection.pk)
    if not may_inspect(acting_user, inspection):
        raise _refuse()
    text = _text(text, field="text", label=_("发现的问题"), max_length=500)
    last = inspection.findings.aggregate(n=Max("order"))["n"] or 0
    f = Finding.objects.create(inspection=inspection, text=text, order=last + 1)
    audit.record_create(f, acting_user=acting_user)
    return f


# ---- tasks -------------------------------------------------------------------------------
def _owner(inspection: Inspection, owner: Any, owner_name: str) -> tuple[Any, str]:
    """The owner as an account (a grant on the inspected organisation or below) and a name — or
    only a name, for someone without an account."""
    if owner is not None:
        found = owners_for(inspection.inspected).filter(pk=getattr(owner, "pk", owner)).first()
        if found is None:
            raise ValidationError(
                {"owner": _("责任人须是被督查组织有账号的人员；没有账号的请填写姓名。")}
            )
        name = (owner_name or "").strip() or user_label(found)
        return found, _text(name, field="owner_name", label=_("责任人"), max_length=50)
    return None, _text(owner_name, field="owner_name", label=_("责任人"), max_length=50)


def _check_deadline(inspection: Inspection, deadline: dt.date | None) -> dt.date:
    if deadline is None:
        return default_deadline(inspection)
    if deadline < inspection.date:
        raise ValidationError({"deadline": _("整改时限不能早于督查日期。")})
    return deadline


@transaction.atomic
def followup_add(
    *,
    acting_user: Any,
    finding: Finding,
    task: str,
    owner: Any = None,
    owner_name: str = "",
    deadline: dt.date | None = None,
) -> FollowUp:
    """A rectification task of a finding; without a deadline, the inspection date plus the days
    of rule ``inspection.followup``."""
    finding = Finding.objects.select_related("inspection__inspecting", "inspection__inspected").get(
        pk=finding.pk
    )
    inspection = finding.inspection
    if not may_inspect(acting_user, inspection):
        raise _refuse()
    task = _text(task, field="task", label=_("整改任务"), max_length=300)
    user, name = _owner(inspection, owner, owner_name)
    row = FollowUp.objects.create(
        finding=finding,
        task=task,
        owner=user,
        owner_name=name,
        deadline=_check_deadline(inspection, deadline),
    )
    audit.record_create(row, acting_user=acting_user)
    return row


def _locked(follow_up: FollowUp) -> FollowUp:
    row = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    return FollowUp.objects.select_related(
        "finding__inspection__inspecting", "finding__inspection__inspected", "closure"
    ).get(pk=row.pk)


@transaction.atomic
def followup_update(
    *,
    acting_user: Any,
    follow_up: FollowUp,
    version: int | None,
    task: str,
    owner: Any = None,
    owner_name: str = "",
    deadline: dt.date | None = None,
) -> FollowUp:
    """Change a task's text, owner or deadline (the inspecting side)."""
    row = _locked(follow_up)
    inspection = row.finding.inspection
    if not may_inspect(acting_user, inspection):
        raise _refuse()
    _check_version(row, version)
    user, name = _owner(inspection, owner, owner_name)
    data = {
        "task": _text(task, field="task", label=_("整改任务"), max_length=300),
        "owner": user,
        "owner_name": name,
        "deadline": _check_deadline(inspection, deadline),
    }
    return audited_update(row, data=data, acting_user=acting_user, expected_version=version)


def _evidence_link(link: str) -> str:
    """A link to a record of the platform: a path of this site that resolves to a page."""
    link = (link or "").strip()
    if not link:
        return ""
    if len(link) > 200 or not link.startswith("/") or link.startswith("//"):
        raise ValidationError(
            {"link": _("请填写平台内记录的链接（以 / 开头，例如 /meetings/12/）。")}
        )
    try:
        resolve(link.split("?")[0])
    except Resolver404:
        raise ValidationError({"link": _("平台内没有这个页面，请复制记录页面的地址。")}) from None
    return link


def _evidence_file(upload: Any) -> tuple[Any, str]:
    if upload is None:
        return None, ""
    name = PurePosixPath(str(upload.name)).name[:200]
    suffix = PurePosixPath(name).suffix.lower()
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": _("附件太大，请小于 %(m)d MB。") % {"m": MAX_FILE_BYTES // 1024 // 1024}}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    magic = EVIDENCE_TYPES.get(suffix)
    if magic is None or not head.startswith(magic):
        raise ValidationError(
            {"file": _("附件只收 PDF、Word（.docx）或 Excel（.xlsx）文件；整改情况请用文字说明。")}
        )
    return upload, name


@transaction.atomic
def followup_close(
    *,
    acting_user: Any,
    follow_up: FollowUp,
    version: int | None,
    on: dt.date | None,
    evidence: str,
    link: str = "",
    upload: Any = None,
    today: dt.date | None = None,
) -> FollowUp:
    """Close a task with its evidence: what was done (required), optionally a link to the record
    of it in the platform and a document."""
    today = today or timezone.localdate()
    row = _locked(follow_up)
    inspection = row.finding.inspection
    if not may_close(acting_user, row, inspection):
        raise PermissionDenied(_("只有被督查组织的书记、委员或责任人可以完成整改。"))
    _check_version(row, version)
    if row.closed_on is not None:
        raise ValidationError(_("这项整改已经完成了。"))
    if on is None:
        raise ValidationError({"on": _("请填写完成日期。")})
    if on > today:
        raise ValidationError({"on": _("完成日期不能晚于今天。")})
    if on < inspection.date:
        raise ValidationError({"on": _("完成日期不能早于督查日期。")})
    text = _text(evidence, field="evidence", label=_("整改情况"), max_length=1000)
    link = _evidence_link(link)
    upload, file_name = _evidence_file(upload)
    event = Event(
        follow_up=row,
        action=Action.CLOSE,
        on=on,
        text=text,
        link=link,
        file_name=file_name,
        by=user_or_none(acting_user),
    )
    if upload is not None:
        event.file = upload
    event.save()
    audit.record_create(event, acting_user=acting_user)
    return _move(row, acting_user, closed_on=on, closure=event)


@transaction.atomic
def followup_reopen(
    *, acting_user: Any, follow_up: FollowUp, version: int | None, reason: str
) -> FollowUp:
    """Reopen a closed task (the rectification did not hold): the closure stays in its history."""
    row = _locked(follow_up)
    if not may_inspect(acting_user, row.finding.inspection):
        raise _refuse()
    _check_version(row, version)
    if row.closed_on is None:
        raise ValidationError(_("这项整改还没有完成，不需要重新打开。"))
    text = _text(reason, field="reason", label=_("重新打开的理由"), max_length=1000)
    event = Event.objects.create(
        follow_up=row,
        action=Action.REOPEN,
        on=timezone.localdate(),
        text=text,
        by=user_or_none(acting_user),
    )
    audit.record_create(event, acting_user=acting_user)
    return _move(row, acting_user, closed_on=None, closure=None)


def _move(row: FollowUp, acting_user: Any, **data: Any) -> FollowUp:
    before = audit.snapshot(row)
    for k, v in data.items():
        setattr(row, k, v)
    row.version += 1
    row.save(update_fields=[*data, "version", "updated_at"])
    audit.record(
        action=AuditEntry.Action.UPDATE,
        obj=row,
        acting_user=acting_user,
        changes=audit.diff(before, audit.snapshot(row)),
    )
    return row
