"""The demo county's service desk (便民服务工单): per community about thirty requests over the
past year, of every channel, category and state — some overdue, some 全程代办 errands with their
documents, some handled by a member (recorded once as a deed), most rated. Synthetic names and
phone numbers from the seeded random."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.members.models import Member
from dangjian.orgs.models import Place, PlaceKind, ResidentUnit
from dangjian.servicedesk import categories as service_categories
from dangjian.servicedesk import services
from dangjian.servicedesk.models import Channel, category_label

from . import names

if TYPE_CHECKING:
    from .county import Demo

ASKS = {
    "housekeeping": "想找家政阿姨每周打扫两次",
    "property": "小区电梯经常停运，请协调物业",
    "care": "老人白天无人照看，咨询日间照料",
    "health": "想预约家庭医生上门",
    "repair": "厨房水管漏水",
    "dibao": "咨询低保申请材料",
    "social": "办理养老保险认证",
    "jobs": "孩子毕业待业，想找工作",
    "dispute": "楼上漏水与邻居协商不成",
    "other": "咨询老年证办理",
}
#: how far each request walks: 0 受理 … 5 评价, 6 转办
PATHS = (
    [],
    ["assign"],
    ["assign", "start"],
    ["assign", "start", "finish"],
    ["assign", "start", "finish", "visit"],
    ["assign", "start", "finish", "visit", "rate"],
    ["transfer"],
)


def build_servicedesk(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = demo.rng
    today = timezone.localdate()
    admin = demo.admin
    made = 0
    channels = list(Channel.values)
    for c in demo.communities:
        # the community's own list (rule service.request_deadline with its locality overrides)
        categories = list(service_categories.offered(c.org))
        if not categories:
            continue
        units = list(ResidentUnit.objects.filter(community=c.org).order_by("id")[:5])
        members = list(
            Member.objects.filter(org__path__startswith=c.org.path, state="active").order_by("id")[
                :5
            ]
        )
        households = list(
            Place.objects.filter(community=c.org, kind=PlaceKind.HOUSEHOLD).order_by("id")[:50]
        )
        for i in range(30):
            cat = categories[i % len(categories)]
            received = today - dt.timedelta(days=rng.randrange(0, 365))
            req = services.request_receive(
                acting_user=admin,
                community=c.org,
                channel=channels[i % len(channels)],
                category=cat,
                resident_name=names.han_name(rng, rng.choice("MF")),
                phone="139" + "".join(str(rng.randrange(10)) for _ in range(8)),
                household=rng.choice(households) if households and rng.random() < 0.7 else None,
                content=ASKS.get(cat) or f"咨询{category_label(cat)}",
                received_on=received,
                is_errand=cat in ("dibao", "social"),
                today=today,
            )
            if req.is_errand:
                services.document_add(
                    req,
                    acting_user=admin,
                    name="户口本复印件",
                    office="县人社局",
                    taken_in_on=received,
                )
            # the older a request, the further it went (recent ones are still open)
            age = (today - received).days
            steps = PATHS[rng.choice([0, 1, 2]) if age < 10 else rng.choice([3, 4, 5, 5, 5, 6])]
            done_on = min(received + dt.timedelta(days=rng.randrange(0, 8)), today)
            for a in steps:
                kw: dict = {}
                if a == "assign":
                    if members and rng.random() < 0.4:
                        kw["member"] = rng.choice(members)
                    elif units:
                        kw["unit"] = rng.choice(units)
                    else:
                        continue
                req = services.request_step(
                    req,
                    action=a,
                    acting_user=admin,
                    version=req.version,
                    reason="不属社区职责，转县民政局" if a == "transfer" else "回访满意",
                    result="已办结",
                    satisfaction=rng.choice([3, 4, 5, 5, 5]),
                    department="县民政局",
                    today=done_on,
                    **kw,
                )
            made += 1
    log(f"便民服务工单：{made} 张（各渠道、各类别、各状态，含全程代办与超时工单）")
