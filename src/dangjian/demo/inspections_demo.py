"""Demo data of 督查与整改 (issue 18, seed [000]: 采取现场会、实地调研、明察暗访等多种形式，对基层
党建工作进行考核督察): two inspections of demo communities this year — a 实地调研 of the first
community by its town, a 明察暗访 of a community of another town by the county — each with three
findings and a task per finding: one closed with evidence (what was done, and a link to the
meeting where it was done), one open within its deadline, one past its deadline (in the 待办 of
the community, its town and the inspecting organisation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import Grant
from dangjian.core.access import subtree_q
from dangjian.inspections import services
from dangjian.meetings.models import Meeting

VISITS = (
    (
        "survey",
        "镇党委组织委员 刘晓明、镇党建办 陈静",
        "到社区查看党群服务中心和楼栋党支部台帐，与社区书记、楼栋长座谈。",
        (
            ("楼栋党支部“三会一课”记录有两个月缺失", "补开支部委员会会议并补记会议记录"),
            ("党员示范岗未在楼道公示", "各楼道公示党员示范岗和联系电话"),
            ("困难家庭结对帮扶台帐未及时更新", "逐户核对结对情况，更新台帐"),
        ),
    ),
    (
        "unannounced",
        "县委组织部督查组 王建国、赵敏",
        "工作日下午未打招呼到社区党群服务中心，查看值班、开放和为民服务情况。",
        (
            ("党群服务中心下午无人值班", "排定工作日值班表并在门口公示"),
            ("为民服务全程代理登记本记录不全", "规范登记，每件事写明办理结果"),
            ("党员活动室堆放杂物，未对外开放", "清理活动室，按公示时间开放"),
        ),
    ),
)


def _this_year(today: dt.date, days_ago: int) -> dt.date:
    return max(dt.date(today.year, 1, 1), today - dt.timedelta(days=days_ago))


def _changer(org: Any, fallback: Any) -> Any:
    """A secretary of ``org`` itself (so the demo's audit names a person), else the admin."""
    grant = (
        Grant.objects.filter(org=org, role__in=Grant.CHANGING_ROLES, user__is_active=True)
        .select_related("user")
        .first()
    )
    return grant.user if grant else fallback


def _inspect(
    demo: Any, *, inspecting: Any, community: Any, visit: tuple, day: dt.date, today: dt.date
) -> Any:
    kind, inspectors, summary, items = visit
    acting = _changer(inspecting, demo.admin)
    inspection = services.inspection_record(
        acting_user=acting,
        inspecting=inspecting,
        inspected=community,
        kind=kind,
        date=day,
        inspectors=inspectors,
        summary=summary,
        findings=[text for text, _task in items],
        today=today,
    )
    # the community's own secretary answers for the tasks (else anyone with an account there)
    owner = _changer(community, None) or services.owners_for(community).first()
    findings = list(inspection.findings.order_by("order"))
    # the first is closed (the rule's default deadline); the second still within its deadline;
    # the third past it
    deadlines = [None, today + dt.timedelta(days=15), max(day, today - dt.timedelta(days=5))]
    tasks = [
        services.followup_add(
            acting_user=acting,
            finding=f,
            task=items[i][1],
            owner=owner,
            owner_name="" if owner else "社区党组织书记",
            deadline=deadlines[i],
        )
        for i, f in enumerate(findings)
    ]
    meeting = (
        Meeting.objects.filter(
            subtree_q("org__path", community.path),
            date__gte=day,
            date__lte=today,
            cancelled=False,
        )
        .order_by("date", "pk")
        .first()
    )
    services.followup_close(
        acting_user=_changer(community, demo.admin),
        follow_up=tasks[0],
        version=tasks[0].version,
        on=meeting.date if meeting else today,
        evidence=f"已{items[0][1]}，整改情况在社区党组织会议上通报。",
        link=reverse("meetings:detail", args=[meeting.pk]) if meeting else "",
        today=today,
    )
    return inspection


def build(demo: Any, *, log: Callable[[str], None] = lambda s: None) -> None:
    today = timezone.localdate()
    communities = [c.org for c in demo.communities]
    if not communities:
        return
    first = communities[0]
    # the county's visit: a community of another town, one whose secretary has an account if any
    others = [c for c in communities if c.parent_id != first.parent_id] or communities[-1:]
    other = next((c for c in others if _changer(c, None)), others[0])
    _inspect(
        demo,
        inspecting=first.parent,
        community=first,
        visit=VISITS[0],
        day=_this_year(today, 50),
        today=today,
    )
    _inspect(
        demo,
        inspecting=demo.county,
        community=other,
        visit=VISITS[1],
        day=_this_year(today, 40),
        today=today,
    )
    log(f"督查与整改：2 次督查（{first.name}、{other.name}），6 项整改任务，其中 2 项逾期未完成")
