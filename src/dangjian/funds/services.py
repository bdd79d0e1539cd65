"""Writes of the funds books: open a ledger, record an entry (with vouchers), void an entry,
attach a voucher; register, and dispose of, a fixed asset. Every write is atomic and audited.

The balance is never stored (see :mod:`.models`). Recording an entry locks the ledger row
(``SELECT … FOR UPDATE``) before it reads the balance, so two people recording spending at once
in a ledger that forbids overdrafts are checked one after the other: the second sees the first
one's spending and is refused if the money is no longer there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.forms import length_errors
from dangjian.core.models import AuditEntry
from dangjian.core.services import audited_update, user_or_none
from dangjian.orgs.models import Organisation

from . import selectors
from .models import LEDGER_KINDS, Asset, Category, Direction, Entry, Ledger, Purpose, Voucher

MAX_AMOUNT = Decimal("10000000000")
MAX_FILE_BYTES = 20 * 1024 * 1024
EARLIEST = dt.date(2000, 1, 1)

#: the categories every installation starts with (收支科目); more can be added in the admin
DEFAULT_CATEGORIES: tuple[tuple[str, str, bool], ...] = (
    ("上级拨款", Direction.IN, True),
    ("党费返还", Direction.IN, False),
    ("驻区单位支持", Direction.IN, False),
    ("其他收入", Direction.IN, False),
    ("办公", Direction.OUT, False),
    ("活动", Direction.OUT, False),
    ("慰问", Direction.OUT, False),
    ("培训", Direction.OUT, False),
    ("设施维护", Direction.OUT, False),
    ("其他", Direction.OUT, False),
)


def ensure_categories() -> None:
    """Create the default categories that are missing (idempotent; the data migration and
    tests that flush the database call it)."""
    for sort, (name, direction, allocation) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(
            name=name, direction=direction, defaults={"is_allocation": allocation, "sort": sort}
        )


def parse_amount(raw: Any, *, field: str = "amount") -> Decimal:
    """An amount in yuan as typed ("1200", "35.5") → a Decimal above zero with two places.
    Zero and negative amounts are refused: whether money came in or went out is the kind."""
    try:
        v = Decimal(str(raw).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("金额请填数字（元），例如 1200 或 35.50。")}) from None
    if not v.is_finite():
        raise ValidationError({field: _("金额请填数字（元），例如 1200 或 35.50。")})
    if v <= 0:
        raise ValidationError(
            {field: _("金额必须大于 0。支出请选“支出”，金额照实填正数，不要填负数或 0。")}
        )
    if v >= MAX_AMOUNT or v != v.quantize(Decimal("0.01")):
        raise ValidationError({field: _("金额最多两位小数，且不能超过 100 亿元。")})
    return v.quantize(Decimal("0.01"))


def _check_may_change(acting_user: Any, org: Organisation) -> None:
    if not scope_for(acting_user).reaches_path(org.path, CHANGE):
        raise PermissionDenied(_("只有本组织及上级的工作人员可以记账。"))


def _related(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


@transaction.atomic
def ledger_for(*, org: Organisation, acting_user: Any = None) -> Ledger:
    """The ledger of ``org``, opened (with a zero opening balance) the first time it is needed."""
    if org.kind not in LEDGER_KINDS:
        raise ValidationError(_("只有街道（镇）、社区和党支部记收支台帐。"))
    found = Ledger.objects.filter(org=org).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            ledger = Ledger.objects.create(org=org)
    except IntegrityError:  # opened by someone else a moment ago
        return Ledger.objects.get(org=org)
    audit.record_create(ledger, acting_user=acting_user)
    return ledger


@transaction.atomic
def ledger_settings(
    *,
    acting_user: Any,
    org: Organisation,
    opening_balance: Any,
    forbid_overdraft: bool,
    expected_version: int | None = None,
) -> Ledger:
    """Set the opening balance (only while the ledger has no entries) and the overdraft rule."""
    _check_may_change(acting_user, org)
    ledger = Ledger.objects.select_for_update().get(
        pk=ledger_for(org=org, acting_user=acting_user).pk
    )
    try:
        opening = Decimal(str(opening_balance).strip() or "0")
    except (InvalidOperation, ValueError):
        raise ValidationError({"opening_balance": _("期初余额请填数字（元）。")}) from None
    if not opening.is_finite() or opening < 0 or opening >= MAX_AMOUNT:
        raise ValidationError({"opening_balance": _("期初余额请填不小于 0 的金额（元）。")})
    opening = opening.quantize(Decimal("0.01"))
    if opening != ledger.opening_balance and ledger.entries.exists():
        raise ValidationError(
            {"opening_balance": _("已有收支记录，期初余额不能再改；请用一笔收入或支出调整。")}
        )
    data: dict[str, Any] = {"opening_balance": opening, "forbid_overdraft": bool(forbid_overdraft)}
    if forbid_overdraft:
        low = selectors.lowest_balance_from(ledger=ledger, date=EARLIEST, opening=opening)
        if low < 0:
            raise ValidationError(
                {
                    "forbid_overdraft": _("账上曾出现负余额（最低 %(b)s 元），不能设为不允许超支。")
                    % {"b": low}
                }
            )
    return audited_update(
        ledger, data=data, acting_user=acting_user, expected_version=expected_version
    )


def _overdraft_error(balance: Decimal, amount: Decimal) -> ValidationError:
    return ValidationError(
        {
            "amount": _(
                "余额不足：可用余额 %(b)s 元，本笔支出 %(a)s 元。本台帐设置为不允许超支，未登记。"
            )
            % {"b": balance, "a": amount}
        }
    )


@transaction.atomic
def entry_record(
    *,
    acting_user: Any,
    org: Organisation,
    direction: str,
    date: dt.date | None,
    category: Category | None,
    amount: Any,
    summary: str,
    party: str = "",
    voucher_no: str = "",
    purpose: str = "",
    meeting: Any = None,
    activity: Any = None,
    deed: Any = None,
    vouchers: Iterable[Any] = (),
    today: dt.date | None = None,
) -> Entry:
    """Record money in or out of ``org``'s ledger. Bad input → ``ValidationError`` naming the
    field, and nothing is written; spending beyond the balance of a ledger that forbids it is
    refused (checked under the ledger's row lock)."""
    today = today or timezone.localdate()
    _check_may_change(acting_user, org)
    ledger = ledger_for(org=org, acting_user=acting_user)
    errors: dict[str, str] = {}
    if direction not in Direction.values:
        errors["direction"] = _("请选择收入或支出。")
    if date is None:
        errors["date"] = _("请填写日期。")
    elif date > today:
        errors["date"] = _("日期不能晚于今天。")
    elif date < EARLIEST:
        errors["date"] = _("日期太早，请核对。")
    if category is None or not category.is_active:
        errors["category"] = _("请选择科目。")
    elif direction in Direction.values and category.direction != direction:
        errors["category"] = _("科目“%(c)s”不是%(d)s科目。") % {
            "c": category.name,
            "d": Direction(direction).label,
        }
    try:
        value = parse_amount(amount)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        value = Decimal(0)
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("请填写摘要（这笔钱是什么事）。")
    elif len(summary) > 200:
        errors["summary"] = _("摘要太长，请控制在 200 字以内。")
    party, voucher_no = (party or "").strip(), (voucher_no or "").strip()
    if len(party) > 100:
        errors["party"] = _("付款方 / 收款方太长。")
    if len(voucher_no) > 30:
        errors["voucher_no"] = _("凭证号太长。")
    purpose = purpose or ""
    if purpose:
        if purpose not in Purpose.values:
            errors["purpose"] = _("请选择拨款用途。")
        elif direction != Direction.IN or category is None or not category.is_allocation:
            errors["purpose"] = _("只有“上级拨款”的收入才能标明拨款用途。")
    links = [x for x in (meeting, activity, deed) if x is not None]
    if len(links) > 1:
        errors["meeting"] = _("一笔钱只关联一项：会议、共建活动或实事，选一个即可。")
    elif meeting is not None and not _related(meeting.org.path, org.path):
        errors["meeting"] = _("只能关联本组织或下级组织的会议。")
    elif activity is not None and not _related(activity.deed.community.path, org.path):
        errors["activity"] = _("只能关联本社区的共建活动。")
    elif deed is not None and not _related(deed.community.path, org.path):
        errors["deed"] = _("只能关联本社区的实事记录。")
    uploads = list(vouchers)
    for up in uploads:
        if up.size > MAX_FILE_BYTES:
            errors["vouchers"] = _("凭证文件太大，请小于 %(m)d MB。") % {
                "m": MAX_FILE_BYTES // 1024 // 1024
            }
    if errors:
        raise ValidationError(errors)
    # one at a time per ledger from here on: the balance read below cannot go stale
    ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
    if direction == Direction.OUT and ledger.forbid_overdraft:
        low = selectors.lowest_balance_from(ledger=ledger, date=date)
        if low < value:
            raise _overdraft_error(max(low, Decimal(0)), value)
    entry = Entry.objects.create(
        ledger=ledger,
        direction=direction,
        date=date,
        category=category,
        purpose=purpose,
        amount=value,
        party=party,
        summary=summary,
        voucher_no=voucher_no,
        meeting=meeting,
        activity=activity,
        deed=deed,
        recorded_by=user_or_none(acting_user),
    )
    audit.record_create(entry, acting_user=acting_user)
    for up in uploads:
        _attach(entry, up, acting_user)
    return entry


def _attach(entry: Entry, upload: Any, acting_user: Any) -> Voucher:
    row = Voucher(
        entry=entry,
        file=upload,
        name=str(upload.name)[:200],
        size=upload.size,
        uploaded_by=user_or_none(acting_user),
    )
    row.save()
    audit.record_create(row, acting_user=acting_user)
    return row


@transaction.atomic
def voucher_attach(*, acting_user: Any, entry: Entry, upload: Any) -> Voucher:
    """Add a scanned voucher to an entry (also to a voided one: the paper trail stays whole)."""
    entry = Entry.objects.select_related("ledger__org").get(pk=entry.pk)
    _check_may_change(acting_user, entry.ledger.org)
    if upload is None:
        raise ValidationError({"file": _("请选择凭证文件。")})
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": _("凭证文件太大，请小于 %(m)d MB。") % {"m": MAX_FILE_BYTES // 1024 // 1024}}
        )
    return _attach(entry, upload, acting_user)


