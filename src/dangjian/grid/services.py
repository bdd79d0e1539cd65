"""Writes of grid visits (走访记录) and key households (重点户), SPEC §8, issue 16 item 2.

Who may write: whoever reaches the household under the grid's need-to-know (:mod:`.access`) — a
changing grant on the community, or a current cadre duty on an area above the household. Every
write is atomic and audited; ``visitor_name`` and ``by_secretary`` are fixed when the visit is
recorded, as they were on the day (a later change of secretary does not rewrite history).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError, user_or_none
from dangjian.orgs.models import Office, Place, PlaceKind

from .access import AreaScopedQuerySet
from .models import KeyHousehold, Visit

#: Free text about a household: kept out of the audit in clear (the audit is read more widely
#: than grid records are) — the audit says that it changed, not what it says.
PRIVATE_FIELDS = ("met", "found", "follow_up", "reason")
MASK = "***"


def _masked(changes: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, change in changes.items():
        if key in PRIVATE_FIELDS and isinstance(change, dict):
            change = {k: (MASK if v else v) for k, v in change.items()}
        out[key] = change
    return out


def _audit(action: str, obj: Any, *, acting_user: Any, changes: dict[str, Any]) -> None:
    audit.record(action=action, obj=obj, acting_user=acting_user, changes=_masked(changes))


class _PlaceReach(AreaScopedQuerySet):
    """Places under the grid's need-to-know: the same two ways in as every grid record."""

    scope_path = "community__path"
    place_path = "path"


def households_reached(user: Any) -> QuerySet[Place]:
    """The households ``user`` may visit and read about (community grant or cadre duty)."""
    return (
        _PlaceReach(model=Place)
        .filter(kind=PlaceKind.HOUSEHOLD)
        .visible_to(user)
        .select_related("community")
    )


def places_reached(user: Any) -> QuerySet[Place]:
    """Every place (area, building, corridor, household) the user reaches in grid work."""
    return _PlaceReach(model=Place).all().visible_to(user)


def earliest_visit_day(today: dt.date) -> dt.date:
    """The oldest day a visit may be entered for: 1 January of last year — a paper 走访台帐 of the
    past year may still be entered, an older date is a typing error."""
    return dt.date(today.year - 1, 1, 1)


