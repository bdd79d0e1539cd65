"""Demo data for the community's public board (党务居务公开, issue 19): every demo community shows
its resident units' stars, and has published this year's co-building activities (with photos),
a volunteer service and a theme day, each with a few words of its own; its funds ledger has
entries this year in several categories and quarters (the funds demo makes them; a community
without any gets a few here, through the funds services)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from dangjian.cobuild.models import Activity, Photo
from dangjian.commitments.services_board import board_for
from dangjian.core.access import subtree_q
from dangjian.core.png import solid
from dangjian.funds import services as funds_services
from dangjian.funds.models import Category, Entry
from dangjian.meetings.models import Meeting, MeetingKind
from dangjian.openness import services

#: colours of the demo photos (a block of colour each: the demo has no camera)
COLOURS = ((183, 28, 28), (46, 125, 50), (21, 101, 192), (239, 108, 0))
SUMMARIES = {
    "activity": "社区党组织和驻区单位一起开展活动，居民踊跃参加。欢迎大家对活动提出意见建议。",
    "service": "驻区单位志愿服务队走进社区，为居民提供便民服务。",
    "org_life": "社区党员集中开展主题党日活动，学习政策、服务群众。",
}


def png(width: int = 160, height: int = 120, rgb: tuple[int, int, int] = (183, 28, 28)) -> bytes:
    """A small valid PNG of one colour (the demo has no camera)."""
    return solid(width, height, rgb)


def _photos(activity: Activity, n: int, seed: int) -> list[int]:
    have = list(activity.photos.values_list("pk", flat=True))
    for i in range(len(have), n):
        p = Photo.objects.create(
            activity=activity,
            file=ContentFile(png(rgb=COLOURS[(seed + i) % len(COLOURS)]), name=f"demo-{i}.png"),
            caption=f"活动现场（{i + 1}）",
        )
        have.append(p.pk)
    return have[:n]


def _ensure_funds(org: Any, admin: Any, today: dt.date, log: Callable[[str], None]) -> None:
    """A few entries this year in several categories and quarters, if the ledger has none."""
    if (
        Entry.objects.filter(ledger__org=org, date__year=today.year)
        .values("category")
        .distinct()[:2]
        .count()
        >= 2
    ):
        return
    funds_services.ensure_categories()
    rows = (
        ("in", "上级拨款", "5000", 1),
        ("out", "办公", "320", 1),
        ("out", "活动", "860", 4),
        ("in", "党费返还", "1200", 7),
        ("out", "慰问", "1500", 10),
    )
    for direction, name, amount, month in rows:
        day = dt.date(today.year, month, 12)
        if day > today:
            continue
        try:
            funds_services.entry_record(
                acting_user=admin,
                org=org,
                direction=direction,
                date=day,
                category=Category.objects.get(name=name, direction=direction),
                amount=amount,
                summary="演示收支",
                today=today,
            )
        except ValidationError:
            continue
    log(f"  {org.name}: 补充了本年度收支记录")


def build(demo: Any, *, log: Callable[[str], None] = lambda s: None) -> None:
    today = timezone.localdate()
    year = today.year
    admin = demo.admin
    published = 0
    for n, c in enumerate(demo.communities):
        org = c.org
        board = board_for(org)
        services.board_set_stars(board, acting_user=admin, show_stars=True)
        _ensure_funds(org, admin, today, log)
        acts = Activity.objects.filter(
            subtree_q("deed__community__path", org.path),
            deed__community=org,
            deed__date__year=year,
            deed__public_items__isnull=True,
        ).select_related("deed")
        joint = list(acts.filter(is_volunteer_service=False).order_by("-deed__date", "pk")[:2])
        service = list(acts.filter(is_volunteer_service=True).order_by("-deed__date", "pk")[:1])
        for i, a in enumerate(joint + service):
            photos = _photos(a, 2 if i < len(joint) else 1, seed=n + i)
            services.item_publish(
                acting_user=admin,
                community=org,
                deed=a.deed,
                title=a.deed.title[:100],
                summary=SUMMARIES["service" if a.is_volunteer_service else "activity"],
                photos=photos,
            )
            published += 1
        meeting = (
            Meeting.objects.filter(
                subtree_q("org__path", org.path),
                kind=MeetingKind.THEME_DAY,
                cancelled=False,
                date__year=year,
                date__lte=today,
                public_items__isnull=True,
            )
            .order_by("-date", "pk")
            .first()
        )
        if meeting is not None:
            services.item_publish(
                acting_user=admin,
                community=org,
                meeting=meeting,
                title=meeting.topic[:100],
                summary=SUMMARIES["org_life"],
                photos=[],
            )
            published += 1
    rated = _ratings(demo)
    log(
        f"党务居务公开：{len(demo.communities)} 个社区公开栏，发布 {published} 条活动和服务，"
        f"居民评价 {rated} 条；公开栏：/open/{board_for(demo.communities[0].org).slug}/"
        f"（{demo.communities[0].org.name}）"
    )


#: the demo's residents' ratings of each published item (5 非常满意 … 1 不满意)
DEMO_SCORES = (5, 5, 4, 4, 3, 5, 2)


def _ratings(demo: Any) -> int:
    """A few residents rate each published item, as from the board (synthetic phone numbers in
    the 199 range; only their keyed hashes are kept)."""
    from dangjian.openness.models import PublicItem
    from dangjian.openness.services_rating import rate_item

    n = 0
    items = PublicItem.objects.filter(
        community__in=[c.org for c in demo.communities], rating_open=True, ratings__isnull=True
    ).order_by("pk")
    for i, item in enumerate(items):
        for k, score in enumerate(DEMO_SCORES[: 3 + i % 5]):
            rate_item(item, phone=f"1990000{i:02d}{k:02d}", score=score, comment="", client_addr="")
            n += 1
    return n
