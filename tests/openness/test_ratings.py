"""Residents rate a published activity or service (党务居务公开, issue 19 item 2): one rating per
resident per item, a few per address — counted in the database — after the arithmetic question;
refused when the item is withdrawn or closed; the community sees, voids and exports them."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.commitments import services_board
from dangjian.commitments import services_rating as commitment_rating
from dangjian.core.models import AuditEntry
from dangjian.deeds.models import Deed
from dangjian.openness import services_rating
from dangjian.openness.models import ItemKind, ItemRating, PublicItem

pytestmark = pytest.mark.django_db

ADDR = "203.0.113.7"


def make_item(cast, *, community=None, title="重阳节敬老包饺子活动", **extra) -> PublicItem:
    community = community or cast.comm_a
    deed = Deed.objects.create(
        community=community, date=timezone.localdate(), title="内部记录：为独居老人包饺子"
    )
    return PublicItem.objects.create(
        community=community,
        kind=ItemKind.ACTIVITY,
        deed=deed,
        title=title,
        summary="社区党员和居民一起包饺子，送给独居老人。",
        **extra,
    )


def rate(item, phone="13800000001", score=5, comment="", addr=ADDR) -> ItemRating:
    return services_rating.rate_item(
        item, phone=phone, score=score, comment=comment, client_addr=addr
    )


def _refused(fn, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as exc:
        fn(*args, **kwargs)
    return "；".join(exc.value.messages)


# ---- one per resident ----------------------------------------------------------------------
def test_one_rating_per_resident_per_item(cast):
    item = make_item(cast)
    first = rate(item, score=4, comment="很好")
    msg = _refused(rate, item, phone="138 0000 0001", score=1, comment="再来一次")
    assert msg == "您已经评价过这项活动，每人只能评价一次。"
    assert list(ItemRating.objects.values_list("pk", "score", "comment")) == [(first.pk, 4, "很好")]
    # the number itself is never kept: only its keyed hash
    assert first.resident_key == commitment_rating.resident_key("13800000001")
    assert "13800000001" not in first.resident_key + first.resident_addr


def test_the_same_phone_may_rate_another_item(cast):
    a, b = make_item(cast), make_item(cast, title="义诊进社区")
    rate(a)
    rate(b)
    assert ItemRating.objects.count() == 2


def test_a_voided_rating_still_stops_a_second_from_the_same_resident(cast):
    item = make_item(cast)
    r = rate(item)
    services_rating.ratings_void(
        community=cast.comm_a, ids=[r.pk], reason="刷分", acting_user=cast.comm_a_sec
    )
    assert "只能评价一次" in _refused(rate, item)


# ---- what is refused -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("score", 0, "1 到 5"),
        ("score", 6, "1 到 5"),
        ("score", "", "1 到 5"),
        ("score", "五", "1 到 5"),
        ("phone", "1380000000", "11 位手机号码"),
        ("phone", "", "11 位手机号码"),
        ("comment", "好" * 201, "最多 200 个字，现在是 201 个字"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(cast, field, value, message):
    item = make_item(cast)
    args = {"phone": "13800000001", "score": 5, "comment": "", field: value}
    assert message in _refused(services_rating.rate_item, item, client_addr=ADDR, **args)
    assert not ItemRating.objects.exists()


def test_a_comment_of_200_characters_is_kept_whole(cast):
    r = rate(make_item(cast), comment="好" * 200)
    assert ItemRating.objects.get(pk=r.pk).comment == "好" * 200


def test_a_closed_or_withdrawn_item_takes_no_rating(cast):
    closed = make_item(cast, rating_open=False)
    assert "不接受居民评价" in _refused(rate, closed)
    gone = make_item(cast, title="已撤下的活动", withdrawn_at=timezone.now())
    assert "撤下" in _refused(rate, gone)
    assert not ItemRating.objects.exists()


# ---- per address ---------------------------------------------------------------------------
def test_the_hourly_limit_per_address_at_the_boundary(cast, settings):
    settings.DANGJIAN_PUBLIC_RATINGS_PER_HOUR = 3
    settings.DANGJIAN_PUBLIC_RATINGS_PER_ITEM_PER_DAY = 100
    items = [make_item(cast, title=f"活动{i}") for i in range(4)]
    for i in range(3):
        rate(items[i], phone=f"1380000000{i}")
    assert "一小时后再试" in _refused(rate, items[3], phone="13800000009")
    assert ItemRating.objects.count() == 3
    rate(items[3], phone="13800000009", addr="198.51.100.1")  # another network is not limited
    # an hour later the address may rate again: the limit is counted from the saved rows
    ItemRating.objects.update(at=timezone.now() - dt.timedelta(minutes=61))
    rate(items[3], phone="13800000008")


def test_the_daily_limit_per_address_on_one_item_at_the_boundary(cast, settings):
    settings.DANGJIAN_PUBLIC_RATINGS_PER_HOUR = 100
    settings.DANGJIAN_PUBLIC_RATINGS_PER_ITEM_PER_DAY = 2
    item, other = make_item(cast), make_item(cast, title="义诊进社区")
    rate(item, phone="13800000001")
    rate(item, phone="13800000002")
    assert "今天对这项活动的评价已经够多了" in _refused(rate, item, phone="13800000003")
    rate(other, phone="13800000003")  # another item from the same address is fine
    assert ItemRating.objects.filter(item=item).count() == 2


def test_the_item_limit_defaults_to_the_commitment_one(settings):
    if hasattr(settings, "DANGJIAN_PUBLIC_RATINGS_PER_ITEM_PER_DAY"):
        del settings.DANGJIAN_PUBLIC_RATINGS_PER_ITEM_PER_DAY
    settings.DANGJIAN_PUBLIC_RATINGS_PER_HOUR = 7
    settings.DANGJIAN_PUBLIC_RATINGS_PER_COMMITMENT_PER_DAY = 4
    assert services_rating.limits() == (7, 4)


def test_ratings_are_audited_with_no_user(cast):
    r = rate(make_item(cast))
    entry = AuditEntry.objects.get(action="create", object_id=str(r.pk), object_repr=str(r))
    assert entry.actor_id is None


# ---- voiding -------------------------------------------------------------------------------
def test_voiding_needs_a_reason_and_the_community(cast):
    item = make_item(cast)
    r = rate(item)
    kw = {"community": cast.comm_a, "ids": [r.pk]}
    assert "作废原因" in _refused(
        services_rating.ratings_void, reason=" ", acting_user=cast.comm_a_sec, **kw
    )
    with pytest.raises(PermissionDenied):
        services_rating.ratings_void(reason="刷分", acting_user=cast.comm_b_sec, **kw)
    # community B cannot void A's rating by naming it under its own community either
    assert "没有可以作废" in _refused(
        services_rating.ratings_void,
        community=cast.comm_b,
        ids=[r.pk],
        reason="刷分",
        acting_user=cast.comm_b_sec,
    )
    assert ItemRating.objects.counted().count() == 1
    rows = services_rating.ratings_void(reason="同一网络连号", acting_user=cast.comm_a_sec, **kw)
    assert [x.pk for x in rows] == [r.pk]
    r.refresh_from_db()
    assert r.voided_at and r.voided_by == cast.comm_a_sec and r.void_reason == "同一网络连号"
    assert not ItemRating.objects.counted().exists()
    assert AuditEntry.objects.filter(action="update", object_id=str(r.pk)).exists()
    assert "没有可以作废" in _refused(
        services_rating.ratings_void, reason="再次", acting_user=cast.comm_a_sec, **kw
    )


# ---- the public pages ----------------------------------------------------------------------
def _url(item) -> str:
    return f"/open/{services_board.board_for(item.community).slug}/item/{item.pk}/"


def _solve(client: Client, item) -> dict[str, str]:
    body = client.get(_url(item)).content.decode()
    a, b = re.search(r'class="challenge-question[^"]*">(\d+) \+ (\d+) = \?<', body).groups()
    token = re.search(r'name="challenge" value="([^"]+)"', body).group(1)
    return {"challenge": token, "answer": str(int(a) + int(b))}


def _post(client: Client, item, **data):
    return client.post(f"{_url(item)}rate/", data)


def test_a_resident_rates_through_the_page(cast):
    item = make_item(cast)
    c = Client(REMOTE_ADDR=ADDR)
    page = c.get(_url(item))
    body = page.content.decode()
    assert page.status_code == 200
    assert "重阳节敬老包饺子活动" in body and "不会保存号码本身" in body
    assert body.count('name="score"') == 5 and "非常满意" in body and "不太满意" in body
    answer = _solve(c, item)
    r = _post(c, item, score="4", phone="13912345678", comment="组织得好", **answer)
    assert r.status_code == 302 and r["Location"] == _url(item)
    saved = ItemRating.objects.get()
    assert (saved.score, saved.comment) == (4, "组织得好")
    assert saved.resident_addr == commitment_rating.address_key(ADDR)
    after = c.get(_url(item)).content.decode()
    assert "谢谢您的评价" in after and "平均 4.0 分" in after and "共 1 人评价" in after
    # the page shows no personal data: not the phone, its hash, the comment or the deed's
    # internal wording
    for secret in ("13912345678", saved.resident_key, saved.resident_addr, "内部记录"):
        assert secret not in after
    # the same solved question cannot be used again
    r = _post(c, item, score="1", phone="13912345679", **answer)
    assert r.status_code == 400 and "已经用过" in r.content.decode()
    assert ItemRating.objects.count() == 1


@pytest.mark.parametrize("case", ["wrong", "missing", "forged"])
def test_the_arithmetic_question_must_be_answered(cast, case):
    item = make_item(cast)
    c = Client(REMOTE_ADDR=ADDR)
    answer = _solve(c, item)
    if case == "wrong":
        answer["answer"] = str(int(answer["answer"]) + 1)
    elif case == "missing":
        answer = {}
    else:
        answer["challenge"] = answer["challenge"][:-2] + "xx"
    r = _post(c, item, score="5", phone="13912345678", comment="留下的话", **answer)
    body = r.content.decode()
    assert r.status_code == 400 and "算术题" in body
    assert "留下的话" in body  # what was typed is not lost; a new question is asked
    assert not ItemRating.objects.exists()


def test_a_second_rating_through_the_page_is_refused_with_the_message(cast):
    item = make_item(cast)
    c = Client(REMOTE_ADDR=ADDR)
    _post(c, item, score="5", phone="13912345678", **_solve(c, item))
    r = _post(c, item, score="1", phone="13912345678", **_solve(c, item))
    assert r.status_code == 400
    assert "您已经评价过这项活动，每人只能评价一次。" in r.content.decode()
    assert list(ItemRating.objects.values_list("score", flat=True)) == [5]


def test_withdrawn_other_boards_and_unknown_items_are_not_found(cast):
    item = make_item(cast)
    board_b = services_board.board_for(cast.comm_b)
    c = Client()
    assert c.get(f"/open/{board_b.slug}/item/{item.pk}/").status_code == 404
    assert c.get(f"/open/{board_b.slug}/item/{item.pk}/qr.svg").status_code == 404
    assert c.get(f"/open/nosuchboard/item/{item.pk}/").status_code == 404
    assert c.get(_url(item).replace(f"/{item.pk}/", "/987654/")).status_code == 404
    PublicItem.objects.filter(pk=item.pk).update(withdrawn_at=timezone.now())
    assert c.get(_url(item)).status_code == 404
    assert c.post(f"{_url(item)}rate/", {"score": "5"}).status_code == 404


def test_a_closed_item_shows_no_form(cast):
    item = make_item(cast, rating_open=False)
    body = Client().get(_url(item)).content.decode()
    assert "不接受评价" in body and 'name="challenge"' not in body


def test_the_item_has_its_own_qr_code(cast):
    item = make_item(cast)
    r = Client().get(f"{_url(item)}qr.svg")
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml"
    assert r.content.startswith(b"<svg") or b"<svg" in r.content[:200]


# ---- the community's pages -----------------------------------------------------------------
def _ratings(n: int, item, start: int = 0) -> list[ItemRating]:
    return [
        rate(
            item, phone=f"139{start + i:08d}", score=1 + i % 5, comment=f"意见{start + i}", addr=""
        )
        for i in range(n)
    ]


def test_the_ratings_page_lists_newest_first_with_voided_marked(cast, client_for):
    item, other = make_item(cast), make_item(cast, title="义诊进社区")
    old = _ratings(1, item)[0]
    _ratings(1, other, start=5)
    ItemRating.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=1))
    services_rating.ratings_void(
        community=cast.comm_a, ids=[old.pk], reason="测试作废", acting_user=cast.comm_a_sec
    )
    c = client_for(cast.comm_a_sec)
    body = c.get(f"/openness/{cast.comm_a.pk}/ratings/").content.decode()
    assert body.index("意见5") < body.index("意见0")
    assert "已作废" in body and "测试作废" in body and "data-confirm" in body
    assert old.resident_key not in body
    only = c.get(f"/openness/{cast.comm_a.pk}/ratings/?item={other.pk}").content.decode()
    assert "意见5" in only and "意见0" not in only


def test_voiding_through_the_page(cast, client_for):
    item = make_item(cast)
    a, b = _ratings(2, item)
    c = client_for(cast.comm_a_sec)
    url = f"/openness/{cast.comm_a.pk}/ratings/void/"
    c.post(url, {"rating": [a.pk], "reason": ""})
    assert ItemRating.objects.counted().count() == 2  # no reason: nothing voided
    r = c.post(url, {"rating": [a.pk], "reason": "连号刷分"}, follow=True)
    assert "已作废 1 条" in r.content.decode()
    assert set(ItemRating.objects.counted().values_list("pk", flat=True)) == {b.pk}
    # another community's secretary does not reach the page at all
    assert (
        client_for(cast.comm_b_sec).post(url, {"rating": [b.pk], "reason": "x"}).status_code == 404
    )
    assert ItemRating.objects.counted().count() == 1


def test_the_export_reads_back_without_hashes(cast, client_for):
    item = make_item(cast)
    rows = _ratings(3, item)
    services_rating.ratings_void(
        community=cast.comm_a, ids=[rows[0].pk], reason="核实为刷分", acting_user=cast.comm_a_sec
    )
    r = client_for(cast.comm_a_sec).get(f"/openness/{cast.comm_a.pk}/ratings/export/")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    cells = [[c for c in line] for line in wb.active.iter_rows(values_only=True)]
    assert "居民评价" in cells[0][0] and cells[1][1] == "活动或服务"
    data = cells[2:]
    assert len(data) == 3
    assert {line[5] for line in data} == {"意见0", "意见1", "意见2"}
    assert any(line[6] == "已作废" and line[7] == "核实为刷分" for line in data)
    text = " ".join(str(v) for line in cells for v in line if v is not None)
    for x in rows:
        assert x.resident_key not in text
    assert AuditEntry.objects.filter(action="export", actor=cast.comm_a_sec).count() == 1


def test_the_ratings_page_costs_the_same_for_1_or_20_rows(cast, client_for):
    item = make_item(cast)
    c = client_for(cast.comm_a_sec)
    url = f"/openness/{cast.comm_a.pk}/ratings/"
    _ratings(1, item)
    c.get(url)
    with CaptureQueriesContext(connection) as one:
        c.get(url)
    for i in range(5):
        _ratings(4, make_item(cast, title=f"活动{i}"), start=10 + 4 * i)
    with CaptureQueriesContext(connection) as many:
        body = c.get(url).content.decode()
    assert body.count('name="rating"') == 21
    assert len(many) == len(one)


def test_the_management_pages_follow_the_tree(cast, client_for):
    make_item(cast)
    for who in (cast.comm_b_sec, cast.outsider, cast.member_user):
        c = client_for(who)
        assert c.get(f"/openness/{cast.comm_a.pk}/ratings/").status_code == 404
        assert c.get(f"/openness/{cast.comm_a.pk}/ratings/export/").status_code == 404
    assert Client().get(f"/openness/{cast.comm_a.pk}/ratings/").status_code == 302


# ---- the API -------------------------------------------------------------------------------
def test_the_api_lists_and_voids_in_scope(cast, client_for):
    item = make_item(cast)
    a, b = _ratings(2, item)
    c = client_for(cast.comm_a_sec)
    r = c.get(f"/api/v1/openness-ratings/?org={cast.comm_a.pk}")
    assert r.status_code == 200
    got = r.json()
    assert got["count"] == 2 and {x["id"] for x in got["items"]} == {a.pk, b.pk}
    assert "resident_key" not in got["items"][0] and "resident_addr" not in got["items"][0]
    r = c.post(
        f"/api/v1/openness-ratings/{cast.comm_a.pk}/void",
        {"ids": [a.pk], "reason": "刷分"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json() == {"voided": [a.pk]}
    r = c.post(
        f"/api/v1/openness-ratings/{cast.comm_a.pk}/void",
        {"ids": [b.pk], "reason": ""},
        content_type="application/json",
    )
    assert r.status_code == 400 and "作废原因" in r.json()["detail"]
    other = client_for(cast.comm_b_sec)
    assert other.get(f"/api/v1/openness-ratings/?org={cast.comm_a.pk}").status_code == 404
    assert other.get("/api/v1/openness-ratings/").json()["count"] == 0
    r = other.post(
        f"/api/v1/openness-ratings/{cast.comm_a.pk}/void",
        {"ids": [b.pk], "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 404
    assert ItemRating.objects.counted().count() == 1


def test_the_item_page_shows_the_chosen_photos_through_the_real_publishing(cast):
    from tests.openness.board_helpers import activity, publish_activity

    it = publish_activity(cast, activity(cast, photos=2), title="义诊进社区公开")
    slug = services_board.board_for(cast.comm_a).slug
    body = Client().get(f"/open/{slug}/item/{it.pk}/").content.decode()
    assert "义诊进社区公开" in body and "社区卫生服务站为老人量血压" in body
    urls = re.findall(r'<img class="img-fluid[^"]*" src="([^"]+)"', body)
    assert urls == [f"/open/{slug}/photo/{p.pk}/" for p in it.photos.all()]
    assert Client().get(urls[0]).status_code == 200
    assert "社区广场" not in body  # the record's place is not copied to the public page
