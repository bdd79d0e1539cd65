"""Demo data of the awards (issue 18): this year's model-community decisions for the demo
communities — proposed from their scorecards, one raised by the town with a reason — and one
round of the outstanding-party-worker selection (城关镇) with four nominations, three decided.
Nothing here types a score: the proposals and the nominees' records are computed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import F
from django.utils import timezone

from dangjian.awards import selectors, services
from dangjian.awards.models import Outcome
from dangjian.members.models import Member, State
from dangjian.orgs.models import Office
from dangjian.staff.models import Staff

CITATIONS = (
    "担任社区党组织书记以来，坚持“三会一课”，带头讲党课，组织党员认领服务岗位，"
    "推动楼栋党支部、楼道党小组全覆盖。",
    "长期负责党员发展和党费收缴工作，台帐规范；带领志愿服务队常年开展助老服务。",
    "扎根网格，入户走访困难家庭，协调驻区单位解决居民反映的实际问题。",
    "认真做好社区党建日常工作，积极参加培训，承诺事项全部兑现。",
)


def _nominee(community: Any, today: dt.date) -> tuple[Member | None, Staff | None]:
    office = (
        Office.objects.filter(
            org=community.org,
            title=Office.Title.SECRETARY,
            member__state=State.ACTIVE,
            member__org__path__startswith=community.org.path,
        )
        .select_related("member")
        .order_by(F("left_on").desc(nulls_first=True), "-term_start")
        .first()
    )
    if office is not None:
        return office.member, None
    staff = Staff.objects.filter(community=community.org).current(today).order_by("pk").first()
    if staff is not None:
        return None, staff
    member = services.members_for(community.org).first()
    return member, None


def build(demo: Any, *, log: Callable[[str], None] = lambda s: None) -> None:
    today = timezone.localdate()
    year = today.year
    user = demo.admin
    decided = overrides = 0
    for i, community in enumerate(demo.communities):
        p = selectors.proposal(community.org, year, decision=None)
        if i == 0:
            stars = min(5, (p.stars or 0) + 1)
            reason = "社区“红色物业”做法在全县推广，镇党委研究决定上调一星"
            overrides += 1
        elif p.stars is None:
            stars, reason = 0, "当年考核记录尚不完整，暂不评定"
        else:
            stars, reason = p.stars, ""
        services.model_decide(
            acting_user=user, community=community.org, year=year, stars=stars, reason=reason
        )
        decided += 1
    town = demo.towns[0]
    rnd = services.round_open(
        acting_user=user,
        org=town,
        year=year,
        title=f"{town.name}{year}年度社区优秀党务工作者评选",
        nominate_by=today + dt.timedelta(days=14),
    )
    mine = [c for c in demo.communities if c.town.pk == town.pk]
    nominations = []
    for i, community in enumerate(mine[:4]):
        member, staff = _nominee(community, today)
        if member is None and staff is None:
            continue
        nominations.append(
            services.nominate(
                acting_user=user,
                rnd=rnd,
                community=community.org,
                member=member,
                staff=staff,
                citation=CITATIONS[i % len(CITATIONS)],
            )
        )
    outcomes = (
        (Outcome.CHOSEN, ""),
        (Outcome.CHOSEN, ""),
        (Outcome.NOT_CHOSEN, "名额有限，本次未评上，下次评选优先考虑"),
    )
    for n, (outcome, reason) in zip(nominations, outcomes, strict=False):
        services.nomination_decide(
            acting_user=user, nomination=n, outcome=outcome, reason=reason, version=n.version
        )
    log(
        f"示范点与评选：{decided} 个社区的示范点决定（{overrides} 个调整并写明理由），"
        f"{rnd.title} {len(nominations)} 人推荐、{min(3, len(nominations))} 人已决定"
    )