def _household(user: Any, household: Place | int | None) -> Place:
    pk = getattr(household, "pk", household)
    found = households_reached(user).filter(pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        raise ValidationError({"household": _("请选择您负责片区内的住户。")})
    return found


def is_secretary(user: Any, *, community_id: int, on: dt.date) -> bool:
    """Whether ``user``'s member record holds the 书记 office of the community on ``on``."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        Office.objects.current(on)
        .filter(
            org_id=community_id,
            title=Office.Title.SECRETARY,
            member__user=user,
            term_start__lte=on,
        )
        .exists()
    )


def visitor_name_of(user: Any) -> str:
    from dangjian.members.models import Member

    name = Member.objects.filter(user=user).values_list("name", flat=True).first()
    return (name or user.get_full_name() or user.get_username())[:50]


def _check_date(visited_on: dt.date | None, today: dt.date) -> dict[str, str]:
    if visited_on is None:
        return {"visited_on": _("请填写走访日期。")}
    if visited_on > today:
        return {"visited_on": _("走访日期不能晚于今天。")}
    earliest = earliest_visit_day(today)
    if visited_on < earliest:
        return {
            "visited_on": _("走访日期不能早于 %(d)s，请核对年份。") % {"d": earliest.isoformat()}
        }
    return {}


def _check_text(*, met: str, found: str, follow_up: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, value in (("met", met), ("follow_up", follow_up)):
        limit = Visit._meta.get_field(name).max_length or 0
        if len(value) > limit:
            errors[name] = _("请写简短些（不超过 %(n)d 字）。") % {"n": limit}
    if not (met or found or follow_up):
        errors["found"] = _("请至少写下见到的人或了解到的情况。")
    return errors


@transaction.atomic
def visit_record(
    *,
    acting_user: Any,
    household: Place | int | None,
    visited_on: dt.date | None,
    met: str = "",
    found: str = "",
    follow_up: str = "",
    today: dt.date | None = None,
) -> Visit:
    """走访: one visit to a household the visitor (``acting_user``) reaches."""
    today = today or timezone.localdate()
    place = _household(acting_user, household)
    met, found, follow_up = (met or "").strip(), (found or "").strip(), (follow_up or "").strip()
    errors = {
        **_check_date(visited_on, today),
        **_check_text(met=met, found=found, follow_up=follow_up),
    }
    if errors:
        raise ValidationError(errors)
    assert visited_on is not None
    visit = Visit.objects.create(
        household=place,
        visited_on=visited_on,
        visitor=acting_user,
        visitor_name=visitor_name_of(acting_user),
        by_secretary=is_secretary(acting_user, community_id=place.community_id, on=visited_on),
        met=met,
        found=found,
        follow_up=follow_up,
    )
    _audit(
        AuditEntry.Action.CREATE,
        visit,
        acting_user=acting_user,
        changes=audit.diff({}, audit.snapshot(visit)),
    )
    return visit


def _may_change_visit(visit: Visit, user: Any) -> None:
    """The visitor themselves, or the community (a changing grant), may correct a visit."""
    if visit.visitor_id == getattr(user, "pk", None):
        return
    if scope_for(user).reaches_path(visit.household.community.path, CHANGE):
        return
    raise PermissionDenied(_("只有走访人本人或本社区书记、委员可以修改这条走访记录。"))


@transaction.atomic
def visit_update(
    visit: Visit,
    *,
    acting_user: Any,
    version: int,
    visited_on: dt.date | None,
    met: str = "",
    found: str = "",
    follow_up: str = "",
    today: dt.date | None = None,
) -> Visit:
    """Correct a visit (who was met, what was found, the follow-up, the day), if nobody changed
    it meanwhile. ``by_secretary`` follows the day: it is the secretary of that day."""
    today = today or timezone.localdate()
    visit = (
        Visit.objects.visible_to(acting_user)
        .select_related("household__community")
        .get(pk=visit.pk)
    )
    _may_change_visit(visit, acting_user)
    met, found, follow_up = (met or "").strip(), (found or "").strip(), (follow_up or "").strip()
    errors = {
        **_check_date(visited_on, today),
        **_check_text(met=met, found=found, follow_up=follow_up),
    }
    if errors:
        raise ValidationError(errors)
    assert visited_on is not None
    data: dict[str, Any] = {
        "visited_on": visited_on,
        "met": met,
        "found": found,
        "follow_up": follow_up,
    }
    if visited_on != visit.visited_on:
        data["by_secretary"] = is_secretary(
            visit.visitor, community_id=visit.household.community_id, on=visited_on
        )
    current = Visit.objects.select_for_update(of=("self",)).get(pk=visit.pk)
    _check_version(current, version)
    before = audit.snapshot(current)
    for key, val in data.items():
        setattr(current, key, val)
    changes = audit.diff(before, audit.snapshot(current))
    if not changes:
        return current
    current.version += 1
    current.save(update_fields=[*data, "version", "updated_at"])
    _audit(AuditEntry.Action.UPDATE, current, acting_user=acting_user, changes=changes)
    return current


def _check_version(current: Any, version: int | None) -> None:
    if version is not None and current.version != version:
        raise ConflictError(
            _(
                "该记录已被他人修改（您打开的是第 %(mine)d 版，现在是第 %(now)d 版）。"
                "请刷新页面，核对后再保存。"
            )
            % {"mine": version, "now": current.version},
            code="conflict",
        )


def _receive(*, acting_user: Any, **fields: Any) -> Any:
    """Receive the request through the service desk's one entry point, in the cadre's name: the
    caller (``visit_open_request``) has checked that they reach the household through their duty."""
    from dangjian.servicedesk import services as desk

    return desk.request_receive(acting_user=acting_user, caller_checked=True, **fields)


@transaction.atomic
def visit_open_request(
    visit: Visit,
    *,
    acting_user: Any,
    category: str | None = None,
    today: dt.date | None = None,
) -> Any:
    """转为服务工单 (one click): a service request of the household's community, channel 网格走访,
    with the follow-up as its content, linked both ways (``Visit.request`` ↔ ``Request.visit``)."""
    from dangjian.servicedesk.models import Channel

    today = today or timezone.localdate()
    current = (
        Visit.objects.visible_to(acting_user)
        .select_for_update(of=("self",))
        .select_related("household__community")
        .filter(pk=visit.pk)
        .first()
    )
    if current is None:
        raise PermissionDenied(_("您无权处理这条走访记录。"))
    if current.request_id is not None:
        raise ValidationError(_("这条走访已经转为服务工单了，不能重复转。"))
    content = current.follow_up or current.found
    if not content:
        raise ValidationError({"follow_up": _("请先写明后续跟进的事项，再转为服务工单。")})
    household = current.household
    if not category:  # the community's 其他, or its first category when it has switched 其他 off
        from dangjian.servicedesk import categories

        offered = categories.offered(household.community)
        category = "other" if "other" in offered else next(iter(offered), "other")
    req = _receive(
        acting_user=acting_user,
        community=household.community,
        channel=Channel.GRID,
        category=category,
        resident_name=(current.met or household.name)[:50],
        content=content,
        household=household,
        received_on=today,
        today=today,
    )
    before = audit.snapshot(current)
    current.request = req
    current.version += 1
    current.save(update_fields=["request", "version", "updated_at"])
    _audit(
        AuditEntry.Action.UPDATE,
        current,
        acting_user=acting_user,
        changes=audit.diff(before, audit.snapshot(current)),
    )
    return req


# ---- key households ------------------------------------------------------------------------
def _may_mark(user: Any, household: Place) -> None:
    """Marking a key household is the community's decision (a changing grant), not a cadre's."""
    if not scope_for(user).reaches_path(household.community.path, CHANGE):
        raise PermissionDenied(_("只有本社区书记、委员可以标记或取消重点户。"))


@transaction.atomic
def key_mark(
    *,
    acting_user: Any,
    household: Place | int | None,
    reason: str,
    since: dt.date | None = None,
    today: dt.date | None = None,
) -> KeyHousehold:
    """标记重点户 with the reason; the secretary is then to visit it in person."""
    today = today or timezone.localdate()
    place = _household(acting_user, household)
    _may_mark(acting_user, place)
    since = since or today
    reason = (reason or "").strip()
    limit = KeyHousehold._meta.get_field("reason").max_length or 0
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("请写明标记为重点户的原因。")
    elif len(reason) > limit:
        errors["reason"] = _("原因请写简短些（不超过 %(n)d 字）。") % {"n": limit}
    if since > today:
        errors["since"] = _("标记日期不能晚于今天。")
    if not errors and KeyHousehold.objects.filter(household=place, until__isnull=True).exists():
        errors["household"] = _("这户已标记为重点户。")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            mark = KeyHousehold.objects.create(
                household=place, reason=reason, since=since, marked_by=user_or_none(acting_user)
            )
    except IntegrityError:  # marked by a colleague a moment ago
        raise ValidationError({"household": _("这户已标记为重点户。")}) from None
    _audit(
        AuditEntry.Action.CREATE,
        mark,
        acting_user=acting_user,
        changes=audit.diff({}, audit.snapshot(mark)),
    )
    return mark


@transaction.atomic
def key_unmark(
    mark: KeyHousehold,
    *,
    acting_user: Any,
    reason: str,
    version: int,
    until: dt.date | None = None,
    today: dt.date | None = None,
) -> KeyHousehold:
    """取消重点户: ``until`` is set, the mark stays in history; the reason goes into the audit."""
    today = today or timezone.localdate()
    current = (
        KeyHousehold.objects.visible_to(acting_user)
        .select_for_update(of=("self",))
        .select_related("household__community")
        .filter(pk=mark.pk)
        .first()
    )
    if current is None:
        raise PermissionDenied(_("您无权处理这条重点户标记。"))
    _may_mark(acting_user, current.household)
    _check_version(current, version)
    until = until or today
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if current.until is not None:
        errors["until"] = _("这户的重点户标记已经取消了。")
    if not reason:
        errors["reason"] = _("请写明取消重点户的原因。")
    elif len(reason) > 200:
        errors["reason"] = _("原因请写简短些（不超过 %(n)d 字）。") % {"n": 200}
    if until > today:
        errors["until"] = _("取消日期不能晚于今天。")
    elif until < current.since:
        errors["until"] = _("取消日期不能早于标记日期（%(d)s）。") % {
            "d": current.since.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    current.until = until
    current.until_reason = reason
    current.version += 1
    current.save(update_fields=["until", "until_reason", "version", "updated_at"])
    audit.record(
        action=AuditEntry.Action.UPDATE,
        obj=current,
        acting_user=acting_user,
        changes={
            "until": {"before": None, "after": until.isoformat()},
            "unmark_reason": {"before": "", "after": MASK},
        },
    )
    return current
