"""The dates a statistics report covers: the half-year ends (30 June, 31 December) and what a
request asks for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _


def half_year_end_before(day: dt.date) -> dt.date:
    """The latest 30 June or 31 December strictly before ``day``."""
    june = dt.date(day.year, 6, 30)
    if june < day:
        return june
    return dt.date(day.year - 1, 12, 31)


def default_on(today: dt.date | None = None) -> dt.date:
    """The half-year end just past: the report a street asks for."""
    return half_year_end_before(today or timezone.localdate())


@dataclass(frozen=True)
class Period:
    since: dt.date  # the register at the end of this day is the start of the period
    on: dt.date  # the register at the end of this day is what the tables count
    errors: tuple[tuple[str, str], ...] = ()  # (parameter, message)

    @property
    def messages(self) -> list[str]:
        return [message for _param, message in self.errors]


def _parse(raw: str) -> dt.date | None:
    try:
        return parse_date(raw.strip())
    except ValueError:
        return None


def period_from(on_raw: str = "", since_raw: str = "") -> Period:
    """The period a request asks for; a bad or impossible date falls back to the default with
    the reason in ``errors`` (a page shows it, the API answers 400 with it)."""
    today = timezone.localdate()
    errors: list[tuple[str, str]] = []
    on = _parse(on_raw) if on_raw.strip() else None
    if on_raw.strip() and on is None:
        errors.append(("on", _("统计日期“%(d)s”不正确，请按“年-月-日”填写。") % {"d": on_raw}))
    elif on is not None and on > today:
        errors.append(("on", _("统计日期不能晚于今天。")))
        on = None
    on = on or default_on(today)
    since = _parse(since_raw) if since_raw.strip() else None
    if since_raw.strip() and since is None:
        errors.append(
            ("since", _("起始日期“%(d)s”不正确，请按“年-月-日”填写。") % {"d": since_raw})
        )
    elif since is not None and since >= on:
        errors.append(("since", _("起始日期应早于统计日期。")))
        since = None
    return Period(since=since or half_year_end_before(on), on=on, errors=tuple(errors))
