"""The demo county's co-building year: every resident unit with a different amount of effort, so
the star ranking shows all five levels — some units did nothing (1 star), some everything.

Per community, unit *i* does ``i % 6`` of: a practical deed; two joint activities (shared with
the next unit); two volunteer services; a co-building agreement whose pledges were kept; and the
council attendance it already has from the meetings demo; the busiest units also have a deed
the community recorded with them outside co-building (it counts as their 实事 just the same —
every count reads the deeds, :mod:`dangjian.deeds`). The proposals are confirmed for the
units that reached five stars (the commendation list) and, with a written reason, changed for
one unit per community. Two shared resources per community, one booked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.cobuild import selectors, services
from dangjian.deeds.services import deed_record
from dangjian.orgs.models import ResidentUnit

if TYPE_CHECKING:
    from .county import Demo

DEEDS = ("修缮困难户危房", "为社区捐赠健身器材", "资助困难学生", "铺设楼道照明")
JOINT = (("culture", "迎新春文艺汇演"), ("thought", "党史学习报告会"), ("security", "平安巡逻"))
SERVICES = ("义诊", "家电义修", "法律咨询", "理发")
PLAIN_DEEDS = ("帮独居老人打扫卫生", "为困难户送米送油", "疏通小区下水道")


def build_cobuild(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = demo.rng
    today = timezone.localdate()
    year = today.year
    admin = demo.admin
    made = decided = 0

    def day(month: int) -> dt.date:
        return min(dt.date(year, month, 10 + rng.randrange(15)), today)

    for c in demo.communities:
        units = list(ResidentUnit.objects.filter(community=c.org).order_by("id"))
        for i, unit in enumerate(units):
            effort = i % 6
            if effort >= 1:
                services.activity_record(
                    acting_user=admin,
                    community=c.org,
                    units=[unit],
                    kind="service",
                    date=day(3 + rng.randrange(6)),
                    title=rng.choice(DEEDS),
                    is_deed=True,
                    beneficiaries=rng.randrange(5, 60),
                    money=rng.randrange(2, 30) * 1000,
                )
                made += 1
            if effort >= 2:
                partner = units[(i + 1) % len(units)]
                for kind, title in rng.sample(JOINT, 2):
                    services.activity_record(
                        acting_user=admin,
                        community=c.org,
                        units=[unit, partner],
                        kind=kind,
                        date=day(1 + rng.randrange(10)),
                        title=title,
                        theme="culture",
                        beneficiaries=rng.randrange(50, 300),
                    )
                    made += 1
            if effort >= 3:
                for month in (4, 9):
                    services.activity_record(
                        acting_user=admin,
                        community=c.org,
                        units=[unit],
                        kind="service",
                        date=day(month),
                        title=rng.choice(SERVICES),
                        is_volunteer_service=True,
                        theme="health",
                        beneficiaries=rng.randrange(20, 100),
                    )
                    made += 1
            if effort >= 5:  # drawn without the demo's rng, so later steps draw as before
                deed_record(
                    acting_user=admin,
                    community=c.org,
                    units=[unit],
                    date=min(dt.date(year, 6, 1 + i % 28), today),
                    title=PLAIN_DEEDS[i % len(PLAIN_DEEDS)],
                    beneficiaries=3,
                )
            if effort >= 4:
                agreement = services.agreement_create(
                    acting_user=admin,
                    unit=unit,
                    title=f"{unit.name}共驻共建协议",
                    signed_on=dt.date(year, 1, 8),
                    starts_on=dt.date(year, 1, 1),
                    ends_on=dt.date(year, 12, 31),
                    unit_pledges=["开放活动场地", "每年为社区办一件实事"],
                    community_pledges=["协助做好单位周边环境整治"],
                )
                for p in agreement.pledges.filter(side="unit"):
                    services.pledge_check(
                        p, acting_user=admin, kept=True, on=min(today, dt.date(year, 11, 1))
                    )
        proposals = selectors.proposals_for(units=units, year=year)
        for i, unit in enumerate(units):
            proposal = proposals[unit.pk]
            if proposal.stars == 5:
                services.stars_decide(acting_user=admin, unit=unit, year=year, stars=5)
                decided += 1
            elif i == 2:
                services.stars_decide(
                    acting_user=admin,
                    unit=unit,
                    year=year,
                    stars=min(5, proposal.stars + 1),
                    reason="汛期抢险中主动出人出车，经社区党组织研究上调一星。",
                )
                decided += 1
        hall = services.resource_create(
            acting_user=admin, unit=units[0], kind="venue", name="多功能厅", detail="周末开放"
        )
        services.resource_create(
            acting_user=admin, unit=units[1 % len(units)], kind="vehicle", name="应急用车"
        )
        start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=3), dt.time(9)))
        services.booking_create(
            acting_user=admin,
            resource=hall,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            purpose="党课",
        )
    log(f"共驻共建：{made} 次活动，{decided} 个单位已评定星级")
