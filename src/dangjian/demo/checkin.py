"""The demo county's in-service members checked in to their communities: most with a deed and a
paired household this year, some short of the rule, and one per community silent for over a
year (the "invisible member" of seed [003], with a letter to print).

Nothing here is a second copy: the employer is on the member record (the unit is written there
when the record has none), the post is a holding of one of the community's posts, the deeds
are deeds of the community the member took part in, the households paired are households on the
places tree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from dangjian.checkin import services
from dangjian.commitments import services_posts
from dangjian.commitments.models_posts import Post, PostHolder, PostKind
from dangjian.deeds.selectors import member_tallies
from dangjian.meetings.models import COUNTS_AS_ATTENDED, Attendance
from dangjian.members.models import Category, Member, State
from dangjian.orgs.models import Place, PlaceKind, ResidentUnit
from dangjian.staff.models import Staff

if TYPE_CHECKING:
    from .county import Demo

DEEDS = (
    "为独居老人修理水管",
    "组织社区义诊",
    "辅导小学生功课",
    "清理楼道小广告",
    "帮助困难户申请救助",
)


def build_checkins(demo: Demo, *, log: Callable[[str], None]) -> None:
    rng, admin = demo.rng, demo.admin
    today = timezone.localdate()
    made = posts_taken = 0
    for c in demo.communities:
        units = list(ResidentUnit.objects.filter(community=c.org).order_by("id"))
        # posts someone holds already: the post the posts demo leaves empty stays empty
        posts = list(
            Post.objects.filter(
                community=c.org, kind=PostKind.POST, is_active=True, holders__isnull=False
            )
            .distinct()
            .order_by("pk")
        )
        households = list(
            Place.objects.filter(community=c.org, kind=PlaceKind.HOUSEHOLD).order_by("pk")[:400]
        )
        workers = list(
            Member.objects.filter(
                org__path__startswith=c.org.path,
                state=State.ACTIVE,
                categories__category=Category.IN_SERVICE,
            )
            .exclude(pk__in=Staff.objects.filter(member__isnull=False).values("member_id"))
            .order_by("pk")[:12]
        )
        holding = set(
            PostHolder.objects.filter(
                member__in=workers, until__isnull=True, post__kind=PostKind.POST
            ).values_list("member_id", flat=True)
        )
        long_ago = today - dt.timedelta(days=500)
        # Activity in the community as the check-in counts it: a deed there (a volunteer
        # service, a co-building activity), or a meeting of the community outside their branch.
        deeds = member_tallies([m.pk for m in workers], community=c.org)
        met = {
            mid
            for mid, own, path in Attendance.objects.filter(
                member__in=workers,
                status__in=COUNTS_AS_ATTENDED,
                meeting__cancelled=False,
                meeting__date__gt=long_ago,
                meeting__org__path__startswith=c.org.path,
            ).values_list("member_id", "member__org__path", "meeting__org__path")
            if not path.startswith(own)  # their own branch's and groups' meetings are not
        }
        quiet_done = False
        for i, m in enumerate(workers):
            unit = units[i % len(units)] if units else None
            last = m.events.order_by("-date").values_list("date", flat=True).first()
            done = deeds.get(m.pk)
            silent = (
                not quiet_done
                and (last is None or last <= long_ago)
                and (done is None or done.last is None or done.last <= long_ago)
                and m.pk not in met
            )
            quiet_done = quiet_done or silent
            on = long_ago if silent else today - dt.timedelta(days=rng.randrange(60, 400))
            on = max(on, last or on)
            checkin = services.check_in(
                acting_user=admin,
                member=m,
                community=c.org,
                unit=unit,  # written onto the record only when it names no employer
                employer="县直单位",
                on=on,
            )
            made += 1
            chosen = rng.choice(posts) if posts else None
            if chosen is not None and m.pk not in holding:
                services_posts.post_take(chosen, member=m, acting_user=admin, since=on)
                holding.add(m.pk)
                posts_taken += 1
            if silent:
                continue
            if i % 4 != 3:
                services.deed_add(
                    checkin,
                    acting_user=admin,
                    date=max(on, today - dt.timedelta(days=rng.randrange(10, 200))),
                    title=rng.choice(DEEDS),
                    household=rng.choice(households) if households and i % 2 else None,
                )
            if i % 5 != 4 and households:
                services.pairing_add(
                    checkin, acting_user=admin, household=rng.choice(households), since=on
                )
    log(f"在职党员报到：{made} 人（每社区 1 人长期没有活动），其中 {posts_taken} 人报到时认领岗位")
