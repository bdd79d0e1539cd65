"""Demo data for funds and assets (issue 17): a year of income and spending in the books of
every demo community and street/town — the office-and-activity funds allocated each quarter
(two communities short of their rule), dues returned, resident units' support, spending on
office supplies, activities (some pointing at the meeting or co-building activity they paid
for), visits and training, one entry voided — and each community's fixed assets (seed 002: the
county bought computers, printers, cameras and hard disks for the 8 communities), one disposed
of. A random of its own, so adding it changes nothing the other demo steps draw."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.cobuild.models import Activity
from dangjian.core import rules
from dangjian.core.access import subtree_q
from dangjian.funds import services
from dangjian.funds.models import Category, Entry
from dangjian.meetings.models import Meeting

if TYPE_CHECKING:
    from .county import Demo

SEED = 17_04
#: communities (by position in the demo) that received less than their rule asks
SHORT = {2, 6}
#: (asset, spec, value in yuan, venue)
ASSETS = (
    ("台式电脑", "联想 启天", 4800, "党员电教室"),
    ("激光打印机", "惠普 A4", 1600, "全程代办大厅"),
    ("数码照相机", "佳能", 3200, "办公室"),
    ("移动硬盘", "1TB", 450, "办公室"),
    ("投影仪", "爱普生", 3900, "市民学校"),
    ("会议桌", "2.4 米", 1800, "活动室"),
    ("书架", "五层", 650, "阅览室"),
    ("档案柜", "铁皮", 900, "办公室"),
)
SPENDING = (
    ("办公", ("购买打印纸、墨盒", "办公用品", "宽带费", "报刊订阅")),
    ("活动", ("主题党日活动材料", "七一表彰活动", "重阳节文艺演出", "广场文化活动")),
    ("慰问", ("春节慰问困难党员", "走访慰问老党员", "慰问困难群众")),
    ("培训", ("社区干部培训资料", "党员教育培训教材")),
    ("设施维护", ("活动室灯具维修", "电脑维修", "门窗维修")),
)
CUSTODIANS = ("王会计", "李主任", "张干事", "赵专干", "刘委员")


def build_funds(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = random.Random(SEED)
    admin = demo.admin
    today = timezone.localdate()
    first = today - dt.timedelta(days=364)
    services.ensure_categories()
    cat = {(c.direction, c.name): c for c in Category.objects.all()}
    n = 0

    def put(org, direction, name, amount, date, summary, **kw) -> None:  # noqa: ANN001
        nonlocal n
        try:
            services.entry_record(
                acting_user=admin,
                org=org,
                direction=direction,
                date=date,
                category=cat[(direction, name)],
                amount=str(amount),
                summary=summary,
                today=today,
                **kw,
            )
        except ValidationError:
            # a ledger that forbids overdrafts refused it — as it would in the office
            return
        n += 1

    quarters = [
        d
        for y in (first.year, today.year)
        for d in (dt.date(y, m, 8) for m in (1, 4, 7, 10))
        if first <= d <= today
    ]
    for town in demo.towns:
        services.ledger_settings(
            acting_user=admin, org=town, opening_balance="20000", forbid_overdraft=False
        )
        need = Decimal(rules.value("funds.street_special", "min_yuan", org=town))
        share = need if town.is_county_seat else need * Decimal("0.9")
        for d in quarters:
            put(
                town,
                "in",
                "上级拨款",
                share / 4,
                d,
                "党建工作专项经费拨付",
                party="县财政局",
                purpose="street_special",
                voucher_no=f"拨-{d:%y%m}",
            )
        for d in sorted(first + dt.timedelta(days=rng.randrange(365)) for _ in range(10)):
            name, what = rng.choice(SPENDING)
            put(town, "out", name, rng.randrange(2000, 20000), d, rng.choice(what))
    for i, c in enumerate(demo.communities):
        org = c.org
        services.ledger_settings(
            acting_user=admin,
            org=org,
            opening_balance=str(rng.randrange(3000, 15000)),
            forbid_overdraft=i % 3 == 0,
        )
        key = "county_seat_yuan" if org.is_county_seat else "other_town_yuan"
        annual = Decimal(rules.value("funds.office_activity", key, org=org))
        if i in SHORT:
            annual = annual * Decimal("0.8")
        for d in quarters:
            put(
                org,
                "in",
                "上级拨款",
                annual / 4,
                d,
                "社区办公和活动经费拨付",
                party="县财政局",
                purpose="office_activity",
                voucher_no=f"拨-{d:%y%m}",
            )
        for d in quarters[1::2]:
            put(
                org,
                "in",
                "党费返还",
                rng.randrange(800, 3000),
                d + dt.timedelta(days=5),
                "党费返还",
                party=c.town.name,
            )
        meetings = list(
            Meeting.objects.filter(
                subtree_q("org__path", org.path), date__gte=first, date__lte=today
            ).order_by("date")[:40]
        )
        activities = list(
            Activity.objects.filter(
                subtree_q("deed__community__path", org.path),
                deed__date__gte=first,
                deed__date__lte=today,
            ).select_related("deed")[:20]
        )
        for a in rng.sample(activities, min(3, len(activities))):
            put(
                org,
                "in",
                "驻区单位支持",
                rng.randrange(500, 3000),
                a.deed.date,
                "驻区单位支持共建活动",
                party=a.organisers[:100] or "驻区单位",
                activity=a,
            )
        days = sorted(first + dt.timedelta(days=rng.randrange(365)) for _ in range(24))
        for j, d in enumerate(days):
            name, what = rng.choice(SPENDING)
            amount = rng.randrange(100, 2500)
            link: dict = {}
            if name == "活动" and meetings and j % 2 == 0:
                m = rng.choice(meetings)
                d, link = m.date, {"meeting": m}
            put(
                org,
                "out",
                name,
                amount,
                d,
                rng.choice(what),
                voucher_no=f"记-{d:%m}{j:02d}",
                party="",
                **link,
            )
        wrong = Entry.objects.filter(ledger__org=org, direction="out").order_by("-pk").first()
        if wrong is not None:
            put(
                org,
                "out",
                wrong.category.name,
                wrong.amount,
                wrong.date,
                wrong.summary + "（重复）",
            )
            dup = Entry.objects.filter(ledger__org=org).order_by("-pk").first()
            if dup is not None and dup.pk != wrong.pk:
                services.entry_void(acting_user=admin, entry=dup, reason="重复登记")
        # fixed assets: the county's 2010s purchase, later additions, one disposed of
        for k, (name, spec, value, venue) in enumerate(ASSETS):
            bought = dt.date(today.year - rng.randrange(1, 8), rng.randrange(1, 13), 10)
            a = services.asset_create(
                acting_user=admin,
                org=org,
                name=name,
                spec=spec,
                value=value * (2 if k == 0 else 1),
                quantity=2 if k == 0 else 1,
                acquired_on=bought,
                venue=venue,
                custodian=rng.choice(CUSTODIANS),
                code=f"{org.code}-ZC{k + 1:02d}",
                today=today,
            )
            if k == 3 and bought < today - dt.timedelta(days=400):
                services.asset_dispose(
                    acting_user=admin,
                    asset=a,
                    disposed_on=today - dt.timedelta(days=rng.randrange(30, 300)),
                    reason="损坏报废",
                    today=today,
                )
    log(f"经费与资产：{n} 笔收支，{len(demo.communities)} 个社区的固定资产")
