"""Writes of residents' ratings of published activities and services (党务居务公开): a resident
rates an item from the board or the item's own QR code, without an account — one rating per
resident (a keyed hash of the phone number; the database refuses a second), a few per address
(a keyed hash of the visitor's address, counted from the ratings saved in the database, so the
limit holds however many server processes answer), each after the page's arithmetic question
(:func:`dangjian.commitments.services_board.challenge_spend`, asked by the view). The community
voids (作废) the ratings of a suspicious burst: kept, marked, no longer counted.

The limits are the commitment ratings' (``settings.DANGJIAN_PUBLIC_RATINGS_PER_HOUR`` across the
board, per address) and, for one item, ``settings.DANGJIAN_PUBLIC_RATINGS_PER_ITEM_PER_DAY``
(default: the commitment one, ``DANGJIAN_PUBLIC_RATINGS_PER_COMMITMENT_PER_DAY``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.commitments import services_rating as commitment_rating
from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.core.forms import too_long
from dangjian.core.models import AuditEntry
from dangjian.core.services import user_or_none
from dangjian.orgs.models import Organisation

from .models import ItemRating, PublicItem

#: the scale residents are shown, as on a service request's receipt
SCORES = {5: _("非常满意"), 4: _("满意"), 3: _("基本满意"), 2: _("不太满意"), 1: _("不满意")}
COMMENT_MAX = 200


def limits() -> tuple[int, int]:
    """(ratings per address per hour across all boards, per address per item per day)."""
    per_hour, per_thing = commitment_rating.limits()
    return per_hour, getattr(settings, "DANGJIAN_PUBLIC_RATINGS_PER_ITEM_PER_DAY", per_thing)


def _score(value: Any) -> int:
    raw = str(value if value is not None else "").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 5:
        raise ValidationError({"score": _("请选择满意程度（1 到 5 分）。")})
    return int(raw)


def _comment(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) > COMMENT_MAX:
        raise ValidationError(
            {
                "comment": _("意见建议最多 %(max)d 个字，现在是 %(n)d 个字，请删短一些。")
                % {"max": COMMENT_MAX, "n": len(text)}
            }
        )
    return text


def _phone(value: Any) -> str:
    phone = re.sub(r"\s|-", "", str(value or ""))
    if not commitment_rating.MOBILE.match(phone):
        raise ValidationError(
            {"phone": _("请填写 11 位手机号码（只用于防止重复评价，不会保存号码本身）。")}
        )
    return phone


def _check_address(item: PublicItem, addr: str) -> None:
    """Refuse a rating over the per-address limits (two indexed counts), one address at a time."""
    if not addr:  # scripts and the demo, not a visitor
        return
    commitment_rating.one_at_a_time(addr)
    per_hour, per_item = limits()
    now = timezone.now()
    mine = ItemRating.objects.filter(resident_addr=addr)
    if mine.filter(at__gte=now - dt.timedelta(hours=1)).count() >= per_hour:
        raise ValidationError(_("这个网络评价次数过多，请一小时后再试。"), code="too_many")
    if mine.filter(item=item, at__gte=now - dt.timedelta(days=1)).count() >= per_item:
        raise ValidationError(
            _("这个网络今天对这项活动的评价已经够多了，请明天再来。"), code="too_many"
        )


@transaction.atomic
def rate_item(
    item: PublicItem, *, phone: str, score: Any, comment: str = "", client_addr: str = ""
) -> ItemRating:
    """A resident's rating of a published item: one per phone number, a few per address
    (``client_addr``, the visitor's IP address, kept only as a keyed hash)."""
    phone = _phone(phone)
    value = _score(score)
    text = _comment(comment)
    item = PublicItem.objects.select_related("community").get(pk=item.pk)
    if item.withdrawn_at is not None:
        raise ValidationError(_("这项活动已从公开栏撤下，不再接受评价。"), code="closed")
    if not item.rating_open:
        raise ValidationError(_("这项活动现在不接受居民评价。"), code="closed")
    key = commitment_rating.resident_key(phone)
    if ItemRating.objects.filter(item=item, resident_key=key).exists():
        raise ValidationError(_("您已经评价过这项活动，每人只能评价一次。"), code="twice")
    addr = commitment_rating.address_key(client_addr)
    _check_address(item, addr)
    rating = ItemRating(item=item, score=value, comment=text, resident_key=key, resident_addr=addr)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:  # the same resident at the same moment
        raise ValidationError(_("您已经评价过这项活动，每人只能评价一次。"), code="twice") from None
    audit.record_create(rating, acting_user=None)
    return rating


@transaction.atomic
def ratings_void(
    *, community: Organisation, ids: list[int], reason: str, acting_user: Any
) -> list[ItemRating]:
    """作废 residents' ratings of the community's published items: kept, marked, no longer
    counted (and the resident cannot rate that item again)."""
    if not scope_for(acting_user).reaches_path(community.path, CHANGE):
        raise PermissionDenied(_("只有本社区党组织可以作废居民评价。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明作废原因。")})
    if len(reason) > 200:
        raise ValidationError({"reason": too_long(reason, 200, _("作废原因"))})
    if not ids:
        raise ValidationError(_("请选择要作废的评价。"))
    rows = list(
        ItemRating.objects.select_for_update()
        .filter(
            subtree_q("item__community__path", community.path),
            pk__in=ids,
            voided_at__isnull=True,
        )
        .select_related("item__community")
    )
    if not rows:
        raise ValidationError(_("没有可以作废的评价（可能已经作废）。"))
    now = timezone.now()
    user = user_or_none(acting_user)
    for r in rows:
        before = audit.snapshot(r)
        r.voided_at, r.voided_by, r.void_reason = now, user, reason
        r.save(update_fields=["voided_at", "voided_by", "void_reason"])
        audit.record(
            action=AuditEntry.Action.UPDATE,
            obj=r,
            acting_user=acting_user,
            changes=audit.diff(before, audit.snapshot(r)),
        )
    return rows
