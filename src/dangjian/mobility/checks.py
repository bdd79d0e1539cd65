"""What needs attention about a member who is away (pure: dates in, alerts out).

- the activity card: expired, or expiring within ``member.mobile_followup.card_warn_days``
  (a card valid until exactly that many days from today is warned about; one more day is not);
- the absence: longer than ``member.mobile_card.max_absence_months`` (exactly that many months
  is still within the card's reach; a day more suggests transferring the relation);
- contact: none for more than ``member.mobile_followup.contact_every_months`` (counted from
  the last contact, or from the day they left).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from dangjian.core import rules

DANGER = "danger"
WARNING = "warning"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months (negative: back), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class FollowRules:
    max_absence_months: int
    card_warn_days: int
    contact_every_months: int

    @classmethod
    def for_org(cls, org: Any = None) -> FollowRules:
        return cls(
            max_absence_months=rules.value("member.mobile_card", "max_absence_months", org=org),
            card_warn_days=rules.value("member.mobile_followup", "card_warn_days", org=org),
            contact_every_months=rules.value(
                "member.mobile_followup", "contact_every_months", org=org
            ),
        )


@dataclass(frozen=True)
class Alert:
    code: str
    level: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "level": self.level, "message": self.message}


def card_alert(valid_until: dt.date | None, *, has_card: bool, today: dt.date, r: FollowRules):
    if not has_card:
        return Alert("no_card", WARNING, _("尚未办理流动党员活动证。"))
    if valid_until is None:
        return None
    if valid_until < today:
        return Alert(
            "card_expired",
            DANGER,
            _("活动证已于 %(d)s 过期，请换发或收回。") % {"d": valid_until.isoformat()},
        )
    left = (valid_until - today).days
    if left <= r.card_warn_days:
        return Alert(
            "card_expiring",
            WARNING,
            _("活动证将于 %(d)s 到期（还有 %(n)d 天）。")
            % {"d": valid_until.isoformat(), "n": left},
        )
    return None


def absence_alert(left_on: dt.date, *, today: dt.date, r: FollowRules):
    limit = add_months(left_on, r.max_absence_months)
    if today > limit:
        return Alert(
            "long_absence",
            WARNING,
            _("外出已超过 %(m)d 个月（%(d)s 起），外出时间较长且地点固定的，应转移组织关系。")
            % {"m": r.max_absence_months, "d": left_on.isoformat()},
        )
    return None


def contact_alert(
    last_contact_on: dt.date | None, left_on: dt.date, *, today: dt.date, r: FollowRules
):
    since = last_contact_on or left_on
    if today > add_months(since, r.contact_every_months):
        what = (
            _("最近一次联系是 %(d)s") % {"d": since.isoformat()}
            if last_contact_on
            else _("外出（%(d)s）后还没有联系记录") % {"d": since.isoformat()}
        )
        return Alert(
            "no_contact",
            WARNING,
            _("已超过 %(m)d 个月没有联系：%(w)s。") % {"m": r.contact_every_months, "w": what},
        )
    return None


def alerts(outbound: Any, *, today: dt.date, r: FollowRules) -> list[Alert]:
    """Everything to act on for one outbound record (nothing once the member is back)."""
    if outbound.state != "out":
        return []
    found = [
        card_alert(outbound.card_valid_until, has_card=bool(outbound.card_no), today=today, r=r),
        absence_alert(outbound.left_on, today=today, r=r),
        contact_alert(outbound.last_contact_on, outbound.left_on, today=today, r=r),
    ]
    return [a for a in found if a is not None]
