"""居民满意度 counts residents' ratings of the activities and services a community published on its
public board (issue 19 item 2): judged by the service-request line (rule ``assess.satisfied``,
3 基本满意 by default), voided ones not counted, only the community's own, only the year's."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dangjian.assessment.indicators import Ctx, get, residents
from dangjian.commitments import services_board
from dangjian.deeds.models import Deed
from dangjian.openness.models import ItemKind, ItemRating, PublicItem
from tests.assessment.both_paths import measured

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def year() -> int:
    return timezone.localdate().year - 1


def measure(community, year: int):
    return measured("residents.satisfaction", Ctx.of(community, year, None))


def item(community, title: str) -> PublicItem:
    deed = Deed.objects.create(community=community, date=dt.date(2025, 5, 1), title=title)
    return PublicItem.objects.create(
        community=community, kind=ItemKind.SERVICE, deed=deed, title=title
    )


_n = iter(range(10_000))


def rating(it: PublicItem, score: int, at: dt.datetime, *, voided: bool = False) -> ItemRating:
    r = ItemRating.objects.create(item=it, score=score, resident_key=f"k{next(_n)}")
    ItemRating.objects.filter(pk=r.pk).update(
        at=at, voided_at=timezone.now() if voided else None, void_reason="刷分" if voided else ""
    )
    return r


def test_item_ratings_count_in_the_satisfaction(cast, year):
    noon = lambda m, d: dt.datetime(year, m, d, 12, tzinfo=BEIJING)  # noqa: E731
    assert residents.satisfied_from(cast.comm_a) == 3  # the rule's default
    it = item(cast.comm_a, "夏季义诊")
    rating(it, 3, noon(3, 1))  # 基本满意: satisfied
    rating(it, 2, noon(3, 2))  # 不太满意: not
    rating(it, 5, noon(3, 3), voided=True)  # voided: not counted
    rating(it, 1, dt.datetime(year - 1, 12, 31, 23, 30, tzinfo=BEIJING))  # last year
    rating(it, 5, dt.datetime(year + 1, 1, 1, 0, 30, tzinfo=BEIJING))  # next year
    rating(item(cast.comm_b, "外社区活动"), 5, noon(3, 4))  # another community
    m = measure(cast.comm_a, year)
    got = [(r.label, r.note, r.ok, r.day) for r in m.records]
    assert got == [
        ("公开活动 夏季义诊", "满意度 3/5（居民扫码评价）", True, dt.date(year, 3, 1)),
        ("公开活动 夏季义诊", "满意度 2/5（居民扫码评价）", False, dt.date(year, 3, 2)),
    ]
    assert (m.numerator, m.denominator) == (1, 2)
    assert "公开活动" in get("residents.satisfaction").explain


def test_a_rating_links_to_the_item(cast, year):
    it = item(cast.comm_a, "夏季义诊")
    rating(it, 4, dt.datetime(year, 3, 1, 12, tzinfo=BEIJING))
    try:  # the item's management page, else its page on the public board
        want = reverse("openness:item", args=[it.pk])
    except NoReverseMatch:
        want = f"/open/{services_board.board_for(cast.comm_a).slug}/item/{it.pk}/"
    assert measure(cast.comm_a, year).records[0].url == want


def test_item_ratings_cost_one_query(cast, year):
    services_board.board_for(cast.comm_a)

    def count(n: int) -> int:
        for i in range(n):
            rating(
                item(cast.comm_a, f"活动{i}-{n}"), 4, dt.datetime(year, 7, 1, 12, tzinfo=BEIJING)
            )
        with CaptureQueriesContext(connection) as q:
            residents.item_ratings(Ctx.of(cast.comm_a, year, None))
        return len(q)

    assert count(1) == count(5)
