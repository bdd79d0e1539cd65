"""Writes of 共驻共建: units, agreements and their pledges, activities (each the co-building
detail of a deed of :mod:`dangjian.deeds`; practical deeds and volunteer services are marked as
such), shared resources and bookings, and the year's stars. Atomic, audited, refused in plain
Chinese with nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.files import uploaded_image_type
from dangjian.core.services import audited_create, audited_delete, audited_update, user_or_none
from dangjian.deeds.models import Deed
from dangjian.deeds.services import deed_delete, deed_record, deed_update
from dangjian.members.models import Member
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, ResidentUnit

from .models import (
    Activity,
    ActivityKind,
    Agreement,
    Booking,
    Photo,
    Pledge,
    Resource,
    StarRating,
    Theme,
)

MAX_PHOTO_BYTES = 8 * 1024 * 1024


def check_community(community: Organisation, acting_user: Any) -> None:
    if community.kind not in COMMUNITY_KINDS:
        raise ValidationError(_("共驻共建由社区党组织登记。"))
    if not scope_for(acting_user).reaches_path(community.path, CHANGE):
        raise PermissionDenied(_("只有本社区党组织可以登记。"))


# ---- units ----------------------------------------------------------------------------------
@transaction.atomic
def unit_register(
    *,
    acting_user: Any,
    community: Organisation,
    also_in: Iterable[Organisation] = (),
    **fields: Any,
) -> ResidentUnit:
    """Register a unit in its community (and, for one that sits between communities, the others
    it is also listed in — which the user must be responsible for too)."""
    check_community(community, acting_user)
    also_in = list(also_in)
    for other in also_in:
        check_community(other, acting_user)
    if ResidentUnit.objects.filter(
        community=community, name=fields.get("name", "").strip()
    ).exists():
        raise ValidationError({"name": _("本社区已登记该单位。")})
    unit = audited_create(
        ResidentUnit, data={"community": community, **fields}, acting_user=acting_user
    )
    unit.also_in.set(also_in)
    return unit


# ---- agreements -------------------------------------------------------------------------------
@transaction.atomic
def agreement_create(
    *,
    acting_user: Any,
    unit: ResidentUnit,
    title: str,
    signed_on: dt.date,
    starts_on: dt.date,
    ends_on: dt.date,
    unit_pledges: Iterable[str] = (),
    community_pledges: Iterable[str] = (),
) -> Agreement:
    check_community(unit.community, acting_user)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("截止日期不能早于起始日期。")})
    pledges = [("unit", t.strip()) for t in unit_pledges if t.strip()] + [
        ("community", t.strip()) for t in community_pledges if t.strip()
    ]
    if not any(side == "unit" for side, _t in pledges):
        raise ValidationError({"unit_pledges": _("请写明驻区单位承诺的事项（每行一项）。")})
    agreement = audited_create(
        Agreement,
        data={
            "community": unit.community,
            "unit": unit,
            "title": title.strip() or _("共驻共建协议"),
            "signed_on": signed_on,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
        acting_user=acting_user,
    )
    Pledge.objects.bulk_create([Pledge(agreement=agreement, side=s, text=t) for s, t in pledges])
    return agreement


@transaction.atomic
def pledge_check(
    pledge: Pledge, *, acting_user: Any, kept: bool, note: str = "", on: dt.date | None = None
) -> Pledge:
    pledge = Pledge.objects.select_related("agreement__community").get(pk=pledge.pk)
    check_community(pledge.agreement.community, acting_user)
    return audited_update(
        pledge,
        data={"kept": kept, "note": note.strip(), "checked_on": on or timezone.localdate()},
        acting_user=acting_user,
    )


# ---- activities -------------------------------------------------------------------------------
DEED_FIELDS = ("date", "title", "place", "beneficiaries")
ACTIVITY_FIELDS = (
    "kind",
    "theme",
    "is_deed",
    "is_volunteer_service",
    "organisers",
    "money",
    "goods",
    "summary",
    "feedback",
)


def _clean_activity(data: dict[str, Any], today: dt.date, *, has_units: bool) -> None:
    """What co-building asks beyond the deed: the kind, the theme, the money, and a unit for a
    practical deed or a volunteer service. The date and title are checked here too so that the
    form names them as an activity's."""
    errors: dict[str, Any] = {}
    if data.get("kind") not in ActivityKind.values:
        errors["kind"] = _("请选择活动类别（六联）。")
    if data.get("theme") and data["theme"] not in Theme.values:
        errors["theme"] = _("请选择“八进社区”主题，或不选。")
    if "title" in data and not (data.get("title") or "").strip():
        errors["title"] = _("请填写活动名称。")
    if "date" in data:
        day = data.get("date")
        if day is None:
            errors["date"] = _("请填写日期。")
        elif day > today:
            errors["date"] = _("日期不能晚于今天；计划中的活动请在开展后登记。")
    money = data.get("money")
    if money is not None and Decimal(money) < 0:
        errors["money"] = _("投入资金不能为负数。")
    if (data.get("is_deed") or data.get("is_volunteer_service")) and not has_units:
        errors["units"] = _("实事和志愿服务请注明是哪个驻区单位做的。")
    if errors:
        raise ValidationError(errors)


