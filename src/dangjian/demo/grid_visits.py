"""Demo data for grid visits and key households (issue 16 item 2): a year of visits over every
community's areas by their grid cadres (``build_grid`` made them; without any, the community's
secretary accounts visit), so the coverage page shows green months, an area that missed a month
(red) and areas not yet visited this month (amber); three key households per community — one
visited by the secretary in person, one only by others (flagged), one not yet; and a few recent
visits that opened a service request through the real service.

The year of visits is written in bulk (thousands of rows; the build must stay fast), so those
rows have no audit entries of their own; the key marks and the requests go through the services.
Where a community has a secretary account (文化东路、迎宾路), the member holding its 书记 office is
linked to that account, so the secretary's own visits in the demo count as in person.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from dangjian.accounts.models import Grant
from dangjian.core.access import forget_scope
from dangjian.grid import services
from dangjian.grid.access import forget_duties
from dangjian.grid.models import AreaDuty, DutyRole, Visit
from dangjian.members.models import Member
from dangjian.orgs.models import Office, Place, PlaceKind

if TYPE_CHECKING:
    from .county import Demo

#: Its own random stream, so adding this step does not shift what the other steps build.
SEED = 2026_0162

FOUND = (
    "家中情况平稳，无特殊诉求",
    "老人身体尚可，子女每周探望",
    "反映楼道灯不亮",
    "询问居家养老服务的办理",
    "租户已登记，证件齐全",
    "邻里关系和睦",
    "反映小区停车难",
    "孩子上学问题已解决",
)
MET = ("户主", "户主及配偶", "老人", "租户", "家属")
FOLLOW_UP = ("联系物业维修楼道灯", "协助申请居家养老服务", "协调停车位")
KEY_REASONS = ("独居高龄老人", "重病患者家庭", "社区矫正对象家庭")


def _months_back(today: dt.date, n: int) -> list[dt.date]:
    """The first days of the ``n`` months up to and including today's."""
    out, y, m = [], today.year, today.month
    for _ in range(n):
        out.append(dt.date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return list(reversed(out))


def _secretary_users(org: Any) -> list[Any]:
    return [
        g.user
        for g in Grant.objects.filter(org=org, role=Grant.Role.SECRETARY).select_related("user")
    ]


def _link_secretary(org: Any, user: Any, today: dt.date) -> None:
    """The member holding the community's 书记 office gets the secretary's account (demo only)."""
    if Member.objects.filter(user=user).exists():
        return
    office = (
        Office.objects.current(today)
        .filter(org=org, title=Office.Title.SECRETARY, member__user__isnull=True)
        .order_by("-term_start")
        .first()
    )
    if office is not None:
        Member.objects.filter(pk=office.member_id).update(user=user)
        forget_scope(user)


def build_grid_visits(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    months = _months_back(today, 12)
    total = keys = requests = 0
    for ci, c in enumerate(demo.communities):
        areas = list(Place.objects.filter(community=c.org, kind=PlaceKind.GRID).order_by("path"))
        if not areas:
            continue
        secretaries = _secretary_users(c.org)
        for u in secretaries:
            _link_secretary(c.org, u, today)
        cadres: dict[int, list[tuple[Any, str]]] = defaultdict(list)
        for d in (
            AreaDuty.objects.current(today)
            .filter(area__in=areas, role=DutyRole.CADRE, user__isnull=False)
            .select_related("user")
        ):
            cadres[d.area_id].append((d.user, d.name))
        fallback = [(u, services.visitor_name_of(u)) for u in secretaries] or [
            (demo.admin, "管理员")
        ]
        homes: dict[int, list[Place]] = defaultdict(list)
        by_path = {a.path: a.pk for a in areas}
        width = len(areas[0].path)
        for h in Place.objects.filter(community=c.org, kind=PlaceKind.HOUSEHOLD).only("pk", "path"):
            area_pk = by_path.get(h.path[:width])
            if area_pk is not None:
                homes[area_pk].append(h)
        # key households: one visited by the secretary in person, one only by others, one not yet
        pool = [h for a in areas for h in homes.get(a.pk, [])[:3]]
        chosen = rng.sample(pool, min(3, len(pool)))
        # the key households are visited only as the story below says
        key_pks = {h.pk for h in chosen}
        homes = {a: [h for h in hs if h.pk not in key_pks] for a, hs in homes.items()}
        rows: list[Visit] = []
        for ai, area in enumerate(areas):
            households = homes.get(area.pk)
            if not households:
                continue
            who = cadres.get(area.pk) or fallback
            # one area in four missed a month (red); one in three has no visit yet this month
            missed = months[3 + (ai % 6)] if ai % 4 == 3 else None
            for month in months:
                if month == missed:
                    continue
                current = month.year == today.year and month.month == today.month
                if current and (ai + ci) % 3 == 0:
                    continue
                last_day = today.day if current else 28
                for _k in range(rng.randint(2, 5)):
                    user, name = rng.choice(who)
                    rows.append(
                        Visit(
                            household=rng.choice(households),
                            visited_on=month.replace(day=rng.randint(1, last_day)),
                            visitor=user,
                            visitor_name=name[:50],
                            by_secretary=False,
                            met=rng.choice(MET),
                            found=rng.choice(FOUND),
                        )
                    )
        Visit.objects.bulk_create(rows, batch_size=500)
        total += len(rows)
        marker = secretaries[0] if secretaries else None
        for ki, h in enumerate(chosen):
            services.key_mark(
                acting_user=marker or demo.admin,
                household=h,
                reason=KEY_REASONS[ki],
                since=months[0],
                today=today,
            )
            keys += 1
            area_pk = by_path.get(h.path[:width])
            day = months[-2].replace(day=10)
            if ki == 0 and marker is not None:
                Visit.objects.create(
                    household=h,
                    visited_on=day,
                    visitor=marker,
                    visitor_name=services.visitor_name_of(marker),
                    by_secretary=services.is_secretary(marker, community_id=c.org.pk, on=day),
                    met="户主",
                    found="书记上门了解近况",
                )
            elif ki <= 1:
                user, name = (cadres.get(area_pk) or fallback)[0]
                Visit.objects.create(
                    household=h,
                    visited_on=day,
                    visitor=user,
                    visitor_name=name[:50],
                    met="户主",
                    found="网格员上门了解近况",
                )
        # a few recent visits turned into service requests, through the real service
        for area in areas[:2]:
            households = homes.get(area.pk)
            who = cadres.get(area.pk)
            if not households or not who:
                continue
            user, _name = who[0]
            forget_duties(user)
            visit = services.visit_record(
                acting_user=user,
                household=households[0],
                visited_on=today,
                met=rng.choice(MET),
                found=rng.choice(FOUND),
                follow_up=rng.choice(FOLLOW_UP),
                today=today,
            )
            services.visit_open_request(visit, acting_user=user, category="repair", today=today)
            requests += 1
    log(f"走访：{total} 次（近 12 个月），重点户 {keys} 户，{requests} 次走访转为服务工单")
