"""Records for the public board's tests (党务居务公开), through the real services where there is
one: activities with photos, meetings, published items, ledger entries, service requests."""

from __future__ import annotations

import re

from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from dangjian.cobuild import services as cobuild_services
from dangjian.cobuild.models import Photo
from dangjian.commitments import services_board
from dangjian.funds import services as funds_services
from dangjian.funds.models import Category
from dangjian.meetings.models import MeetingKind
from dangjian.openness import services
from tests.cobuild.images import png
from tests.meetings.factories import make_meeting, make_unit

TODAY = timezone.localdate()


def text(r) -> str:
    return re.sub(r"\s+", " ", r.content.decode())


def board(cast, org=None):
    return services_board.board_for(org or cast.comm_a)


def board_url(b) -> str:
    return f"/open/{b.slug}/"


def get_board(b, **params):
    return Client().get(board_url(b), params)


def activity(cast, *, community=None, title="义诊进社区", day=None, photos=1, user=None, **flags):
    community = community or cast.comm_a
    u = make_unit(community=community, name=f"{community.name}{title}单位")
    a = cobuild_services.activity_record(
        acting_user=user or (cast.comm_a_sec if community == cast.comm_a else cast.admin),
        community=community,
        units=[u],
        kind="service",
        date=day or TODAY,
        title=title,
        place=flags.pop("place", "社区广场"),
        today=TODAY,
        **flags,
    )
    for i in range(photos):
        Photo.objects.create(
            activity=a, file=ContentFile(png(rgb=(10 * i, 80, 40)), name=f"p{i}.png")
        )
    return a


def publish_activity(cast, a, *, user=None, title=None, **kw):
    return services.item_publish(
        acting_user=user or cast.comm_a_sec,
        community=a.deed.community,
        deed=a.deed,
        title=title or a.deed.title,
        summary=kw.pop("summary", "社区卫生服务站为老人量血压。"),
        photos=kw.pop("photos", [p.pk for p in a.photos.all()]),
        **kw,
    )


def theme_day(cast, *, day=None, topic="学习党的二十届四中全会精神主题党日"):
    return make_meeting(
        org=cast.branch_a,
        kind=MeetingKind.THEME_DAY,
        date=day or TODAY,
        topic=topic,
        place="社区党群服务中心",
    )


def entry(cast, direction, category, amount, date, org=None, **kw):
    funds_services.ensure_categories()
    return funds_services.entry_record(
        acting_user=cast.admin,
        org=org or cast.comm_a,
        direction=direction,
        date=date,
        category=Category.objects.get(name=category, direction=direction),
        amount=str(amount),
        summary=kw.pop("summary", "测试"),
        today=TODAY,
        **kw,
    )