def _check_photos(photos: list[Any]) -> None:
    for p in photos:
        if p.size > MAX_PHOTO_BYTES:
            raise ValidationError({"photos": _("照片请小于 8 MB。")})
        if uploaded_image_type(p) is None:
            raise ValidationError(
                {
                    "photos": _("“%(n)s”不是照片：只能上传 JPG、PNG、GIF 或 WebP 格式的图片。")
                    % {"n": getattr(p, "name", "")[:60]}
                }
            )


def _deed_to_detail(deed: Deed, community: Organisation) -> Deed:
    """The deed an activity is to detail, locked: of this community, not detailed yet."""
    deed = Deed.objects.select_for_update().get(pk=deed.pk)
    if deed.community_id != community.pk:
        raise ValidationError({"deed": _("请选择本社区登记的实事。")})
    if Activity.objects.filter(deed=deed).exists():
        raise ValidationError({"deed": _("这件事已经登记为共建活动。")})
    return deed


@transaction.atomic
def activity_record(
    *,
    acting_user: Any,
    community: Organisation,
    units: Iterable[ResidentUnit | int] = (),
    members: Iterable[Member | int] = (),
    photos: Iterable[Any] = (),
    deed: Deed | None = None,
    today: dt.date | None = None,
    **data: Any,
) -> Activity:
    """One activity: its deed (date, title, place, beneficiaries, the units and members who took
    part — :func:`dangjian.deeds.services.deed_record` checks them) and the co-building detail
    with its photos, all or nothing.

    ``deed``: the event is already recorded (on the deeds page, by a checked-in member …): the
    activity becomes its co-building detail, and what happened and who took part are the deed's
    — the date, title, units and members given here are not asked for again, nor used."""
    check_community(community, acting_user)
    today = today or timezone.localdate()
    unknown = set(data) - set(DEED_FIELDS) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"activity_record() got unexpected fields {sorted(unknown)}")
    photos = list(photos)
    if deed is not None:
        deed = _deed_to_detail(deed, community)
        data = {k: v for k, v in data.items() if k in ACTIVITY_FIELDS}
        _clean_activity(data, today, has_units=deed.units.exists())
        _check_photos(photos)
    else:
        unit_ids = {u if isinstance(u, int) else u.pk for u in units}
        member_ids = {m if isinstance(m, int) else m.pk for m in members}
        _clean_activity(data, today, has_units=bool(unit_ids))
        found = list(
            ResidentUnit.objects.filter(
                Q(community=community) | Q(also_in=community), pk__in=unit_ids
            )
            .distinct()
            .select_related("party_org")
            .prefetch_related("also_in")
        )
        if {u.pk for u in found} != unit_ids:
            raise ValidationError({"units": _("参加单位须是本社区登记的驻区单位。")})
        _check_photos(photos)
        deed = deed_record(
            acting_user=acting_user,
            community=community,
            date=data.get("date"),
            title=data.get("title") or "",
            place=data.get("place") or "",
            beneficiaries=data.get("beneficiaries"),
            units=found,
            members=sorted(member_ids),
            today=today,
        )
    activity = Activity(
        deed=deed,
        recorded_by=user_or_none(acting_user),
        **{k: v for k, v in data.items() if k in ACTIVITY_FIELDS},
    )
    activity.full_clean()
    activity.save()
    for p in photos:
        Photo.objects.create(activity=activity, file=p)
    audit.record_create(activity, acting_user=acting_user)
    return activity


@transaction.atomic
def activity_update(
    activity: Activity,
    *,
    acting_user: Any,
    version: int,
    deed_version: int,
    data: dict[str, Any],
    photos: Iterable[Any] = (),
    today: dt.date | None = None,
) -> Activity:
    """Correct an activity: what happened (date, title, place, beneficiaries) on its deed, the
    co-building detail on the activity — each under its own optimistic lock — and add photos.
    The units and members who took part stay as recorded."""
    activity = (
        Activity.objects.select_for_update().select_related("deed__community").get(pk=activity.pk)
    )
    check_community(activity.deed.community, acting_user)
    has_units = activity.deed.units.exists()
    _clean_activity(
        {"kind": activity.kind, **data}, today or timezone.localdate(), has_units=has_units
    )
    photos = list(photos)
    _check_photos(photos)
    deed_data = {k: v for k, v in data.items() if k in DEED_FIELDS}
    if deed_data:
        if "place" in deed_data:
            deed_data["place"] = deed_data["place"] or ""
        deed_update(activity.deed, acting_user=acting_user, version=deed_version, data=deed_data)
    own = {k: v for k, v in data.items() if k in ACTIVITY_FIELDS}
    activity = audited_update(activity, data=own, acting_user=acting_user, expected_version=version)
    for p in photos:
        Photo.objects.create(activity=activity, file=p)
    return Activity.objects.select_related("deed__community").get(pk=activity.pk)


