"""The demo county's 信访、民事调解: per community about fifteen cases over the past year, of
both kinds and every category, state and outcome — open ones with and without sessions (the
older ones past their deadline), closed ones mediated successfully (with an agreement), without
success and referred elsewhere, most with a follow-up visit. Synthetic names and phone numbers
from a random of its own (so this builder does not shift what later builders draw)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.mediation import services
from dangjian.mediation.models import Category, Kind, Outcome
from dangjian.orgs.models import Place, PlaceKind

from . import names

if TYPE_CHECKING:
    from .county import Demo

SEED = 16_3
CASES_PER_COMMUNITY = 15
SUMMARIES = {
    "neighbour": "楼上卫生间漏水渗到楼下，双方对维修费用分担有争议",
    "family": "子女对赡养老人费用分担意见不一",
    "property": "业主认为物业服务不到位，拒交物业费",
    "labour": "装修工人称被拖欠工钱两个月",
    "debt": "亲戚间借款到期未还",
    "housing": "一楼住户在公共绿地搭建棚子，邻居反映",
    "damage": "电动车停放碰坏邻居车辆，赔偿未谈拢",
    "other": "楼道堆放杂物引发争吵",
}
AGREEMENTS = {
    "neighbour": "楼上住户负责请人维修防水层，费用自理\n楼下天花板修复费用由楼上住户承担 800 元",
    "family": "兄妹三人每月各承担赡养费 600 元\n老人由长子照顾，其他子女每周探望",
    "property": "物业公司一个月内修复单元门禁\n业主补交本年度物业费",
    "labour": "雇主于本月底前付清拖欠工钱",
    "debt": "借款分三个月还清，每月还款 2000 元",
    "housing": "住户七日内自行拆除搭建物，恢复绿地",
    "damage": "肇事方赔偿修车费 500 元，当场付清",
    "other": "双方各自清理楼道杂物，今后不再堆放",
}
REFERRALS = ("街道司法所", "社区警务室", "县人民法院诉讼服务中心", "县劳动监察大队")
VENUES = ("社区调解室", "当事人家中", "社区党群服务中心", "网格工作站")


def _phone(rng: random.Random) -> str:
    return rng.choice(("135", "138", "139", "151", "186")) + "".join(
        str(rng.randrange(10)) for _ in range(8)
    )


def build_mediation(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    admin = demo.admin
    categories = list(Category.values)
    made = overdue = 0
    for c in demo.communities:
        households = list(
            Place.objects.filter(community=c.org, kind=PlaceKind.HOUSEHOLD).order_by("id")[:400]
        )
        grids = list(Place.objects.filter(community=c.org, kind=PlaceKind.GRID).order_by("id"))
        if not households:
            continue
        for i in range(CASES_PER_COMMUNITY):
            cat = categories[(i + made) % len(categories)]
            kind = Kind.PETITION if i % 4 == 3 else Kind.MEDIATION
            received = today - dt.timedelta(days=rng.randrange(0, 365))
            place = rng.choice(grids) if grids and i % 5 == 4 else rng.choice(households)
            case = services.case_open(
                acting_user=admin,
                community=c.org,
                place=place,
                kind=kind,
                category=cat,
                received_on=received,
                summary=SUMMARIES[cat],
                parties=[
                    {
                        "role": "applicant",
                        "name": names.han_name(rng, rng.choice("MF")),
                        "phone": _phone(rng),
                    },
                    {
                        "role": "respondent",
                        "name": names.han_name(rng, rng.choice("MF")),
                        "phone": _phone(rng) if rng.random() < 0.7 else "",
                    },
                ],
                mediator_names=[names.han_name(rng, rng.choice("MF")) for _ in range(2)],
            )
            span = (today - received).days
            # 0 受理 only, 1 调解中, 2 成功, 3 未成功, 4 转交 — the recent ones mostly still open
            path = i % 5 if span > 20 else i % 2
            if path == 0:
                overdue += case.deadline < today
                made += 1
                continue
            held = received + dt.timedelta(days=rng.randrange(0, min(span, 20) + 1))
            mediators = [m.pk for m in case.mediators.all()]
            services.session_record(
                case,
                acting_user=admin,
                held_on=held,
                venue=rng.choice(VENUES),
                mediators=mediators,
                agreed=AGREEMENTS[cat] if path == 2 else "",
            )
            if path == 1:
                overdue += case.deadline < today
                made += 1
                continue
            closed = held + dt.timedelta(days=rng.randrange(0, max(1, (today - held).days // 3)))
            closed = min(closed, today)
            outcome = {2: Outcome.SUCCESS, 3: Outcome.FAILED, 4: Outcome.REFERRED}[path]
            case.refresh_from_db()
            services.case_close(
                case,
                acting_user=admin,
                version=case.version,
                outcome=outcome,
                closed_on=closed,
                agreement=AGREEMENTS[cat] if outcome == Outcome.SUCCESS else "",
                referred_to=rng.choice(REFERRALS) if outcome == Outcome.REFERRED else "",
            )
            if rng.random() < 0.8:
                visited = closed + dt.timedelta(
                    days=rng.randrange(0, max(1, (today - closed).days))
                )
                services.followup_add(
                    case,
                    acting_user=admin,
                    visited_on=min(visited, today),
                    note=rng.choice(
                        ("双方已按协议履行", "关系缓和，无新的矛盾", "已电话回访，情况稳定")
                    ),
                    by_name=names.han_name(rng, rng.choice("MF")),
                )
            made += 1
    log(f"信访与矛盾纠纷调处：{made} 件（其中 {overdue} 件已超期未了结）")
