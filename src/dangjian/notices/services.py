"""Writes of notices: post one, correct it, withdraw it. A notice is never deleted — withdrawing
sets the day it stops being shown, so nothing that was published is lost.

Every write is atomic and audited; a change names the version the user's form was built from and
is refused when someone saved the notice meanwhile. Bad input is refused with a Chinese message
keyed by field, and nothing is written. Who may write: whoever may change the publishing
organisation (a changing grant on it or above it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, rules
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.services import ConflictError, audited_update, user_or_none
from dangjian.members.models import Category
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from .models import Audience, Notice

#: How far ahead a notice may be dated when no rule ``notices.publish_ahead`` is configured:
#: a year (see the report: the rule is to be added to ``core.rules``).
_AHEAD_RULE = ("notices.publish_ahead", "max_days")


def body_max() -> int:
    """The longest body a notice holds (the column's own limit)."""
    return Notice._meta.get_field("body").max_length


def title_max() -> int:
    return Notice._meta.get_field("title").max_length


def max_ahead_days(org: Organisation | None = None) -> int:
    """How many days ahead a notice may be dated (rule ``notices.publish_ahead``)."""
    return int(rules.value(*_AHEAD_RULE, org=org))


def may_publish(user: Any, org: Organisation) -> bool:
    return scope_for(user).reaches_path(org.path, CHANGE)


def in_community(org: Organisation) -> bool:
    """A community organisation, or one below a community (a branch, a group)."""
    return org.kind in COMMUNITY_KINDS or org.community() is not None


def _check_permission(user: Any, org: Organisation) -> None:
    if not may_publish(user, org):
        raise PermissionDenied(_("只有发布组织的书记或管理员可以发布、修改或撤下它的通知公告。"))


def _clean(
    *,
    org: Organisation,
    audience: str,
    to_org: Organisation | None,
    category: str,
    title: str,
    body: str,
    publish_on: dt.date | None,
    withdraw_on: dt.date | None,
    today: dt.date,
) -> dict[str, Any]:
    """The fields of a notice as they will be saved, or a ValidationError keyed by field."""
    errors: dict[str, str] = {}
    title = (title or "").strip()
    body = (body or "").replace("\r\n", "\n").strip()
    category = (category or "").strip()
    if audience not in Audience.values:
        errors["audience"] = _("请选择发给居民（公开栏）还是发给党员。")
    if not org.is_active:
        errors["org"] = _("该组织已撤销，不能再发布通知公告。")
    if to_org is None:
        to_org = org
    if audience == Audience.PUBLIC:
        if not in_community(org):
            errors["org"] = _(
                "居民公开的通知由社区党组织（或其下属支部）发布，显示在社区的公开栏上。"
            )
        if to_org.pk != org.pk:
            errors["to_org"] = _("居民公开的通知不分接收支部，请留空。")
        if category:
            errors["category"] = _("居民公开的通知不分党员类别，请留空。")
    else:
        if not to_org.path.startswith(org.path):
            errors["to_org"] = _("接收组织只能是发布组织本身或它下属的组织。")
        elif not to_org.is_active:
            errors["to_org"] = _("接收组织已撤销。")
        if category and category not in Category.values:
            errors["category"] = _("没有这个党员类别。")
    if not title:
        errors["title"] = _("请填写标题。")
    elif len(title) > title_max():
        errors["title"] = _("标题不能超过 %(n)d 个字（现在 %(m)d 个字），请精简。") % {
            "n": title_max(),
            "m": len(title),
        }
    if not body:
        errors["body"] = _("请填写正文。")
    elif len(body) > body_max():
        errors["body"] = _(
            "正文不能超过 %(n)d 个字（现在 %(m)d 个字）。请精简，或分成几条通知发布；系统不会自动截断。"
        ) % {"n": body_max(), "m": len(body)}
    if publish_on is None:
        errors["publish_on"] = _("请填写发布日期。")
    else:
        ahead = max_ahead_days(org)
        if publish_on > today + dt.timedelta(days=ahead):
            errors["publish_on"] = _("发布日期最多只能定在 %(n)d 天以后（%(d)s 之前）。") % {
                "n": ahead,
                "d": (today + dt.timedelta(days=ahead)).isoformat(),
            }
        if withdraw_on is not None and withdraw_on <= publish_on:
            errors["withdraw_on"] = _(
                "撤下日期须晚于发布日期（撤下日期当天起不再显示）。不需要撤下请留空。"
            )
    if errors:
        raise ValidationError(errors)
    return {
        "org": org,
        "audience": audience,
        "to_org": to_org,
        "category": category,
        "title": title,
        "body": body,
        "publish_on": publish_on,
        "withdraw_on": withdraw_on,
    }


@transaction.atomic
def notice_create(
    *,
    acting_user: Any,
    org: Organisation,
    audience: str,
    title: str,
    body: str,
    publish_on: dt.date | None,
    to_org: Organisation | None = None,
    category: str = "",
    withdraw_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Notice:
    """Post a notice of ``org``: to residents on the community's public board, or to the members
    of ``to_org`` (``org`` itself when empty), optionally only those of one ``category``."""
    today = today or timezone.localdate()
    _check_permission(acting_user, org)
    data = _clean(
        org=org,
        audience=audience,
        to_org=to_org,
        category=category,
        title=title,
        body=body,
        publish_on=publish_on,
        withdraw_on=withdraw_on,
        today=today,
    )
    notice = Notice(**data, created_by=user_or_none(acting_user))
    notice.full_clean()
    notice.save()
    audit.record_create(notice, acting_user=acting_user)
    return notice


def _check_version(notice: Notice, expected_version: int | None) -> None:
    if expected_version is not None and notice.version != expected_version:
        raise ConflictError(
            _(
                "这条通知已被他人修改（您打开的是第 %(mine)d 版，现在是第 %(now)d 版）。请刷新页面，核对后再操作。"
            )
            % {"mine": expected_version, "now": notice.version},
            code="conflict",
        )


_UNSET: Any = object()


@transaction.atomic
def notice_update(
    notice: Notice,
    *,
    acting_user: Any,
    expected_version: int | None,
    audience: str = _UNSET,
    to_org: Organisation | None = _UNSET,
    category: str = _UNSET,
    title: str = _UNSET,
    body: str = _UNSET,
    publish_on: dt.date | None = _UNSET,
    withdraw_on: dt.date | None = _UNSET,
    today: dt.date | None = None,
) -> Notice:
    """Correct a notice (fields not given stay as they are). A notice already withdrawn is kept
    as it was shown."""
    today = today or timezone.localdate()
    current = Notice.objects.select_for_update().select_related("org", "to_org").get(pk=notice.pk)
    _check_permission(acting_user, current.org)
    _check_version(current, expected_version)
    if current.withdraw_on is not None and current.withdraw_on <= today:
        raise ValidationError(_("这条通知已经撤下，不能再修改；如需再发，请新建一条。"))

    def pick(value: Any, name: str) -> Any:
        return getattr(current, name) if value is _UNSET else value

    data = _clean(
        org=current.org,
        audience=pick(audience, "audience"),
        to_org=pick(to_org, "to_org"),
        category=pick(category, "category"),
        title=pick(title, "title"),
        body=pick(body, "body"),
        publish_on=pick(publish_on, "publish_on"),
        withdraw_on=pick(withdraw_on, "withdraw_on"),
        today=today,
    )
    data.pop("org")
    return audited_update(
        current, data=data, acting_user=acting_user, expected_version=expected_version
    )


@transaction.atomic
def notice_withdraw(
    notice: Notice,
    *,
    acting_user: Any,
    expected_version: int | None,
    on: dt.date | None = None,
    today: dt.date | None = None,
) -> Notice:
    """Stop showing a notice from ``on`` (today when not given). The notice itself is kept."""
    today = today or timezone.localdate()
    on = on or today
    current = Notice.objects.select_for_update().select_related("org").get(pk=notice.pk)
    _check_permission(acting_user, current.org)
    _check_version(current, expected_version)
    if current.withdraw_on is not None and current.withdraw_on <= today:
        raise ValidationError(
            _("这条通知已于 %(d)s 撤下。") % {"d": current.withdraw_on.isoformat()}
        )
    if on < today:
        raise ValidationError({"withdraw_on": _("撤下日期不能早于今天。")})
    if on <= current.publish_on:
        raise ValidationError(
            {
                "withdraw_on": _(
                    "撤下日期须晚于发布日期 %(p)s（撤下日期当天起不再显示）。"
                    "还没发布的通知，请修改它的发布日期或内容。"
                )
                % {"p": current.publish_on.isoformat()}
            }
        )
    if current.withdraw_on is not None and on >= current.withdraw_on:
        raise ValidationError(
            {
                "withdraw_on": _("这条通知已定于 %(d)s 撤下，不必再撤下。")
                % {"d": current.withdraw_on.isoformat()}
            }
        )
    return audited_update(
        current,
        data={"withdraw_on": on},
        acting_user=acting_user,
        expected_version=expected_version,
    )


def state_of(notice: Notice, today: dt.date) -> str:
    """``current`` 显示中 / ``pending`` 待发布 / ``withdrawn`` 已撤下."""
    if notice.withdraw_on is not None and notice.withdraw_on <= today:
        return "withdrawn"
    if notice.publish_on > today:
        return "pending"
    return "current"
