"""Co-building records for tests, through the real services."""

from __future__ import annotations

import datetime as dt

from dangjian.cobuild import services
from tests.meetings.factories import make_unit


def unit(cast, name="甲社区实验小学"):
    return make_unit(community=cast.comm_a, name=name)


def activity(cast, units, *, day=dt.date(2026, 5, 1), kind="service", **flags):
    return services.activity_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        units=units,
        kind=kind,
        date=day,
        title=flags.pop("title", "义诊进社区"),
        today=dt.date(2026, 11, 24),
        **flags,
    )
