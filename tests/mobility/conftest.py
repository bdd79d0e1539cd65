"""Helpers for the mobility tests: members away from home through the real services."""

from __future__ import annotations

import datetime as dt

from dangjian.mobility import services
from tests.factories import make_member

D = dt.date
SEPT_1 = D(2026, 9, 1)


def make_outbound(member=None, *, org=None, left_on=SEPT_1, **kw):
    member = member or make_member(org=org)
    kw.setdefault("destination", "广东省深圳市")
    kw.setdefault("contact_name", "志愿者王")
    return services.outbound_create(acting_user=None, member=member, left_on=left_on, **kw)


def add_outbounds(org, n):
    for i in range(n):
        make_outbound(
            org=org,
            left_on=D(2026, 1, 1) + dt.timedelta(days=i),
            card_no=f"LD{i:04d}",
            card_issued_on=D(2025, 12, 20),
            card_valid_until=D(2026, 11, 1) + dt.timedelta(days=3 * i),
        )
