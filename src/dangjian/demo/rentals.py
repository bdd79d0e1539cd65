"""The demo county's 出租房屋/流动人口 register (issue 16 item 4): in each community a few rented
households of the demo's tree, each with one to three tenants — synthetic people with fictitious
ID numbers of valid checksum (region codes no real person has, ``idcard.synthetic``); some
residence permits run out within the rule's days (or have run out), so the list and the 待办 have
something to show; one tenant per community has moved out (history)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.core import rules
from dangjian.rentals import services
from dangjian.rentals.models import Tenant

from . import names

if TYPE_CHECKING:
    from .county import Demo

#: Its own random stream, so adding this step does not shift what the other steps build.
SEED = 2026_0164
DWELLINGS_PER_COMMUNITY = 6
ORIGINS = (
    "示例省甲市",
    "示例省乙县",
    "示例省丙市",
    "示例自治区丁县",
    "示例省戊市",
)
LANDLORD_SURNAMES = "王李张刘陈杨黄赵吴周"


def build_rentals(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = random.Random(SEED)
    ids = names.IdNumbers(rng)
    admin = demo.admin
    today = timezone.localdate()
    dwellings = tenants = soon = 0
    for c in demo.communities:
        households = [h for b in c.buildings for h in b.households]
        if not households:
            continue
        days = rules.value("grid.permit_reminder", "days_before", org=c.org)
        for household in rng.sample(households, min(DWELLINGS_PER_COMMUNITY, len(households))):
            since = today - dt.timedelta(days=rng.randrange(60, 1500))
            dwelling = services.dwelling_register(
                acting_user=admin,
                household=household,
                landlord_name=rng.choice(LANDLORD_SURNAMES) + rng.choice(("先生", "女士")),
                landlord_phone=f"1390000{rng.randrange(10000):04d}",
                rented_since=since,
                police_registered_on=(
                    since + dt.timedelta(days=rng.randrange(1, 20)) if rng.random() < 0.8 else None
                ),
            )
            dwellings += 1
            for _ in range(rng.choice((1, 1, 2, 3))):
                gender = rng.choice("MF")
                born = names.birth_date(rng, 1965, 2004)
                move_in = since + dt.timedelta(days=rng.randrange(0, max((today - since).days, 1)))
                roll = rng.random()
                if roll < 0.25:  # runs out within the reminder's days, or ran out lately
                    expires = today + dt.timedelta(days=rng.randrange(-10, days + 1))
                    soon += 1
                elif roll < 0.85:
                    expires = today + dt.timedelta(days=rng.randrange(days + 1, 700))
                else:
                    expires = None  # no permit yet
                services.tenant_add(
                    acting_user=admin,
                    dwelling=dwelling,
                    name=names.han_name(rng, gender),
                    id_number=ids.new(birth=born, gender=gender),
                    phone=f"1370000{rng.randrange(10000):04d}",
                    move_in=move_in,
                    permit_number=f"示居{rng.randrange(10**8):08d}" if expires else "",
                    permit_expires=expires,
                    origin=rng.choice(ORIGINS),
                )
                tenants += 1
        # history: one tenant of the community moved out last month
        gone = (
            Tenant.objects.filter(dwelling__household__community=c.org, move_out__isnull=True)
            .order_by("pk")
            .first()
        )
        if gone is not None:
            out = max(gone.move_in, today - dt.timedelta(days=30))
            services.tenant_move_out(
                gone, move_out=out, acting_user=admin, expected_version=gone.version
            )
    log(f"出租房屋：{dwellings} 处，流动人口 {tenants} 人（居住证临近到期约 {soon} 人）")
