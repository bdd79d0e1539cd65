"""Writes of re-employment: an offer (and ending it), a seeker (with consent; withdrawing it),
revealing a seeker's phone (audited), a referral and its outcome. Every write is atomic and
audited; bad input is refused with a Chinese message and nothing is written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, crypto
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.idcard import mask_phone  # the shared masking; still importable from here
from dangjian.core.models import AuditEntry
from dangjian.core.services import audited_update, user_or_none
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place, PlaceKind, ResidentUnit

from .models import JobCategory, Offer, Outcome, Referral, Seeker, SeekerSkill

_PHONE = re.compile(r"^[0-9+\- ]{7,20}$")


def check_community(community: Organisation, acting_user: Any) -> None:
    if community.kind not in COMMUNITY_KINDS:
        raise ValidationError(_("岗位和求职登记由社区党组织管理。"))
    if not scope_for(acting_user).reaches_path(community.path, CHANGE):
        raise PermissionDenied(_("只有本社区可以登记和修改。"))


# ---- offers ---------------------------------------------------------------------------------
def _offer_errors(
    *,
    position: str,
    category: str,
    places: Any,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (position or "").strip():
        errors["position"] = _("请填写岗位名称。")
    if category not in JobCategory.values:
        errors["category"] = _("请选择岗位类别。")
    if places is None or int(places) < 1:
        errors["places"] = _("招聘人数至少 1 人。")
    if valid_from is None:
        errors["valid_from"] = _("请填写有效期开始日期。")
    if valid_until is None:
        errors["valid_until"] = _("请填写有效期结束日期。")
    elif valid_from is not None and valid_until < valid_from:
        errors["valid_until"] = _("有效期结束日期不能早于开始日期。")
    return errors


@transaction.atomic
def offer_create(
    *,
    acting_user: Any,
    unit: ResidentUnit,
    position: str,
    category: str,
    places: int | None,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    requirements: str = "",
) -> Offer:
    """A resident unit's offer, kept in the unit's community."""
    community = unit.community
    check_community(community, acting_user)
    errors = _offer_errors(
        position=position,
        category=category,
        places=places,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if errors:
        raise ValidationError(errors)
    offer = Offer.objects.create(
        community=community,
        unit=unit,
        position=position.strip(),
        category=category,
        places=places,
        requirements=(requirements or "").strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        recorded_by=user_or_none(acting_user),
    )
    audit.record_create(offer, acting_user=acting_user)
    return offer


@transaction.atomic
def offer_end(offer: Offer, *, acting_user: Any, version: int, on: dt.date | None = None) -> Offer:
    """The offer is filled or withdrawn before its end: no more referrals to it."""
    offer = Offer.objects.select_related("community").get(pk=offer.pk)
    check_community(offer.community, acting_user)
    on = on or timezone.localdate()
    if offer.ended_on is not None:
        raise ValidationError(_("这个岗位已经结束了。"))
    if on < offer.valid_from:
        raise ValidationError(_("结束日期不能早于岗位有效期开始日期。"))
    return audited_update(
        offer, data={"ended_on": on}, acting_user=acting_user, expected_version=version
    )


def is_open(offer: Offer, on: dt.date) -> bool:
    return offer.ended_on is None and offer.valid_from <= on <= offer.valid_until


# ---- seekers --------------------------------------------------------------------------------
@transaction.atomic
def seeker_register(
    *,
    acting_user: Any,
    community: Organisation,
    name: str,
    consent_on: dt.date | None,
    skills: Iterable[str] = (),
    phone: str = "",
    household: Place | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> Seeker:
    """A resident who agreed to be registered (the date they agreed is required)."""
    check_community(community, acting_user)
    today = today or timezone.localdate()
    skills = list(dict.fromkeys(skills))
    phone = (phone or "").strip()
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = _("请填写姓名。")
    if consent_on is None:
        errors["consent_on"] = _("须经本人同意才能登记求职信息，请填写本人同意的日期。")
    elif consent_on > today:
        errors["consent_on"] = _("同意日期不能晚于今天。")
    if not skills:
        errors["skills"] = _("请至少选择一项技能或意向岗位类别。")
    elif any(s not in JobCategory.values for s in skills):
        errors["skills"] = _("技能类别不在列表中。")
    if phone and not _PHONE.match(phone):
        errors["phone"] = _("联系电话只能包含数字，请核对。")
    if household is not None and (
        household.kind != PlaceKind.HOUSEHOLD or household.community_id != community.pk
    ):
        errors["household"] = _("住户须是本社区登记的住户。")
    if errors:
        raise ValidationError(errors)
    seeker = Seeker.objects.create(
        community=community,
        name=name.strip(),
        household=household,
        phone_cipher=crypto.encrypt(phone),
        phone_masked=mask_phone(phone) if phone else "",
        consent_on=consent_on,
        note=(note or "").strip(),
        recorded_by=user_or_none(acting_user),
    )
    SeekerSkill.objects.bulk_create([SeekerSkill(seeker=seeker, category=s) for s in skills])
    audit.record_create(seeker, acting_user=acting_user)
    return seeker


@transaction.atomic
def seeker_withdraw(
    seeker: Seeker, *, acting_user: Any, version: int, on: dt.date | None = None
) -> Seeker:
    """The resident withdrew consent: hidden from matching, no new referrals."""
    seeker = Seeker.objects.select_related("community").get(pk=seeker.pk)
    check_community(seeker.community, acting_user)
    on = on or timezone.localdate()
    if seeker.withdrawn_on is not None:
        raise ValidationError(_("本人已撤回同意。"))
    if on < seeker.consent_on:
        raise ValidationError(_("撤回日期不能早于同意日期。"))
    return audited_update(
        seeker, data={"withdrawn_on": on}, acting_user=acting_user, expected_version=version
    )


def seeker_reveal_phone(seeker: Seeker, *, acting_user: Any, ip: str | None = None) -> str:
    """The full phone number, for a deliberate reveal; every call is logged."""
    check_community(seeker.community, acting_user)
    audit.record(
        action=AuditEntry.Action.REVEAL, obj=seeker, acting_user=acting_user, field="phone", ip=ip
    )
    return crypto.decrypt(seeker.phone_cipher)


# ---- referrals ------------------------------------------------------------------------------
@transaction.atomic
def referral_create(
    *,
    acting_user: Any,
    offer: Offer,
    seeker: Seeker,
    on: dt.date | None = None,
) -> Referral:
    """Send a seeker to an open offer of their community (once per offer)."""
    on = on or timezone.localdate()
    offer = Offer.objects.select_for_update().select_related("community").get(pk=offer.pk)
    seeker = Seeker.objects.select_related("community").get(pk=seeker.pk)
    check_community(seeker.community, acting_user)
    if seeker.withdrawn_on is not None:
        raise ValidationError(_("本人已撤回求职登记的同意，不能再推荐。"))
    if offer.community_id != seeker.community_id:
        raise ValidationError(_("只能推荐到本社区驻区单位的岗位。"))
    if on > timezone.localdate():
        raise ValidationError(_("推荐日期不能晚于今天。"))
    if not is_open(offer, on):
        raise ValidationError(_("这个岗位已结束或不在有效期内，不能再推荐。"))
    if Referral.objects.filter(offer=offer, seeker=seeker).exists():
        raise ValidationError(_("已经推荐过这个岗位了。"))
    try:
        with transaction.atomic():
            ref = Referral.objects.create(
                offer=offer, seeker=seeker, referred_on=on, recorded_by=user_or_none(acting_user)
            )
    except IntegrityError:
        raise ValidationError(_("已经推荐过这个岗位了。")) from None
    audit.record_create(ref, acting_user=acting_user)
    return ref


@transaction.atomic
def referral_outcome(
    referral: Referral,
    *,
    acting_user: Any,
    version: int,
    outcome: str,
    on: dt.date | None = None,
) -> Referral:
    """Record what came of a referral, once: 已录用 or 未录用. A hire beyond the offer's places
    is refused (the offer's row is locked, so two hires of the last place cannot both pass)."""
    ref = Referral.objects.select_related("offer__community").get(pk=referral.pk)
    check_community(ref.offer.community, acting_user)
    offer = Offer.objects.select_for_update().get(pk=ref.offer_id)
    on = on or timezone.localdate()
    if outcome not in (Outcome.HIRED, Outcome.NOT_HIRED):
        raise ValidationError({"outcome": _("请选择“已录用”或“未录用”。")})
    if ref.outcome != Outcome.PENDING:
        raise ValidationError(_("这次推荐已经有结果了。"))
    if on < ref.referred_on:
        raise ValidationError({"on": _("结果日期不能早于推荐日期。")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("结果日期不能晚于今天。")})
    if outcome == Outcome.HIRED:
        hired = Referral.objects.filter(offer=offer, outcome=Outcome.HIRED).count()
        if hired >= offer.places:
            raise ValidationError(_("这个岗位的名额已经招满了。"))
    return audited_update(
        ref,
        data={"outcome": outcome, "outcome_on": on},
        acting_user=acting_user,
        expected_version=version,
    )
