"""Writes about care: put a member on the care list, change or end it, record visits (one or
several homes at once, all or nothing), and distribute the mutual-aid fund by the weighting
rule. Atomic, audited, optimistically locked; refusals are ValidationErrors in Chinese."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.services import ConflictError, audited_delete, audited_update, user_or_none
from dangjian.members.models import Member
from dangjian.members.services import check_changeable_active
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from . import holidays, weighting
from .models import AidGrant, AidRound, AidState, Holiday, Recipient, Visit, VisitKind

#: what may be corrected on a current record
EDITABLE_FIELDS = ("elderly", "weak", "hardship", "has_project", "project", "situation", "since")


def _today() -> dt.date:
    return timezone.localdate()


def _check_reasons(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not (data.get("elderly") or data.get("weak") or data.get("hardship")):
        errors["hardship"] = _("请至少选择一项关爱原因（年老、体弱多病、生活困难）。")
    if data.get("has_project") and not (data.get("project") or "").strip():
        errors["project"] = _("请填写发展项目（如种植、养殖、小店）。")
    since = data.get("since")
    if since and since > _today():
        errors["since"] = _("列入日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def recipient_add(
    *,
    acting_user: Any,
    member: Member,
    since: dt.date,
    elderly: bool = False,
    weak: bool = False,
    hardship: bool = False,
    has_project: bool = False,
    project: str = "",
    situation: str = "",
) -> Recipient:
    """列入关爱对象."""
    check_changeable_active(member, acting_user)
    data = {
        "elderly": elderly,
        "weak": weak,
        "hardship": hardship,
        "has_project": has_project,
        "project": project.strip() if has_project else "",
        "situation": situation.strip(),
        "since": since,
    }
    _check_reasons(data)
    if Recipient.objects.current().filter(member=member).exists():
        raise ValidationError({"member": _("%(n)s已在关爱对象名单中。") % {"n": member.name}})
    recipient = Recipient(member=member, **data)
    recipient.full_clean()
    recipient.save()
    audit.record_create(recipient, acting_user=acting_user)
    return recipient


@transaction.atomic
def recipient_update(
    recipient: Recipient,
    *,
    data: dict[str, Any],
    acting_user: Any,
    expected_version: int | None = None,
) -> Recipient:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些内容：%(f)s") % {"f": "、".join(sorted(unknown))})
    if recipient.ended_on is not None:
        raise ValidationError(_("该党员已移出关爱对象名单，不能再修改。"))
    merged = {f: getattr(recipient, f) for f in EDITABLE_FIELDS} | data
    _check_reasons(merged)
    if not merged["has_project"]:
        data = {**data, "project": ""}
    return audited_update(
        recipient, data=data, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def recipient_end(
    recipient: Recipient,
    *,
    acting_user: Any,
    ended_on: dt.date,
    reason: str,
    expected_version: int | None = None,
) -> Recipient:
    """移出名单 (生活好转、去世、转出…). The visits and grants stay in the ledgers."""
    if recipient.ended_on is not None:
        raise ValidationError(_("该党员已移出关爱对象名单。"))
    errors: dict[str, str] = {}
    if ended_on > _today():
        errors["ended_on"] = _("移出日期不能晚于今天。")
    elif ended_on < recipient.since:
        errors["ended_on"] = _("移出日期不能早于列入日期（%(d)s）。") % {
            "d": recipient.since.isoformat()
        }
    if not reason.strip():
        errors["reason"] = _("请填写移出原因。")
    if errors:
        raise ValidationError(errors)
    return audited_update(
        recipient,
        data={"ended_on": ended_on, "end_reason": reason.strip()},
        acting_user=acting_user,
        expected_version=expected_version,
    )


def _visit(
    recipient: Recipient,
    *,
    kind: str,
    date: dt.date,
    visitors: str,
    holiday: str = "",
    materials: str = "",
    gift: str = "",
    money: Decimal | None = None,
    notes: str = "",
    acting_user: Any = None,
) -> Visit:
    errors: dict[str, str] = {}
    if kind not in VisitKind.values:
        errors["kind"] = _("请选择类别。")
    if date > _today():
        errors["date"] = _("日期不能晚于今天。")
    elif date < recipient.since:
        errors["date"] = _("%(n)s于 %(d)s 列入关爱对象，日期不能早于此。") % {
            "n": recipient.member.name,
            "d": recipient.since.isoformat(),
        }
    elif recipient.ended_on is not None and date > recipient.ended_on:
        errors["date"] = _("%(n)s已于 %(d)s 移出关爱对象名单。") % {
            "n": recipient.member.name,
            "d": recipient.ended_on.isoformat(),
        }
    if not visitors.strip():
        errors["visitors"] = _("请填写走访人。")
    holiday_on = None
    if kind == VisitKind.HOLIDAY:
        if holiday not in Holiday.values:
            errors["holiday"] = _("请选择慰问的节日。")
        elif "date" not in errors:
            brk = holidays.occurrence(holiday, date, org=recipient.member.org)
            if brk is None:
                errors["holiday"] = _("%(d)s 前后没有%(h)s，请核对日期或节日。") % {
                    "d": date.isoformat(),
                    "h": Holiday(holiday).label,
                }
            else:
                holiday_on = brk.start
    else:
        holiday = ""
    if kind == VisitKind.STUDY and not materials.strip():
        errors["materials"] = _("请填写送学内容（学习材料、讲解的精神）。")
    if money is not None and money < 0:
        errors["money"] = _("慰问金不能为负数。")
    if errors:
        raise ValidationError(errors)
    visit = Visit(
        recipient=recipient,
        kind=kind,
        date=date,
        holiday=holiday,
        holiday_on=holiday_on,
        visitors=visitors.strip(),
        materials=materials.strip(),
        gift=gift.strip(),
        money=money or Decimal("0"),
        notes=notes.strip(),
        recorded_by=user_or_none(acting_user),
    )
    visit.full_clean()
    visit.save()
    audit.record_create(visit, acting_user=acting_user)
    return visit


def _check_changeable(recipient: Recipient, acting_user: Any) -> None:
    if getattr(acting_user, "is_authenticated", False) and not scope_for(acting_user).reaches_path(
        recipient.member.org.path, CHANGE
    ):
        raise ValidationError({"recipients": _("%(n)s不在您的管理范围内。") % {"n": recipient}})


@transaction.atomic
def visit_add(*, recipient: Recipient, acting_user: Any, **fields: Any) -> Visit:
    """Record one visit (节日慰问 / 送学上门 / 走访看望)."""
    _check_changeable(recipient, acting_user)
    return _visit(recipient, acting_user=acting_user, **fields)


@transaction.atomic
def visits_add(*, recipients: Iterable[Recipient], acting_user: Any, **fields: Any) -> list[Visit]:
    """The same visit to several homes (a secretary's round on one day). All or nothing: the
    first refusal names the member and nothing is recorded."""
    recipients = list(recipients)
    if not recipients:
        raise ValidationError({"recipients": _("请至少选择一名关爱对象。")})
    out = []
    for r in recipients:
        _check_changeable(r, acting_user)
        try:
            out.append(_visit(r, acting_user=acting_user, **fields))
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            raise ValidationError(
                {
                    k: [f"{r.member.name}：{m}" for e in v for m in e.messages]
                    for k, v in exc.error_dict.items()
                }
            ) from exc
    return out


@transaction.atomic
def visit_withdraw(visit: Visit, *, acting_user: Any) -> None:
    """Withdraw a visit recorded by mistake (the audit keeps what it said)."""
    _check_changeable(visit.recipient, acting_user)
    audited_delete(visit, acting_user=acting_user)


# --- the mutual-aid fund -----------------------------------------------------------------------


def _check_community(org: Organisation, acting_user: Any) -> None:
    if org.kind not in COMMUNITY_KINDS:
        raise ValidationError({"org": _("互助金由社区党组织发放，请选择社区。")})
    if getattr(acting_user, "is_authenticated", False) and not scope_for(acting_user).reaches_path(
        org.path, CHANGE
    ):
        raise ValidationError({"org": _("该社区不在您的管理范围内。")})


@transaction.atomic
def aid_round_create(
    *,
    acting_user: Any,
    org: Organisation,
    title: str,
    fund: Decimal,
    recipients: Iterable[Recipient],
    note: str = "",
) -> AidRound:
    """拟定一次互助金发放: each chosen member's shares by the rule and the fund divided by them."""
    _check_community(org, acting_user)
    recipients = sorted(recipients, key=lambda r: r.pk)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("请填写名称，如“2026年春节互助金”。")
    if fund is None or fund <= 0:
        errors["fund"] = _("分配总额应大于 0 元。")
    if not recipients:
        errors["recipients"] = _("请至少选择一名困难党员。")
    for r in recipients:
        if r.ended_on is not None:
            errors["recipients"] = _("%(n)s已移出关爱对象名单。") % {"n": r.member.name}
        elif not (r.member.org.path + "/").startswith(org.path.rstrip("/") + "/"):
            errors["recipients"] = _("%(n)s不是本社区的党员。") % {"n": r.member.name}
    if errors:
        raise ValidationError(errors)
    w = weighting.Weights.for_org(org)
    shares = [w.shares(has_project=r.has_project) for r in recipients]
    amounts = weighting.divide(fund, shares)
    rnd = AidRound(
        org=org,
        title=title.strip(),
        fund=fund,
        project_weight=w.project,
        difficulty_weight=w.difficulty,
        note=note.strip(),
        created_by=user_or_none(acting_user),
    )
    rnd.full_clean()
    rnd.save()
    audit.record_create(rnd, acting_user=acting_user)
    for r, s, a in zip(recipients, shares, amounts, strict=True):
        grant = AidGrant.objects.create(round=rnd, recipient=r, shares=s, proposed=a, amount=a)
        audit.record_create(grant, acting_user=acting_user)
    return rnd


@transaction.atomic
def aid_grant_adjust(
    grant: AidGrant,
    *,
    acting_user: Any,
    amount: Decimal,
    reason: str = "",
    expected_version: int | None = None,
) -> AidGrant:
    """Change one member's amount before payment; a departure from the rule needs a reason.
    ``expected_version`` is the round's version the user's page showed: any change to the round
    since (another adjustment, the payment) refuses this one."""
    rnd = AidRound.objects.select_for_update().get(pk=grant.round_id)
    _check_community(rnd.org, acting_user)
    if rnd.state != AidState.DRAFT:
        raise ValidationError(_("该批互助金已发放，不能再调整。"))
    if expected_version is not None and rnd.version != expected_version:
        raise ConflictError(
            _(
                "这批互助金已被他人修改（您打开的是第 %(mine)d 版，现在是第 %(now)d 版）。请刷新页面，核对后再调整。"
            )
            % {"mine": expected_version, "now": rnd.version},
            code="conflict",
        )
    grant = AidGrant.objects.get(pk=grant.pk)  # as it is now, not as the page saw it
    errors: dict[str, str] = {}
    if amount is None or amount < 0:
        errors["amount"] = _("金额不能为负数。")
    elif amount != grant.proposed and not reason.strip():
        errors["reason"] = _("金额与按份数测算的 %(p)s 元不同，请写明调整理由。") % {
            "p": grant.proposed
        }
    if errors:
        raise ValidationError(errors)
    grant = audited_update(
        grant,
        data={
            "amount": amount,
            "adjust_reason": reason.strip() if amount != grant.proposed else "",
        },
        acting_user=acting_user,
    )
    AidRound.objects.filter(pk=rnd.pk).update(version=rnd.version + 1)
    return grant


@transaction.atomic
def aid_round_pay(
    rnd: AidRound, *, acting_user: Any, paid_on: dt.date, expected_version: int | None = None
) -> AidRound:
    """确认发放: the amounts are fixed from now on."""
    _check_community(rnd.org, acting_user)
    if rnd.state != AidState.DRAFT:
        raise ValidationError(_("该批互助金已发放。"))
    if paid_on > _today():
        raise ValidationError({"paid_on": _("发放日期不能晚于今天。")})
    return audited_update(
        rnd,
        data={"state": AidState.PAID, "paid_on": paid_on},
        acting_user=acting_user,
        expected_version=expected_version,
    )


@transaction.atomic
def aid_round_delete(rnd: AidRound, *, acting_user: Any) -> None:
    """Discard a draft (a paid round is part of the ledger and stays)."""
    _check_community(rnd.org, acting_user)
    if rnd.state != AidState.DRAFT:
        raise ValidationError(_("已发放的互助金不能删除。"))
    for grant in rnd.grants.all():
        audited_delete(grant, acting_user=acting_user)
    audited_delete(rnd, acting_user=acting_user)
