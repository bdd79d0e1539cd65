"""Writes of the charity shop: add an item, take goods in, hand goods out, void a mistaken
movement. Every write is atomic and audited; the stock changes in the same transaction as the
movement, through a conditional UPDATE so that two volunteers handing out the last item at once
cannot both succeed — the second gets "库存不足" and nothing changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.core.services import user_or_none
from dangjian.members.models import Member
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place, PlaceKind, ResidentUnit

from .models import Direction, DonorKind, Item, Movement


def parse_quantity(raw: Any) -> int:
    """A quantity as typed ("3") → a whole number above zero."""
    try:
        q = int(str(raw).strip())
    except (TypeError, ValueError):
        q = 0
    if q <= 0:
        raise ValidationError({"quantity": _("数量请填大于 0 的整数。")})
    return q


def parse_value(raw: Any) -> Decimal | None:
    """Value in yuan as typed ("120", "35.5", "") → a Decimal ≥ 0, or None when left empty."""
    if raw is None or str(raw).strip() == "":
        return None
    try:
        v = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        v = Decimal(-1)
    if not v.is_finite() or v < 0 or v >= Decimal("100000000"):
        raise ValidationError({"value": _("价值请填不小于 0 的金额（元），不知道可以不填。")})
    return v.quantize(Decimal("0.01"))


def _collect(errors: dict[str, str], parse: Any, raw: Any) -> Any:
    """``parse(raw)``, or None with its message added to ``errors``."""
    try:
        return parse(raw)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        return None


def _check_may_change(acting_user: Any, community: Organisation) -> None:
    if not scope_for(acting_user).reaches_path(community.path, CHANGE):
        raise PermissionDenied(_("只有本社区的工作人员可以登记爱心超市的出入库。"))


def _check_date(date: dt.date | None, today: dt.date) -> dict[str, str]:
    if date is None:
        return {"date": _("请填写日期。")}
    if date > today:
        return {"date": _("日期不能晚于今天。")}
    return {}


def _short_of(item: Item) -> ValidationError:
    stock = Item.objects.filter(pk=item.pk).values_list("stock", flat=True).first() or 0
    return ValidationError(
        {"quantity": _("库存不足：现有 %(n)d %(u)s") % {"n": stock, "u": item.unit}}
    )


def _take(item: Item, quantity: int) -> None:
    """Lower the stock by ``quantity`` only if that many are there (one statement, so two
    hand-outs of the last item cannot both pass); the CHECK constraint is the last line."""
    try:
        with transaction.atomic():
            done = Item.objects.filter(pk=item.pk, stock__gte=quantity).update(
                stock=F("stock") - quantity
            )
    except IntegrityError:
        done = 0
    if not done:
        raise _short_of(item)


def _put(item: Item, quantity: int) -> None:
    Item.objects.filter(pk=item.pk).update(stock=F("stock") + quantity)


@transaction.atomic
def item_create(*, acting_user: Any, community: Organisation, name: str, unit: str = "件") -> Item:
    """A new kind of goods in the shop, with nothing in stock yet."""
    _check_may_change(acting_user, community)
    name, unit = (name or "").strip(), (unit or "").strip() or "件"
    errors: dict[str, str] = {}
    if community.kind not in COMMUNITY_KINDS:
        errors["community"] = _("请选择社区。")
    if not name:
        errors["name"] = _("请填写物品名称。")
    elif Item.objects.filter(community=community, name=name).exists():
        errors["name"] = _("本社区已有同名物品。")
    if len(unit) > 8:
        errors["unit"] = _("计量单位太长（如：件、袋、桶、箱）。")
    if errors:
        raise ValidationError(errors)
    item = Item.objects.create(community=community, name=name[:60], unit=unit)
    audit.record_create(item, acting_user=acting_user)
    return item


def _in_community(member: Member, community: Organisation) -> bool:
    return Member.objects.filter(subtree_q("org__path", community.path), pk=member.pk).exists()


def _locked_item(item: Item) -> Item:
    return Item.objects.select_related("community").get(pk=item.pk)


@transaction.atomic
def goods_in(
    *,
    acting_user: Any,
    item: Item,
    quantity: Any,
    date: dt.date | None,
    donor_kind: str,
    donor_unit: ResidentUnit | None = None,
    donor_member: Member | None = None,
    donor_name: str = "",
    value: Any = None,
    note: str = "",
    today: dt.date | None = None,
) -> Movement:
    """Goods donated to the shop: the movement and the stock, together."""
    today = today or timezone.localdate()
    item = _locked_item(item)
    community = item.community
    _check_may_change(acting_user, community)
    errors = _check_date(date, today)
    qty = _collect(errors, parse_quantity, quantity) or 0
    val = _collect(errors, parse_value, value)
    donor_name = (donor_name or "").strip()
    if donor_kind == DonorKind.UNIT:
        ok = (
            donor_unit is not None
            and ResidentUnit.objects.filter(pk=donor_unit.pk)
            .filter(
                subtree_q("community__path", community.path)
                | subtree_q("also_in__path", community.path)
            )
            .exists()
        )
        if not ok:
            errors["donor_unit"] = _("捐赠单位须是本社区登记的驻区单位。")
        donor_member, donor_name = None, ""
    elif donor_kind == DonorKind.MEMBER:
        if donor_member is None or not _in_community(donor_member, community):
            errors["donor_member"] = _("请选择本社区的党员。")
        donor_unit, donor_name = None, ""
    elif donor_kind == DonorKind.RESIDENT:
        if not donor_name:
            errors["donor_name"] = _("请填写捐赠居民的称呼（如：王阿姨）。")
        elif len(donor_name) > 30:
            errors["donor_name"] = _("称呼太长，请简写。")
        donor_unit = donor_member = None
    else:
        errors["donor_kind"] = _("请选择捐赠方：驻区单位、党员或居民。")
    if errors:
        raise ValidationError(errors)
    m = Movement.objects.create(
        item=item,
        direction=Direction.IN,
        quantity=qty,
        date=date,
        donor_kind=donor_kind,
        donor_unit=donor_unit,
        donor_member=donor_member,
        donor_name=donor_name,
        value=val,
        note=(note or "").strip()[:200],
        recorded_by=user_or_none(acting_user),
    )
    _put(item, qty)
    audit.record_create(m, acting_user=acting_user)
    return m


@transaction.atomic
def goods_out(
    *,
    acting_user: Any,
    item: Item,
    quantity: Any,
    date: dt.date | None,
    household: Place | None,
    handed_by_member: Member | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> Movement:
    """Goods handed to a household of the community. The stock drops only if that many are
    there; otherwise "库存不足：现有 X 件" and nothing is written."""
    today = today or timezone.localdate()
    item = _locked_item(item)
    community = item.community
    _check_may_change(acting_user, community)
    errors = _check_date(date, today)
    qty = _collect(errors, parse_quantity, quantity) or 0
    if (
        household is None
        or household.kind != PlaceKind.HOUSEHOLD
        or household.community_id != community.pk
    ):
        errors["household"] = _("受助户须是本社区登记的住户。")
    if handed_by_member is not None and not _in_community(handed_by_member, community):
        errors["handed_by_member"] = _("发放志愿者须是本社区的党员。")
    if errors:
        raise ValidationError(errors)
    _take(item, qty)
    m = Movement.objects.create(
        item=item,
        direction=Direction.OUT,
        quantity=qty,
        date=date,
        household=household,
        handed_by_member=handed_by_member,
        note=(note or "").strip()[:200],
        recorded_by=user_or_none(acting_user),
    )
    audit.record_create(m, acting_user=acting_user)
    return m


@transaction.atomic
def movement_void(
    *, acting_user: Any, movement: Movement, reason: str, today: dt.date | None = None
) -> Movement:
    """Cancel a movement entered by mistake with a movement the other way, never by deleting
    it. Voiding a donation whose goods were already handed out is refused (库存不足)."""
    today = today or timezone.localdate()
    m = Movement.objects.select_related("item__community").get(pk=movement.pk)
    _check_may_change(acting_user, m.item.community)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明冲销的原因。")})
    if m.voids_id is not None:
        raise ValidationError(_("这是一条冲销记录，不能再冲销。"))
    if Movement.objects.filter(voids=m).exists():
        raise ValidationError(_("这条记录已经冲销过了。"))
    back = Direction.OUT if m.direction == Direction.IN else Direction.IN
    if back == Direction.OUT:
        _take(m.item, m.quantity)
    else:
        _put(m.item, m.quantity)
    try:
        with transaction.atomic():
            rev = Movement.objects.create(
                item=m.item,
                direction=back,
                quantity=m.quantity,
                date=today,
                voids=m,
                note=reason[:200],
                recorded_by=user_or_none(acting_user),
            )
    except IntegrityError:  # someone voided it a moment ago (one-to-one)
        raise ValidationError(_("这条记录已经冲销过了。")) from None
    audit.record_create(rev, acting_user=acting_user)
    return rev
