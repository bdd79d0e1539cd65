"""The community's public board (党务居务公开, issue 19 item 1): every section from real records,
no login; withdrawn items and notices out of their dates absent; stars only when the community
opts in; photos only of shown items of this board and only real photos; finance and service
figures equal hand counts; the query count does not grow with the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.cobuild.models import Photo, StarRating
from dangjian.commitments.models import State
from dangjian.core import qr
from dangjian.funds.services import entry_void
from dangjian.notices.models import Audience, Notice
from dangjian.openness import selectors, services
from dangjian.openness.models import ItemRating
from dangjian.servicedesk import services as desk
from dangjian.servicedesk.models import Channel, Request
from tests.commitments.factories import draft, put_in
from tests.meetings.factories import make_unit

from .board_helpers import (
    TODAY,
    activity,
    board,
    board_url,
    entry,
    get_board,
    publish_activity,
    text,
    theme_day,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def notice(cast, title, *, publish_on=TODAY, withdraw_on=None, audience=Audience.PUBLIC, org=None):
    org = org or cast.comm_a
    return Notice.objects.create(
        org=org,
        to_org=org,
        audience=audience,
        title=title,
        body=f"{title}的正文",
        publish_on=publish_on,
        withdraw_on=withdraw_on,
    )


def test_an_unknown_board_or_an_inactive_community_is_not_found(cast):
    b = board(cast)
    assert Client().get("/open/not-a-real-slug/").status_code == 404
    assert Client().get(board_url(b)).status_code == 200
    type(cast.comm_a).objects.filter(pk=cast.comm_a.pk).update(is_active=False)
    assert Client().get(board_url(b)).status_code == 404
    assert Client().get(f"{board_url(b)}poster/").status_code == 404


def test_notices_current_and_public_only(cast):
    b = board(cast)
    notice(cast, "甲社区停水通知")
    notice(cast, "明天才发布的通知", publish_on=TODAY + dt.timedelta(days=1))
    notice(cast, "已撤下的通知", publish_on=TODAY - dt.timedelta(days=9), withdraw_on=TODAY)
    notice(cast, "党员内部通知", audience=Audience.MEMBERS)
    notice(cast, "乙社区的通知", org=cast.comm_b)
    page = text(get_board(b))
    assert "甲社区停水通知" in page and "甲社区停水通知的正文" in page
    for absent in ("明天才发布的通知", "已撤下的通知", "党员内部通知", "乙社区的通知"):
        assert absent not in page


def test_commitments_count_and_names_as_the_commitment_board(cast):
    b = board(cast)
    c = put_in(draft(cast, title="每周巡查楼道消防通道"), State.PUBLISHED)
    put_in(draft(cast, title="还没公开示诺的承诺"), "applied")
    page = text(get_board(b, year=c.year))
    assert "每周巡查楼道消防通道" in page and "还没公开示诺的承诺" not in page
    assert "本年度公开示诺的党员承诺 1 项" in page
    full = cast.member_a.name
    assert full not in page and f"{full[0]}某" in page
    assert f"/commitments/board/{b.slug}/" in page
    b.show_full_names = True
    b.save()
    assert full in text(get_board(b, year=c.year))


def test_stars_only_when_the_community_opts_in(cast):
    b = board(cast)
    school = make_unit(community=cast.comm_a, name="甲社区实验小学")
    bank = make_unit(community=cast.comm_a, name="甲社区农商银行")
    other = make_unit(community=cast.comm_b, name="乙社区医院")
    for u, n in ((school, 5), (bank, 3), (other, 5)):
        StarRating.objects.create(unit=u, year=TODAY.year, proposed=n, stars=n, decided_on=TODAY)
    page = text(get_board(b))
    assert "星光榜" not in page and "甲社区实验小学" not in page
    services.board_set_stars(b, acting_user=cast.comm_a_sec, show_stars=True)
    b.refresh_from_db()
    page = text(get_board(b))
    assert "驻区单位星光榜" in page
    assert "五星单位：</strong>甲社区实验小学" in page
    assert "5 星：1 家" in page and "3 星：1 家" in page
    assert "甲社区农商银行" not in page  # only five-star units are named
    assert "乙社区医院" not in page


def test_stars_setting_is_saved_from_the_board_settings_page(cast, client_for):
    b = board(cast)
    r = client_for(cast.comm_a_sec).post(
        f"/commitments/public-board/{cast.comm_a.pk}/",
        {"show_stars": "on", "version": b.version},
    )
    assert r.status_code == 302
    b.refresh_from_db()
    assert b.show_stars and not b.show_full_names
    page = text(client_for(cast.comm_a_sec).get(f"/commitments/public-board/{cast.comm_a.pk}/"))
    assert f"/open/{b.slug}/poster/" in page and f"/open/{b.slug}/qr.svg" in page


def test_published_items_newest_first_withdrawn_absent(cast):
    b = board(cast)
    old = activity(cast, title="春季义诊", day=TODAY - dt.timedelta(days=20))
    new = activity(cast, title="重阳敬老", day=TODAY - dt.timedelta(days=2))
    gone = activity(cast, title="撤下的活动", day=TODAY - dt.timedelta(days=1))
    i_old = publish_activity(cast, old, title="春季义诊进社区")
    i_new = publish_activity(cast, new, title="重阳节敬老包饺子")
    i_gone = publish_activity(cast, gone, title="被撤下的活动")
    services.item_withdraw(i_gone, acting_user=cast.comm_a_sec, reason="照片不合适")
    meeting = theme_day(cast, day=TODAY - dt.timedelta(days=5))
    services.item_publish(
        acting_user=cast.comm_a_sec, community=cast.comm_a, meeting=meeting, title="七月主题党日"
    )
    ItemRating.objects.create(item=i_new, score=5, resident_key="a")
    ItemRating.objects.create(item=i_new, score=4, resident_key="b")
    ItemRating.objects.create(item=i_new, score=1, resident_key="c", voided_at=timezone.now())
    page = text(get_board(b))
    assert "被撤下的活动" not in page
    assert (
        page.index("重阳节敬老包饺子") < page.index("七月主题党日") < page.index("春季义诊进社区")
    )
    assert "社区广场" in page and "社区党群服务中心" in page
    assert "居民评价 4.5 分（5 分制，2 人评价）" in page
    photo = i_new.photos.get()
    assert f"/open/{b.slug}/photo/{photo.pk}/" in page
    assert i_old.photos.count() == 1


def test_photo_view_serves_only_real_photos_of_shown_items_of_this_board(cast):
    b, b_other = board(cast), board(cast, cast.comm_b)
    a = activity(cast, title="义诊", photos=1)
    bad = Photo.objects.create(
        activity=a, file=ContentFile(b"<html><script>x</script></html>", name="x.png")
    )
    item = publish_activity(cast, a, photos=[p.pk for p in a.photos.all()])
    good = item.photos.exclude(cobuild_photo=bad).get()
    fake = item.photos.get(cobuild_photo=bad)
    r = Client().get(f"/open/{b.slug}/photo/{good.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert r["Cache-Control"] == "public, max-age=300"
    assert Client().get(f"/open/{b.slug}/photo/{fake.pk}/").status_code == 404
    assert Client().get(f"/open/{b_other.slug}/photo/{good.pk}/").status_code == 404
    services.item_withdraw(item, acting_user=cast.comm_a_sec, reason="撤下")
    assert Client().get(f"/open/{b.slug}/photo/{good.pk}/").status_code == 404


def test_finance_sums_equal_the_entries_per_quarter_and_category(cast):
    b = board(cast)
    y = TODAY.year
    rows = [
        ("in", "上级拨款", "5000", dt.date(y, 1, 8)),
        ("in", "上级拨款", "2500.50", dt.date(y, 2, 8)),
        ("out", "办公", "120", dt.date(y, 1, 20)),
        ("out", "活动", "300", dt.date(y, 3, 30)),
        ("out", "活动", "80.25", dt.date(y, 4, 2)),
        ("in", "党费返还", "900", dt.date(y, 4, 9)),
        ("out", "慰问", "600", dt.date(y, 7, 1)),
    ]
    made = [entry(cast, d, c, a, day, party="王某某个人") for d, c, a, day in rows if day <= TODAY]
    # a voided entry and one of last year are not counted
    entry_void(
        acting_user=cast.admin,
        entry=entry(cast, "out", "办公", "999", dt.date(y, 1, 9)),
        reason="错",
    )
    entry(cast, "in", "上级拨款", "777", dt.date(y - 1, 12, 30))
    page = text(get_board(b))
    assert "王某某个人" not in page
    fin = selectors.finance(cast.comm_a, y, TODAY)
    hand: dict[tuple[int, str, str], Decimal] = {}
    for e in made:
        k = ((e.date.month - 1) // 3 + 1, e.direction, e.category.name)
        hand[k] = hand.get(k, Decimal(0)) + e.amount
    got = {
        (q.number, ln["direction"], ln["category"]): ln["amount"]
        for q in fin["quarters"]
        for ln in q.lines
    }
    assert got == hand
    q1 = fin["quarters"][0]
    assert q1.income == Decimal("7500.50") and q1.spending == Decimal("420.00")
    assert fin["income"] == sum(e.amount for e in made if e.direction == "in")
    assert fin["opening"] == Decimal("777.00")
    assert "7500.50" in page and "第 1 季度" in page


def test_service_figures_equal_hand_counts(cast):
    b = board(cast)
    y = TODAY.year
    start = dt.date(y, 1, 5)

    def req(**kw):
        r = desk.request_receive(
            acting_user=cast.comm_a_sec,
            community=cast.comm_a,
            channel=Channel.HALL,
            category="repair",
            resident_name="王大妈",
            phone="13812341234",
            content="厨房水管漏水",
            received_on=start,
        )
        Request.objects.filter(pk=r.pk).update(**kw)
        return r

    req(done_on=start + dt.timedelta(days=2), satisfaction=5)  # on time, satisfied
    req(done_on=start + dt.timedelta(days=4), satisfaction=2)  # on time, not satisfied
    req(done_on=start + dt.timedelta(days=60), deadline=start + dt.timedelta(days=10))  # late
    req()  # open
    s = selectors.services(cast.comm_a, y)
    assert s["received"] == 4 and s["closed"] == 3
    assert s["avg_days"] == round((2 + 4 + 60) / 3, 1)
    assert s["rated"] == 2 and s["satisfied_pct"] == 50
    on_time = Request.objects.filter(done_on__isnull=False, done_on__lte=F("deadline")).count()
    assert s["on_time_pct"] == round(100 * on_time / 3)
    page = text(get_board(b))
    assert 'id="svc-received">4<' in page and 'id="svc-closed">3<' in page
    assert "王大妈" not in page and "13812341234" not in page


def test_qr_and_poster(cast):
    b = board(cast)
    r = Client().get(f"/open/{b.slug}/qr.svg")
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml"
    expected_url = f"http://testserver/open/{b.slug}/"
    assert r.content == qr.svg_file(expected_url, title=cast.comm_a.name)
    page = text(Client().get(f"/open/{b.slug}/poster/"))
    assert cast.comm_a.name in page and "扫码查看党务居务公开、评价社区服务" in page
    assert f"http://testserver/open/{b.slug}/" in page and f"/open/{b.slug}/qr.svg" in page


def _count(b) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert get_board(b).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_rows(cast):
    b = board(cast)
    services.board_set_stars(b, acting_user=cast.comm_a_sec, show_stars=True)
    b.refresh_from_db()

    def add(n: int):
        a = activity(cast, title=f"活动{n}", photos=2)
        publish_activity(cast, a, title=f"公开活动{n}")
        notice(cast, f"通知{n}")
        put_in(draft(cast, title=f"承诺{n}"), State.PUBLISHED)
        entry(cast, "out", "活动", 10 + n, TODAY)
        u = make_unit(community=cast.comm_a, name=f"单位{n}")
        StarRating.objects.create(unit=u, year=TODAY.year, proposed=5, stars=5, decided_on=TODAY)

    add(0)
    entry(cast, "in", "上级拨款", 5000, TODAY)
    get_board(b)  # warm the caches a first request fills (rules, content types)
    one = _count(b)
    for n in range(1, 5):
        add(n)
    assert _count(b) == one
