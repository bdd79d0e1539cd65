"""The public board's part of the demo, run on the test cast: the community shows its stars,
publishes its activities with photos, a volunteer service and a theme day, and its ledger has
entries this year — and its board shows them with no personal data."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.demo.county import Community, Demo
from dangjian.demo.openness_demo import build
from dangjian.funds.models import Entry
from dangjian.openness.models import ItemKind, PublicItem

from .board_helpers import activity, board, theme_day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_publishes_and_fills_the_board(cast):
    today = timezone.localdate()
    activity(cast, title="迎新春文艺汇演", photos=0, day=today - dt.timedelta(days=3))
    activity(cast, title="党史学习报告会", photos=0, day=today - dt.timedelta(days=9))
    activity(cast, title="家电义修", photos=0, is_volunteer_service=True)
    theme_day(cast, topic="十二月主题党日")
    demo = Demo(
        cast.county,
        [cast.street_a],
        [Community(spec=None, town=cast.street_a, org=cast.comm_a)],
        cast.admin,
        today,
        random.Random(1),
    )
    build(demo)
    b = board(cast)
    b.refresh_from_db()
    assert b.show_stars
    kinds = sorted(PublicItem.objects.filter(community=cast.comm_a).values_list("kind", flat=True))
    assert kinds == sorted(
        [ItemKind.ACTIVITY, ItemKind.ACTIVITY, ItemKind.SERVICE, ItemKind.ORG_LIFE]
    )
    assert PublicItem.objects.filter(photos__isnull=False).distinct().count() == 3
    cats = Entry.objects.filter(ledger__org=cast.comm_a, date__year=today.year)
    assert cats.values("category").distinct().count() >= 2
    page = Client().get(f"/open/{b.slug}/").content.decode()
    assert "家电义修" in page and "十二月主题党日" in page and "驻区单位星光榜" in page
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", page)
    for p in PublicItem.objects.get(deed__title="家电义修").photos.all():
        r = Client().get(f"/open/{b.slug}/photo/{p.pk}/")
        assert r.status_code == 200 and r["Content-Type"] == "image/png"
    build(demo)  # a second run publishes nothing twice
    assert PublicItem.objects.count() == 4
