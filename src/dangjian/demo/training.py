"""The demo county's training records: in each community two skills courses for laid-off and
difficult members (学技能、增党性) with some residents by name, and one community course;
every town one party school course for the community secretaries' organisations."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.members.models import Category, Member, State
from dangjian.training import services
from dangjian.training.models import Level

from . import names

if TYPE_CHECKING:
    from .county import Demo

SKILLS = ("家政服务技能培训", "电工基础培训", "面点制作培训", "电子商务入门", "养老护理员培训")


def build_training(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng = random.Random("training-demo-2026")
    today = timezone.localdate()
    admin = demo.admin
    n_courses = n_people = 0

    def day(back: int) -> dt.date:
        return today - dt.timedelta(days=back + rng.randrange(30))

    for k, c in enumerate(demo.communities):
        members = list(
            Member.objects.filter(org__path__startswith=c.org.path, state=State.ACTIVE)
            .order_by("pk")
            .values_list("pk", "categories__category")
        )
        laid_off = list(
            dict.fromkeys(
                pk for pk, cat in members if cat in (Category.UNEMPLOYED, Category.DIFFICULTY)
            )
        )
        everyone = list(dict.fromkeys(pk for pk, _ in members))
        pool = laid_off or everyone[:6]
        for i in range(2):
            course = services.course_create(
                acting_user=admin,
                org=c.org,
                level=Level.SKILLS,
                topic=SKILLS[(k + i) % len(SKILLS)],
                start=day(60 + 120 * i),
                days=rng.randrange(2, 6),
                hours=rng.randrange(8, 30),
                place=f"{c.spec.name}党群服务中心",
            )
            ticked = rng.sample(pool, min(len(pool), rng.randrange(3, 7)))
            done = ticked[: max(len(ticked) - 1, 1)]
            services.attendance_set(
                course,
                acting_user=admin,
                version=course.version,
                member_ids=ticked,
                completed_ids=done,
            )
            for _ in range(rng.randrange(2, 5)):
                services.attendance_add_resident(
                    course,
                    acting_user=admin,
                    name=names.han_name(rng, rng.choice("MF")),
                    completed=rng.random() < 0.7,
                )
                n_people += 1
            n_people += len(ticked)
            n_courses += 1
        course = services.course_create(
            acting_user=admin,
            org=c.org,
            level=Level.COMMUNITY,
            topic="党的二十大精神学习班",
            start=day(30),
            days=1,
            hours=4,
            place=f"{c.spec.name}会议室",
        )
        ticked = everyone[: min(len(everyone), 10)]
        services.attendance_set(
            course,
            acting_user=admin,
            version=course.version,
            member_ids=ticked,
            completed_ids=ticked,
        )
        n_courses += 1
        n_people += len(ticked)
    for town in demo.towns:
        services.course_create(
            acting_user=admin,
            org=town,
            level=Level.TOWN,
            topic="社区干部能力提升培训班",
            start=day(90),
            days=10,
            hours=60,
            place=f"{town.short_name}党校",
        )
        n_courses += 1
    log(f"培训：{n_courses} 个培训班，{n_people} 人次（含下岗失业党员技能培训）")
