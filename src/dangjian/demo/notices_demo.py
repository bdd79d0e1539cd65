"""Demo data for notices (issue 19): for every demo community three public notices on its board
(居务公开: waste sorting, a call for views on renovating the old estate — both showing — and a
flood-season safety notice already withdrawn) and three notices to members (to the whole
community, to its first branch, to its retired members), dated around today. Invented text only,
no personal data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from dangjian.members.models import Category
from dangjian.notices import services
from dangjian.notices.models import Audience

PUBLIC = (
    # (title, body, publish days ago, withdraw days from today or None)
    (
        "垃圾分类宣传：厨余垃圾请破袋投放",
        "各位居民：本社区各小区已设置四分类垃圾投放点。厨余垃圾请沥干水分、破袋投放，"
        "塑料袋投入其他垃圾桶；可回收物请压扁后投放。每周六上午社区志愿者在投放点值守指导，"
        "欢迎大家一起参与。",
        6,
        None,
    ),
    (
        "老旧小区改造意见征集",
        "根据县里统一安排，本社区部分老旧小区将于明年实施改造，内容包括屋面防水、楼道照明、"
        "雨污分流和停车位规划。请居民在征集期内到社区服务站填写意见表，或投入各楼栋意见箱。"
        "征集结果将在本公开栏公布。",
        3,
        28,
    ),
    (
        "汛期安全提示",
        "汛期来临，请居民检查自家阳台花盆、空调外机是否牢固，暴雨天气不要在低洼处停车，"
        "发现险情请及时告知社区。",
        40,
        -10,
    ),
)

MEMBERS = (
    (
        "关于开展本月主题党日活动的通知",
        "请各支部党员于本月主题党日参加社区组织的集中学习和志愿服务，具体时间、地点以支部安排为准。"
        "因故不能参加的，可向支部书记说明，会后自行学习。",
        2,
    ),
    (
        "支部党员参与楼道清洁志愿服务的通知",
        "本周六上午九点，支部组织党员参与责任楼栋的楼道清洁，请量力参加，自备手套。",
        1,
    ),
    (
        "离退休党员学习资料领取通知",
        "本季度学习资料已到社区服务站，离退休党员可在工作日到服务站领取；行动不便的，"
        "支部将安排党员送学上门。",
        4,
    ),
)


def build(demo: Any, *, log: Callable[[str], None] = lambda s: None) -> None:
    today = timezone.localdate()
    admin = demo.admin
    made = 0
    for c in demo.communities:
        for title, body, ago, withdraw in PUBLIC:
            services.notice_create(
                acting_user=admin,
                org=c.org,
                audience=Audience.PUBLIC,
                title=title,
                body=body,
                publish_on=today - dt.timedelta(days=ago),
                withdraw_on=today + dt.timedelta(days=withdraw) if withdraw is not None else None,
                today=today,
            )
            made += 1
        branch = next((b for b in c.branches if b.pk != c.org.pk), None)
        targets = [(c.org, ""), (branch, ""), (c.org, Category.RETIRED)]
        for (title, body, ago), (to_org, category) in zip(MEMBERS, targets, strict=True):
            if to_org is None:
                continue
            services.notice_create(
                acting_user=admin,
                org=c.org,
                audience=Audience.MEMBERS,
                to_org=to_org,
                category=category,
                title=title,
                body=body,
                publish_on=today - dt.timedelta(days=ago),
                today=today,
            )
            made += 1
    log(f"通知公告：{made} 条")
