"""Writes of 分层评诺: the ratings of a commitment by self, fellow members, residents and the
organisation. Each is one row per rater (the database refuses a second), audited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, rules
from dangjian.core.access import scope_for
from dangjian.core.crypto import blind_index

from . import evaluation
from . import workflow as who
from .models import PUBLIC_STATES, Commitment, Rating, State, Tier

#: an 11-digit mainland mobile number (public: the openness ratings use it too)
MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE = MOBILE


def _score(value: Any) -> int:
    try:
        score = int(str(value).strip())
    except (TypeError, ValueError):
        score = -1
    if not 0 <= score <= 100:
        raise ValidationError({"score": _("请打 0 到 100 之间的整数分。")})
    return score


def _save(rating: Rating, *, acting_user: Any, twice: str) -> Rating:
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        raise ValidationError(twice) from None
    audit.record_create(rating, acting_user=acting_user)
    return rating


@transaction.atomic
def rate(c: Commitment, *, tier: str, acting_user: Any, score: Any, comment: str = "") -> Rating:
    """Self-assessment, a fellow member's rating, or the organisation's, during 评诺."""
    c = Commitment.objects.select_related("org", "member").get(pk=c.pk)
    if c.state != State.EVALUATING:
        raise ValidationError(_("这条承诺还没有进入评诺环节（或已评定），现在不能评价。"))
    me = scope_for(acting_user).member_id
    rating = Rating(commitment=c, tier=tier, score=_score(score), comment=comment.strip())
    if tier == Tier.SELF:
        if me != c.member_id:
            raise PermissionDenied(_("只有承诺人本人可以自评。"))
        rating.rater_member_id = me
    elif tier == Tier.PEER:
        if me is None or me == c.member_id or scope_for(acting_user).member_org_path != c.org.path:
            raise PermissionDenied(_("只有同一支部的其他党员可以互评。"))
        rating.rater_member_id = me
    elif tier == Tier.ORG:
        if not who.is_the_branch(c, acting_user):
            raise PermissionDenied(_("组织评定由党员所在支部或上级党组织作出。"))
        rating.rater_user = acting_user
    else:
        raise ValidationError(_("没有这个评价层级。"))
    return _save(
        rating, acting_user=acting_user, twice=_("您已经评价过这条承诺，每人只能评价一次。")
    )


def resident_key(phone: str) -> str:
    """Who a resident is, for one-rating-each, without keeping their phone number."""
    return blind_index(f"resident:{phone}")


def address_key(addr: str) -> str:
    """Where a rating came from, for the per-address limits, without keeping the address."""
    return blind_index(f"addr:{addr}") if addr else ""


# Ratings from one address. A phone number costs nothing to invent, so the address is what
# limits stuffing; it is counted from the ratings saved in the database, so the limit holds
# however many server processes answer. Residents share addresses — a household on one
# broadband line, neighbours behind their carrier's shared address, a meeting on the community
# centre's Wi-Fi — so the limits are set for a household, not a person:
#: in any hour, across the board (settings.DANGJIAN_PUBLIC_RATINGS_PER_HOUR)
PER_HOUR_DEFAULT = 30
#: on one commitment, in any 24 hours: a household of up to five adults may each rate it
#: (settings.DANGJIAN_PUBLIC_RATINGS_PER_COMMITMENT_PER_DAY); more from one address on one
#: commitment is what stuffing looks like, and what the burst page shows when it gets through
PER_COMMITMENT_PER_DAY_DEFAULT = 5


def limits() -> tuple[int, int]:
    """(ratings per address per hour across the board, per address per thing per day)."""
    return (
        getattr(settings, "DANGJIAN_PUBLIC_RATINGS_PER_HOUR", PER_HOUR_DEFAULT),
        getattr(
            settings,
            "DANGJIAN_PUBLIC_RATINGS_PER_COMMITMENT_PER_DAY",
            PER_COMMITMENT_PER_DAY_DEFAULT,
        ),
    )


def _check_address(c: Commitment, addr: str) -> None:
    """Refuse a rating over the per-address limits (two indexed counts)."""
    if not addr:  # scripts and the demo, not a visitor
        return
    one_at_a_time(addr)
    per_hour, per_commitment = limits()
    now = timezone.now()
    mine = Rating.objects.filter(tier=Tier.RESIDENT, resident_addr=addr)
    if mine.filter(at__gte=now - dt.timedelta(hours=1)).count() >= per_hour:
        raise ValidationError(_("这个网络评价次数过多，请一小时后再试。"), code="too_many")
    if mine.filter(commitment=c, at__gte=now - dt.timedelta(days=1)).count() >= per_commitment:
        raise ValidationError(
            _("这个网络今天对这条承诺的评价已经够多了，请明天再来。"), code="too_many"
        )


def one_at_a_time(addr: str) -> None:
    """Ratings from one address are counted and saved one at a time, so two requests at the
    same moment cannot both pass the count. PostgreSQL: a lock on the address for the rest of
    the transaction; SQLite already writes one transaction at a time (IMMEDIATE mode)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [int(addr[:15], 16)])


# the old private names, for code written before they were public
_limits = limits
_one_at_a_time = one_at_a_time


@transaction.atomic
def rate_as_resident(
    c: Commitment, *, phone: str, score: Any, comment: str = "", client_addr: str = ""
) -> Rating:
    """A resident's rating from the public board: one per phone number per commitment, and a
    few per address (``client_addr``, the visitor's IP address, kept only as a keyed hash)."""
    phone = re.sub(r"\s|-", "", phone or "")
    if not _MOBILE.match(phone):
        raise ValidationError(
            {"phone": _("请填写 11 位手机号码（只用于防止重复评价，不会保存号码本身）。")}
        )
    c = Commitment.objects.select_related("org").get(pk=c.pk)
    if c.state not in PUBLIC_STATES or c.state == State.EVALUATED:
        raise ValidationError(_("这条承诺现在不接受居民评价。"))
    addr = address_key(client_addr)
    _check_address(c, addr)
    rating = Rating(
        commitment=c,
        tier=Tier.RESIDENT,
        score=_score(score),
        comment=comment.strip()[:300],
        resident_key=resident_key(phone),
        resident_addr=addr,
    )
    return _save(rating, acting_user=None, twice=_("您已经评价过这条承诺，谢谢参与。"))


def result_for(c: Commitment) -> evaluation.Result:
    """The combined score so far, with each tier's average (two queries). Voided (作废)
    ratings are not counted."""
    scores: dict[str, list[int]] = {t: [] for t in evaluation.TIERS}
    for tier, score in c.ratings.filter(voided_at__isnull=True).values_list("tier", "score"):
        scores[tier].append(score)
    return evaluation.combine(scores, numbers_for(c.org))


def numbers_for(org: Any) -> dict[str, Any]:
    keys = ("weights", "excellent", "pass", "basic")
    return {k: rules.value("commitment.evaluation", k, org=org) for k in keys}
