"""Small helpers for the accounts pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

register = template.Library()


@register.filter
def minutes(value: Any) -> int | str:
    """A duration in whole minutes (django-axes hands its cool-off as a timedelta)."""
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds() / 60)
    return ""


@register.simple_tag
def header_identity(user: Any) -> Any:
    """``{% header_identity user as me %}``: the person's name and role for the header."""
    from dangjian.accounts.identity import identity_of

    return identity_of(user)
