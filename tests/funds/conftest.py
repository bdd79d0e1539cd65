"""Shared pieces of the funds tests: the default categories, and recording an entry briefly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dangjian.funds import services
from dangjian.funds.models import Category


@pytest.fixture
def cats(db):
    services.ensure_categories()
    return {(c.direction, c.name): c for c in Category.objects.all()}


def record(cast, cats, *, org=None, direction="out", amount="100", date=None, name=None, **kw):
    """One entry in ``org``'s ledger (community A by default), by comm_a_sec."""
    name = name or ("上级拨款" if direction == "in" else "办公")
    return services.entry_record(
        acting_user=kw.pop("user", cast.comm_a_sec),
        org=org or cast.comm_a,
        direction=direction,
        date=date or dt.date(LAST_YEAR, 6, 1),
        category=cats[(direction, name)],
        amount=amount,
        summary=kw.pop("summary", "测试摘要"),
        **kw,
    )


def _last_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year - 1


LAST_YEAR = 0  # set by the fixture below, once the test day is pinned


@pytest.fixture(autouse=True)
def _pin_last_year():
    global LAST_YEAR
    LAST_YEAR = _last_year()


D = Decimal