@transaction.atomic
def entry_void(*, acting_user: Any, entry: Entry, reason: str) -> Entry:
    """Void an entry recorded by mistake: it stays in the ledger, marked, with who, when and
    why, and no longer counts. Voiding income that was already spent, in a ledger that forbids
    overdrafts, is refused."""
    entry = Entry.objects.select_related("ledger__org").get(pk=entry.pk)
    _check_may_change(acting_user, entry.ledger.org)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明作废的原因。")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("原因太长，请控制在 200 字以内。")})
    ledger = Ledger.objects.select_for_update().get(pk=entry.ledger_id)
    entry = Entry.objects.select_related("ledger__org").get(pk=entry.pk)  # after the lock
    if entry.voided_at is not None:
        raise ValidationError(_("这笔记录已经作废了。"))
    if entry.direction == Direction.IN and ledger.forbid_overdraft:
        low = selectors.lowest_balance_from(ledger=ledger, date=entry.date)
        if low < entry.amount:
            raise ValidationError(
                _("这笔收入已被支出用掉（之后最低余额 %(b)s 元），作废会出现超支，未作废。")
                % {"b": low}
            )
    before = audit.snapshot(entry)
    entry.voided_at = timezone.now()
    entry.void_reason = reason
    entry.voided_by = user_or_none(acting_user)
    entry.save(update_fields=["voided_at", "void_reason", "voided_by"])
    audit.record(
        action=AuditEntry.Action.UPDATE,
        obj=entry,
        acting_user=acting_user,
        changes=audit.diff(before, audit.snapshot(entry)),
        field="void",
    )
    return entry


