"""The demo county's 困难家庭台帐 (issue 15 item 2): in each community a few households in
difficulty — most of them the households its checked-in members already pair with (the
check-in demo's pairings, one kind of pairing), one newly paired here, one still waiting for a
member (the 待办 and the "未结对" badge) and one difficulty ended last year (history) — and
some help given, each recorded once as a deed for the household by the paired member.

All synthetic: households are places of the demo's tree, notes are generic phrases."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.checkin.models import Pairing
from dangjian.households import services
from dangjian.households.models import Difficulty, Kind
from dangjian.orgs.models import Place, PlaceKind

if TYPE_CHECKING:
    from .county import Demo

#: Its own random stream, so adding this step does not shift what the other steps build.
SEED = 2026_0015

NOTES = {
    Kind.DIBAO: "享受城市低保，需协助年审材料",
    Kind.DISABLED: "行动不便，需上门服务",
    Kind.EMPTY_NEST: "子女在外地，需定期探望",
    Kind.ALONE: "独居，需每周电话问候",
    Kind.LEFT_BEHIND: "父母外出务工，需课业辅导",
    Kind.UNEMPLOYED: "待业，已推荐就业岗位",
    Kind.ILLNESS: "家有重病患者，需协助申请救助",
    Kind.OTHER: "临时困难，需关注",
}

HELP = (
    "上门走访，送米送油",
    "帮助申请临时救助",
    "陪同就医",
    "修理门窗水电",
    "辅导孩子功课",
    "代办低保年审材料",
)


def build_households(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = random.Random(SEED)
    admin = demo.admin
    today = timezone.localdate()
    registered = paired_here = helped = 0
    for c in demo.communities:
        pairings = list(
            Pairing.objects.filter(
                checkin__community=c.org,
                checkin__ended_on__isnull=True,
                household__isnull=False,
                until__isnull=True,
            )
            .select_related("checkin")
            .order_by("pk")
        )
        by_household: dict[int, list[Pairing]] = {}
        for p in pairings:
            by_household.setdefault(p.household_id, []).append(p)
        taken = list(by_household)[:4]
        others = list(
            Place.objects.filter(community=c.org, kind=PlaceKind.HOUSEHOLD)
            .exclude(pk__in=list(by_household))
            .order_by("pk")
            .values_list("pk", flat=True)[:200]
        )
        extra = rng.sample(others, min(2, len(others)))
        kinds: dict[int, list[str]] = {}
        for pk in taken + extra:
            kinds[pk] = rng.sample(list(Kind.values), rng.choice((1, 1, 2)))
            for kind in kinds[pk]:
                services.difficulty_record(
                    acting_user=admin,
                    household=pk,
                    kind=kind,
                    since=today - dt.timedelta(days=rng.randrange(60, 900)),
                    note=NOTES[Kind(kind)],
                )
                registered += 1
        if extra:
            # history: a household that found work again last year
            d = services.difficulty_record(
                acting_user=admin,
                household=extra[0],
                kind=Kind.UNEMPLOYED if Kind.UNEMPLOYED not in kinds[extra[0]] else Kind.OTHER,
                since=today - dt.timedelta(days=700),
                note="待业，已推荐就业岗位",
            )
            d = services.difficulty_end(
                d, acting_user=admin, until=today - dt.timedelta(days=120), version=d.version
            )
            registered += 1
        if extra and pairings:
            # one new pairing from the register's page; the other extra household waits
            services.household_pair(
                acting_user=admin,
                household=Place.objects.get(pk=extra[0]),
                checkin=pairings[0].checkin,
                since=today - dt.timedelta(days=rng.randrange(5, 40)),
            )
            paired_here += 1
        for pk in taken:
            p = by_household[pk][0]
            for _ in range(rng.choice((1, 2))):
                start = max(p.since, p.checkin.checked_in_on)
                span = (today - start).days
                services.household_help(
                    acting_user=admin,
                    household=Place.objects.get(pk=pk),
                    members=[p.checkin.member_id],
                    title=rng.choice(HELP),
                    date=start + dt.timedelta(days=rng.randrange(max(span, 1))),
                )
                helped += 1
    open_rows = Difficulty.objects.filter(until__isnull=True).count()
    log(
        f"困难家庭台帐：登记 {registered} 条（在册 {open_rows} 条），新结对 {paired_here} 户，"
        f"帮扶记录 {helped} 次"
    )