@transaction.atomic
def activity_delete(activity: Activity, *, acting_user: Any) -> None:
    """An activity recorded by mistake goes with its deed and its photos (the files once the
    deletion is committed)."""
    activity = (
        Activity.objects.select_for_update().select_related("deed__community").get(pk=activity.pk)
    )
    check_community(activity.deed.community, acting_user)
    deed = activity.deed
    files = [p.file for p in activity.photos.all()]
    audited_delete(activity, acting_user=acting_user)
    deed_delete(deed, acting_user=acting_user)
    for f in files:
        transaction.on_commit(lambda f=f: f.storage.delete(f.name))


# ---- shared resources -------------------------------------------------------------------------
@transaction.atomic
def resource_create(
    *, acting_user: Any, unit: ResidentUnit, kind: str, name: str, detail: str = ""
) -> Resource:
    check_community(unit.community, acting_user)
    if not name.strip():
        raise ValidationError({"name": _("请填写资源名称。")})
    return audited_create(
        Resource,
        data={
            "community": unit.community,
            "unit": unit,
            "kind": kind,
            "name": name.strip(),
            "detail": detail,
        },
        acting_user=acting_user,
    )


@transaction.atomic
def booking_create(
    *,
    acting_user: Any,
    resource: Resource,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
) -> Booking:
    """Book a shared resource; refused when it overlaps a booking already made (the resource row
    is locked while checking, so two bookings at once cannot both slip in)."""
    resource = Resource.objects.select_for_update().select_related("community").get(pk=resource.pk)
    check_community(resource.community, acting_user)
    if not resource.is_open:
        raise ValidationError(_("该资源目前不开放预约。"))
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ValidationError({"ends_at": _("结束时间须晚于开始时间。")})
    if not (purpose or "").strip():
        raise ValidationError({"purpose": _("请填写用途。")})
    clash = (
        Booking.objects.filter(
            resource=resource, cancelled=False, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        local = timezone.localtime
        raise ValidationError(
            _("与已有预约冲突：%(s)s 至 %(e)s（%(p)s）。请换一个时间。")
            % {
                "s": f"{local(clash.starts_at):%m月%d日 %H:%M}",
                "e": f"{local(clash.ends_at):%H:%M}",
                "p": clash.purpose,
            }
        )
    booking = Booking.objects.create(
        resource=resource,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose.strip(),
        booked_by=user_or_none(acting_user),
    )
    audit.record_create(booking, acting_user=acting_user)
    return booking


# ---- stars -------------------------------------------------------------------------------------
@transaction.atomic
def stars_decide(
    *,
    acting_user: Any,
    unit: ResidentUnit,
    year: int,
    stars: int,
    reason: str = "",
    today: dt.date | None = None,
) -> StarRating:
    """The community's decision for a unit's year: the proposal confirmed, or overridden with a
    written reason. Deciding again replaces the decision (audited)."""
    from .selectors import proposal_for

    check_community(unit.community, acting_user)
    from dangjian.core import rules

    lo = rules.value("cobuild.stars", "min", org=unit.community)
    hi = rules.value("cobuild.stars", "max", org=unit.community)
    if not lo <= int(stars) <= hi:
        raise ValidationError({"stars": _("星级为 %(lo)d 到 %(hi)d 星。") % {"lo": lo, "hi": hi}})
    proposal = proposal_for(unit=unit, year=year)
    reason = (reason or "").strip()
    if int(stars) != proposal.stars and not reason:
        raise ValidationError(
            {
                "reason": _("评定星级与系统建议（%(n)d 星）不同，请写明调整理由。")
                % {"n": proposal.stars}
            }
        )
    data = {
        "proposed": proposal.stars,
        "reasons": proposal.as_json(),
        "stars": int(stars),
        "override_reason": reason if int(stars) != proposal.stars else "",
        "decided_by": user_or_none(acting_user),
        "decided_on": today or timezone.localdate(),
    }
    existing = StarRating.objects.filter(unit=unit, year=year).first()
    if existing is None:
        return audited_create(
            StarRating, data={"unit": unit, "year": year, **data}, acting_user=acting_user
        )
    return audited_update(existing, data=data, acting_user=acting_user)
