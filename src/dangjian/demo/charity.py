"""The demo county's charity shops (爱心超市): in each community a shop stocked over the past
year by its resident units, members and residents, handed out to households in need (by the
staff, some by a member volunteer), with one donation entered twice and voided — so the shop,
its ledger, the export and the units' donations in their co-building year all have something
to show. A random of its own, so adding it changes nothing the other demo steps draw."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.charity import services
from dangjian.members.models import Member, State
from dangjian.orgs.models import Place, PlaceKind, ResidentUnit

from .names import SURNAMES

if TYPE_CHECKING:
    from .county import Demo

SEED = 15_03
#: (item, unit of measure, value of one in yuan)
GOODS = (
    ("大米", "袋", 60),
    ("食用油", "桶", 70),
    ("面粉", "袋", 45),
    ("棉被", "床", 150),
    ("冬衣", "件", 80),
    ("牛奶", "箱", 50),
    ("学习用品", "套", 30),
)
CALLED = ("阿姨", "大爷", "大姐", "师傅")


def _surname(rng: random.Random) -> str:
    s = rng.choice(SURNAMES)
    return s[0] if isinstance(s, tuple) else s


def build_charity(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = random.Random(SEED)
    admin = demo.admin
    today = timezone.localdate()
    first = today - dt.timedelta(days=364)
    n_in = n_out = 0
    for c in demo.communities:
        org = c.org
        units = list(ResidentUnit.objects.filter(community=org).order_by("pk"))
        members = list(
            Member.objects.filter(org__path__startswith=org.path, state=State.ACTIVE).order_by(
                "pk"
            )[:40]
        )
        households = list(
            Place.objects.filter(community=org, kind=PlaceKind.HOUSEHOLD).order_by("pk")
        )
        if not households:
            continue
        in_need = rng.sample(households, min(10, len(households)))
        items = [
            services.item_create(acting_user=admin, community=org, name=name, unit=unit)
            for name, unit, _v in rng.sample(GOODS, 5)
        ]
        price = {i.pk: next(v for n, _u, v in GOODS if n == i.name) for i in items}
        # donations spread over the year, hand-outs after them and mostly before the holidays
        events: list[tuple[dt.date, int, str]] = []
        for _k in range(rng.randrange(14, 22)):
            events.append((first + dt.timedelta(days=rng.randrange(365)), 0, "in"))
        for _k in range(rng.randrange(12, 20)):
            events.append((first + dt.timedelta(days=rng.randrange(30, 365)), 1, "out"))
        stock = {i.pk: 0 for i in items}
        first_in = None
        for day, _order, kind in sorted(events):
            day = min(day, today)
            if kind == "in":
                item = rng.choice(items)
                qty = rng.randrange(5, 31)
                who = rng.random()
                if who < 0.45 and units:
                    donor = {"donor_kind": "unit", "donor_unit": rng.choice(units)}
                elif who < 0.75 and members:
                    donor = {"donor_kind": "member", "donor_member": rng.choice(members)}
                else:
                    donor = {
                        "donor_kind": "resident",
                        "donor_name": _surname(rng) + rng.choice(CALLED),
                    }
                m = services.goods_in(
                    acting_user=admin,
                    item=item,
                    quantity=qty,
                    date=day,
                    value=qty * price[item.pk] if rng.random() < 0.8 else None,
                    today=today,
                    **donor,
                )
                stock[item.pk] += qty
                first_in = first_in or m
                n_in += 1
            else:
                have = [i for i in items if stock[i.pk] > 0]
                if not have:
                    continue
                item = rng.choice(have)
                qty = min(stock[item.pk], rng.randrange(1, 4))
                services.goods_out(
                    acting_user=admin,
                    item=item,
                    quantity=qty,
                    date=day,
                    household=rng.choice(in_need),
                    handed_by_member=rng.choice(members)
                    if members and rng.random() < 0.5
                    else None,
                    today=today,
                )
                stock[item.pk] -= qty
                n_out += 1
        # a donation typed twice by mistake, and voided with a reason
        if first_in is not None:
            twice = services.goods_in(
                acting_user=admin,
                item=first_in.item,
                quantity=first_in.quantity,
                date=today,
                donor_kind=first_in.donor_kind,
                donor_unit=first_in.donor_unit,
                donor_member=first_in.donor_member,
                donor_name=first_in.donor_name,
                today=today,
            )
            services.movement_void(
                acting_user=admin, movement=twice, reason="重复登记，冲销", today=today
            )
    log(f"爱心超市：{len(demo.communities)} 个社区，捐赠入库 {n_in} 笔，发放 {n_out} 笔")
