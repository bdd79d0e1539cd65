"""Demo data of the “五个好” assessment (issue 18): the scores themselves are computed from the
demo's records and need nothing here; what only an inspector knows — the street's inspection
team's on-site scores (考核组现场打分) — is entered for two communities this year, and one of
them voided with a reason. With the default rules they are kept but not counted (本地未采用)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from dangjian.assessment import services

#: (good, score, note) per demo community
SCORES = (
    (
        ("leadership", "92", "班子分工明确，例会记录完整"),
        ("members", "88", "党员亮身份、践承诺做得较好"),
        ("mechanism", "90", "三会一课台帐齐全"),
        ("results", "85", "共驻共建项目落地 3 个"),
        ("residents", "91", "入户走访群众满意度高"),
    ),
    (
        ("leadership", "84", "支委会个别月份未按时召开"),
        ("members", "80", "部分在职党员报到后未参加活动"),
        ("residents", "86", "诉求办理及时"),
    ),
)


def build(demo: Any, *, log: Callable[[str], None] = lambda s: None) -> None:
    today = timezone.localdate()
    year = today.year
    # the inspection a little before today, within this year
    scored_on = today - dt.timedelta(days=min(20, today.timetuple().tm_yday - 1))
    n = 0
    for community, rows in zip(demo.communities[:2], SCORES, strict=False):
        team = f"{community.town.name}考核组"
        for good, score, note in rows:
            services.inspector_score_add(
                acting_user=demo.admin,
                community=community.org,
                year=year,
                good=good,
                score=score,
                inspector=team,
                scored_on=scored_on,
                note=note,
            )
            n += 1
    if n:
        first = services.InspectorScore.objects.filter(year=year).order_by("pk").first()
        services.inspector_score_add(
            acting_user=demo.admin,
            community=first.community,
            year=year,
            good=first.good,
            score="60",
            inspector="录入有误示例",
            scored_on=scored_on,
            note="重复录入",
        )
        dup = services.InspectorScore.objects.filter(inspector="录入有误示例").get()
        services.inspector_score_void(
            acting_user=demo.admin, score=dup, reason="重复录入，已按考核组原始记录更正", version=1
        )
    log(f"“五个好”考核：{n} 条考核组现场打分（本地未采用，不计分；1 条录入有误已作废）")
