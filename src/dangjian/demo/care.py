"""The demo county's care and mobile members: in each community the oldest members and those in
difficulty on the care list (one with a development project), visited for the last holiday and
some taken study material at home, one mutual-aid round paid by the weighting rule; and two
members away from home — one whose card is about to expire, one not contacted for months."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.care import holidays
from dangjian.care import services as care
from dangjian.members.models import Category, Member, State
from dangjian.mobility import services as mobility

if TYPE_CHECKING:
    from .county import Demo

PROJECTS = ("养殖土鸡", "小卖部", "种植木耳", "家政服务")
PLACES = (("浙江省宁波市", "建筑工地务工"), ("广东省东莞市", "电子厂务工"))


def _last_holiday(today: dt.date) -> holidays.Break:
    past = [b for y in (today.year - 1, today.year) for b in holidays.breaks(y) if b.end < today]
    return past[-1]


def build_care(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = demo.rng
    today = timezone.localdate()
    brk = _last_holiday(today)
    visit_on = max(brk.start - dt.timedelta(days=3), dt.date(today.year, 1, 1))
    n_rec = n_vis = 0
    for k, c in enumerate(demo.communities):
        members = list(
            Member.objects.filter(org__path__startswith=c.org.path, state=State.ACTIVE)
            .prefetch_related("categories")
            .select_related("org")
            .order_by("birth_date", "pk")
        )
        in_need = [
            m for m in members if Category.DIFFICULTY in {x.category for x in m.categories.all()}
        ][:3]
        oldest = [m for m in members if m not in in_need][:4]
        recipients = []
        for i, m in enumerate(in_need):
            recipients.append(
                care.recipient_add(
                    acting_user=demo.admin,
                    member=m,
                    since=dt.date(today.year - 1, 3, 1),
                    hardship=True,
                    weak=i == 1,
                    has_project=i == 0,
                    project=PROJECTS[k % len(PROJECTS)] if i == 0 else "",
                    situation="家庭收入低，子女上学" if i == 0 else "本人患慢性病，医药费负担重",
                )
            )
        for i, m in enumerate(oldest):
            recipients.append(
                care.recipient_add(
                    acting_user=demo.admin,
                    member=m,
                    since=dt.date(today.year - 1, 3, 1),
                    elderly=True,
                    weak=i % 2 == 0,
                    situation="高龄独居，行动不便" if i % 2 == 0 else "老伴卧床，需要照顾",
                )
            )
        n_rec += len(recipients)
        visited = [r for r in recipients if rng.random() < 0.85]
        if visited:
            care.visits_add(
                recipients=visited,
                acting_user=demo.admin,
                kind="holiday",
                holiday=brk.key,
                date=visit_on,
                visitors="社区党组织书记、网格员",
                gift="米、油",
                money=Decimal("300"),
            )
            n_vis += len(visited)
        for r in recipients[-3:]:
            care.visit_add(
                recipient=r,
                acting_user=demo.admin,
                kind="study",
                date=today - dt.timedelta(days=rng.randrange(10, 60)),
                visitors="离退休党支部书记",
                materials="党的二十届四中全会精神学习材料，读给老人听并交流体会",
                notes="身体尚好，希望多来讲讲政策",
            )
            n_vis += 1
        hard = [r for r in recipients if r.hardship]
        if hard:
            rnd = care.aid_round_create(
                acting_user=demo.admin,
                org=c.org,
                title=f"{today.year}年春节党员互助金",
                fund=Decimal(500 * (len(hard) + 1)),
                recipients=hard,
            )
            care.aid_round_pay(rnd, acting_user=demo.admin, paid_on=dt.date(today.year, 2, 10))
        _mobile(demo, members, today, k, cared={r.member_id for r in recipients})
    log(
        f"关爱帮扶：{n_rec} 名关爱对象，{n_vis} 次慰问、送学；每社区 1 次互助金发放；每社区 2 名流动党员"
    )


def _mobile(demo: Demo, members: list[Member], today: dt.date, k: int, cared: set[int]) -> None:
    young = [m for m in reversed(members) if m.pk not in cared][:3]
    if len(young) < 3:
        return
    away, other, contact = young
    for i, m in enumerate((away, other)):
        where, work = PLACES[i]
        left = today - dt.timedelta(days=120 if i == 0 else 200)
        o = mobility.outbound_create(
            acting_user=demo.admin,
            member=m,
            left_on=left,
            destination=where,
            work=work,
            phone=f"139{k:02d}{i:02d}0{k}{i}88",
            contact_member=contact,
            card_no=f"LD{today.year}{k:02d}{i + 1:02d}",
            card_issued_on=left,
            # the first card is about to expire; the second is valid but the member is out of touch
            card_valid_until=today + dt.timedelta(days=20 if i == 0 else 150),
        )
        if i == 0:
            mobility.contact_add(
                outbound=o,
                acting_user=demo.admin,
                date=today - dt.timedelta(days=30),
                way="wechat",
                passed_on="传达社区党委关于主题党日的安排，通报社区换届情况",
                difficulties="子女在老家上学，希望社区帮助照看",
            )
