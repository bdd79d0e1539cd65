"""The demo county's in-service members checked in to their communities: most with a deed and a
paired household this year, some short of the rule, and one per community silent for over a
year (the "invisible member" of seed [003], with a letter to print)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.checkin import services
from dangjian.checkin.models import Deed, Pairing
from dangjian.members.models import Category, Member, State
from dangjian.orgs.models import ResidentUnit

if TYPE_CHECKING:
    from .county import Demo

DEEDS = (
    "为独居老人修理水管",
    "组织社区义诊",
    "辅导小学生功课",
    "清理楼道小广告",
    "帮助困难户申请救助",
)


def build_checkins(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = demo.rng
    today = timezone.localdate()
    made = 0
    for c in demo.communities:
        units = list(ResidentUnit.objects.filter(community=c.org).order_by("id"))
        workers = list(
            Member.objects.filter(
                org__path__startswith=c.org.path,
                state=State.ACTIVE,
                categories__category=Category.IN_SERVICE,
            ).order_by("pk")[:12]
        )
        quiet_done = False
        for i, m in enumerate(workers):
            unit = units[i % len(units)] if units else None
            last = m.events.order_by("-date").values_list("date", flat=True).first()
            long_ago = today - dt.timedelta(days=500)
            silent = not quiet_done and (last is None or last <= long_ago)
            quiet_done = quiet_done or silent
            on = long_ago if silent else today - dt.timedelta(days=rng.randrange(60, 400))
            on = max(on, last or on)
            checkin = services.check_in(
                acting_user=demo.admin,
                member=m,
                community=c.org,
                employer=unit.name if unit else (m.work_unit or "县直单位"),
                unit=unit,
                employer_party_org=f"{unit.name}党支部" if unit else "",
                on=on,
                post=rng.choice(("治安巡逻", "政策宣传", "义务辅导", "便民服务")),
            )
            made += 1
            if silent:
                continue
            if i % 4 != 3:
                Deed.objects.create(
                    checkin=checkin,
                    date=max(on, today - dt.timedelta(days=rng.randrange(10, 200))),
                    title=rng.choice(DEEDS),
                )
            if i % 5 != 4:
                Pairing.objects.create(
                    checkin=checkin, household=f"{rng.randrange(1, 20)}号楼困难户", since=on
                )
    log(f"在职党员报到：{made} 人（每社区 1 人长期没有活动）")