# ---- fixed assets ---------------------------------------------------------------------------
@transaction.atomic
def asset_create(
    *,
    acting_user: Any,
    org: Organisation,
    name: str,
    value: Any,
    acquired_on: dt.date | None,
    quantity: Any = 1,
    code: str = "",
    spec: str = "",
    venue: str = "",
    custodian: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> Asset:
    """Register a fixed asset of ``org``."""
    today = today or timezone.localdate()
    _check_may_change(acting_user, org)
    errors: dict[str, str] = {}
    if org.kind not in LEDGER_KINDS:
        errors["org"] = _("只有街道（镇）、社区和党支部登记固定资产。")
    name = (name or "").strip()
    if not name:
        errors["name"] = _("请填写资产名称。")
    try:
        val = Decimal(str(value).strip())
        if not val.is_finite() or val < 0 or val >= MAX_AMOUNT:
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors["value"] = _("原值请填不小于 0 的金额（元）。")
        val = Decimal(0)
    try:
        qty = int(str(quantity).strip())
    except (TypeError, ValueError):
        qty = 0
    if qty <= 0:
        errors["quantity"] = _("数量请填大于 0 的整数。")
    if acquired_on is None:
        errors["acquired_on"] = _("请填写购置日期。")
    elif acquired_on > today:
        errors["acquired_on"] = _("购置日期不能晚于今天。")
    texts = {
        "code": (code or "").strip(),
        "spec": (spec or "").strip(),
        "venue": (venue or "").strip(),
        "custodian": (custodian or "").strip(),
        "note": (note or "").strip(),
    }
    errors = {**length_errors(Asset, name=name, **texts), **errors}  # never cut what was typed
    if errors:
        raise ValidationError(errors)
    asset = Asset(
        org=org,
        name=name,
        value=val.quantize(Decimal("0.01")),
        acquired_on=acquired_on,
        quantity=qty,
        **texts,
    )
    asset.save()
    audit.record_create(asset, acting_user=acting_user)
    return asset


@transaction.atomic
def asset_dispose(
    *,
    acting_user: Any,
    asset: Asset,
    disposed_on: dt.date | None,
    reason: str,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Asset:
    """Record that an asset left the books (报废、调拨、丢失 …), with the date and the reason."""
    today = today or timezone.localdate()
    asset = Asset.objects.select_related("org").get(pk=asset.pk)
    _check_may_change(acting_user, asset.org)
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if asset.disposed_on is not None:
        raise ValidationError(_("这项资产已经处置过了。"))
    if disposed_on is None:
        errors["disposed_on"] = _("请填写处置日期。")
    elif disposed_on > today:
        errors["disposed_on"] = _("处置日期不能晚于今天。")
    elif disposed_on < asset.acquired_on:
        errors["disposed_on"] = _("处置日期不能早于购置日期。")
    if not reason:
        errors["reason"] = _("请写明处置原因（如：报废、调拨、丢失）。")
    elif long := length_errors(Asset, disposal_reason=reason):
        errors["reason"] = long["disposal_reason"]
    if errors:
        raise ValidationError(errors)
    return audited_update(
        asset,
        data={"disposed_on": disposed_on, "disposal_reason": reason},
        acting_user=acting_user,
        expected_version=expected_version,
    )
