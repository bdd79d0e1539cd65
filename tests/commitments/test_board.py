"""The community's public board (公开示诺): an unguessable address printed in its QR code, the old
address only if the community keeps it; members named 张某 to visitors not logged in; residents
rate after answering an arithmetic question, a few per address — counted in the database, so
the limit holds across server processes; bursts seen and voided by the community."""

from __future__ import annotations

import datetime as dt
import re
import time
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.commitments import services_board, services_rating
from dangjian.commitments.models import Commitment, PublicBoard, Rating, State
from dangjian.core import qr
from dangjian.core.models import AuditEntry

from .factories import draft, put_in


def _text(r) -> str:
    return re.sub(r"\s+", " ", r.content.decode())


def _board(cast, org=None) -> PublicBoard:
    return services_board.board_for(org or cast.comm_a)


def _url(b: PublicBoard) -> str:
    return f"/commitments/board/{b.slug}/"


def _solve(client: Client, b: PublicBoard, pk: int) -> dict[str, str]:
    """Open the board and answer the question on the commitment's form, as a resident would."""
    body = client.get(_url(b)).content.decode()
    form = body[body.index(f'id="rate-{pk}"') :]
    a, b_ = re.search(r'class="challenge-question[^"]*">(\d+) \+ (\d+) = \?<', form).groups()
    token = re.search(r'name="challenge" value="([^"]+)"', form).group(1)
    return {"challenge": token, "answer": str(int(a) + int(b_))}


def _rate(client: Client, b: PublicBoard, c: Commitment, phone: str, **extra):
    data = {"score": "90", "phone": phone, **_solve(client, b, c.pk), **extra}
    return client.post(f"{_url(b)}{c.pk}/rate/", data, follow=True)


def _audit(obj, action: str):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(obj)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk), action=action)


def _residents(c: Commitment) -> int:
    return Rating.objects.filter(commitment=c, tier="resident").count()


# ---- the address -------------------------------------------------------------------------
def test_each_board_has_its_own_unguessable_address(cast):
    a, b = _board(cast), _board(cast, cast.comm_b)
    assert a.slug != b.slug and len(a.slug) >= 16
    assert cast.comm_a.code not in a.slug
    assert _board(cast).pk == a.pk  # made once
    assert _audit(a, "create").count() == 1


def test_the_board_shows_name_and_words_only(cast):
    put_in(draft(cast, title="每月为独居老人代买药品"), State.PUBLISHED)
    put_in(draft(cast, title="还在草稿的承诺"), State.DRAFT)
    r = Client().get(_url(_board(cast)))
    body = _text(r)
    assert r.status_code == 200
    assert "每月为独居老人代买药品" in body and "还在草稿的承诺" not in body
    m = cast.member_a
    for private in (m.id_masked, m.phone or "no-phone", str(m.birth_date), m.address or "no-addr"):
        assert private not in body


def test_the_old_address_is_not_found_unless_the_community_keeps_it(cast, client_for):
    b = _board(cast)
    old = f"/commitments/public/{cast.comm_a.code}/"
    assert Client().get(old).status_code == 404
    client_for(cast.comm_a_sec).post(
        f"/commitments/public-board/{cast.comm_a.pk}/", {"allow_code_address": "on"}
    )
    r = Client().get(old)
    assert r.status_code == 302 and r["Location"] == _url(b)
    assert Client().get(f"/commitments/public/{cast.comm_b.code}/").status_code == 404


def test_an_unknown_address_is_not_found(cast):
    _board(cast)
    assert Client().get("/commitments/board/not-a-real-slug/").status_code == 404
    assert Client().get("/commitments/board/not-a-real-slug/qr.svg").status_code == 404


def test_the_qr_code_holds_the_new_address_and_the_list_links_it(cast, client_for):
    b = _board(cast)
    r = Client().get(f"{_url(b)}qr.svg")
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml"
    expected_url = f"http://testserver{_url(b)}"
    assert r.content == qr.svg_file(expected_url, title=cast.comm_a.name)
    page = _text(client_for(cast.comm_a_sec).get(f"/commitments/?org={cast.comm_a.pk}"))
    assert f"{_url(b)}qr.svg" in page and f'href="{_url(b)}"' in page
    assert f"/commitments/public/{cast.comm_a.code}/" not in page
    assert f"/commitments/public-board/{cast.comm_a.pk}/ratings/" in page


def test_a_new_address_retires_the_old_one(cast, client_for):
    b = _board(cast)
    old = _url(b)
    sec = client_for(cast.comm_a_sec)
    page = _text(sec.get(f"/commitments/public-board/{cast.comm_a.pk}/"))
    assert "data-confirm=" in page and "已经张贴的二维码将不能再打开" in page
    r = sec.post(f"/commitments/public-board/{cast.comm_a.pk}/address/", follow=True)
    assert "已换成新地址" in _text(r)
    b.refresh_from_db()
    assert _url(b) != old
    assert Client().get(old).status_code == 404
    assert Client().get(_url(b)).status_code == 200
    entry = _audit(b, "update").get()
    assert entry.actor == cast.comm_a_sec and "slug" in entry.changes


def test_only_the_communitys_secretaries_manage_its_board(cast, client_for):
    url = f"/commitments/public-board/{cast.comm_a.pk}/"
    for who in (cast.comm_b_sec, cast.branch_sec, cast.member_user, cast.outsider):
        c = client_for(who)
        assert c.get(url).status_code == 404
        assert c.post(f"{url}address/").status_code == 404
        assert c.get(f"{url}ratings/").status_code == 404
    assert client_for(cast.street_sec).get(url).status_code == 200  # the street above it


# ---- names -------------------------------------------------------------------------------
def test_visitors_see_surname_and_mou_and_members_the_full_name(cast, client_for):
    put_in(draft(cast), State.PUBLISHED)
    b = _board(cast)
    body = _text(Client().get(_url(b)))
    assert "张某" in body and "张三" not in body
    body = _text(client_for(cast.member_user).get(_url(b)))
    assert "张三" in body


def test_a_community_may_show_full_names_to_everyone(cast, client_for):
    put_in(draft(cast), State.PUBLISHED)
    b = _board(cast)
    r = client_for(cast.comm_a_sec).post(
        f"/commitments/public-board/{cast.comm_a.pk}/",
        {"show_full_names": "on", "version": b.version},
        follow=True,
    )
    assert "设置已保存" in _text(r)
    assert "张三" in _text(Client().get(_url(b)))
    assert _audit(b, "update").exists()


def test_the_board_page_query_count_does_not_grow_with_rows(cast, django_assert_num_queries):
    b = _board(cast)
    for i in range(3):
        put_in(draft(cast, title=f"承诺{i}"), State.PUBLISHED)
    anonymous = Client()
    with CaptureQueriesContext(connection) as few:
        anonymous.get(_url(b))
    for i in range(30):
        put_in(draft(cast, title=f"更多承诺{i}"), State.EVALUATING)
    with django_assert_num_queries(len(few.captured_queries)):
        anonymous.get(_url(b))


# ---- rating with the question ------------------------------------------------------------
def test_a_resident_answers_the_question_and_rates_once_per_phone(cast):
    c = put_in(draft(cast), State.PUBLISHED)
    b = _board(cast)
    resident = Client()
    page = _text(resident.get(_url(b)))
    assert re.search(r'<label class="form-label fs-4[^"]*" for="answer-\d+">请算一算：', page)
    assert "<img" not in page.split('id="public-commitments"')[1]
    assert "谢谢您的评价" in _text(_rate(resident, b, c, "13900001234"))
    assert "已经评价过" in _text(_rate(resident, b, c, "139-0000-1234"))
    assert _residents(c) == 1


def test_a_wrong_answer_saves_nothing_and_says_why(cast):
    c = put_in(draft(cast), State.PUBLISHED)
    b = _board(cast)
    resident = Client()
    solved = _solve(resident, b, c.pk)
    wrong = str(int(solved["answer"]) + 1)
    r = resident.post(
        f"{_url(b)}{c.pk}/rate/",
        {"score": "90", "phone": "13900001234", "challenge": solved["challenge"], "answer": wrong},
        follow=True,
    )
    assert "算术题答错了" in _text(r) and _residents(c) == 0
    # and the question is used up: the right answer now is too late
    r = resident.post(
        f"{_url(b)}{c.pk}/rate/",
        {"score": "90", "phone": "13900001234", **solved},
        follow=True,
    )
    assert "已经用过" in _text(r) and _residents(c) == 0


def test_a_post_without_the_question_saves_nothing(cast):
    c = put_in(draft(cast), State.PUBLISHED)
    b = _board(cast)
    r = Client().post(
        f"{_url(b)}{c.pk}/rate/", {"score": "90", "phone": "13900001234"}, follow=True
    )
    assert "请回答页面上的算术题" in _text(r) and _residents(c) == 0
    r = Client().post(
        f"{_url(b)}{c.pk}/rate/",
        {"score": "90", "phone": "13900001234", "challenge": "forged:token", "answer": "3"},
        follow=True,
    )
    assert "请回答页面上的算术题" in _text(r) and _residents(c) == 0


def test_one_solved_question_cannot_be_replayed_for_more_ratings(cast):
    c = put_in(draft(cast), State.PUBLISHED)
    b = _board(cast)
    resident = Client()
    solved = _solve(resident, b, c.pk)
    url = f"{_url(b)}{c.pk}/rate/"
    r = resident.post(url, {"score": "90", "phone": "13900000001", **solved}, follow=True)
    assert "谢谢您的评价" in _text(r)
    r = Client().post(url, {"score": "90", "phone": "13900000002", **solved}, follow=True)
    assert "已经用过" in _text(r)
    assert _residents(c) == 1


def test_a_question_expires_after_ten_minutes(cast):
    c = put_in(draft(cast), State.PUBLISHED)
    b = _board(cast)
    url = f"{_url(b)}{c.pk}/rate/"
    for age, saved in ((services_board.CHALLENGE_MAX_AGE + 5, 0), (60, 1)):
        with mock.patch("django.core.signing.time.time", return_value=time.time() - age):
            ch = services_board.challenge_new()
        answer = _answer_of(ch)
        r = Client().post(
            url,
            {"score": "90", "phone": f"1390000{age:04d}", "challenge": ch.token, "answer": answer},
            follow=True,
        )
        assert _residents(c) == saved
        assert ("已过期" in _text(r)) == (saved == 0)


def _answer_of(ch) -> str:
    a, b = re.match(r"(\d+) \+ (\d+) = \?", ch.question).groups()
    return str(int(a) + int(b))


def test_the_token_does_not_give_the_answer_away(cast):
    from django.core import signing

    ch = services_board.challenge_new()
    data = signing.loads(ch.token, salt=services_board.CHALLENGE_SALT)
    assert _answer_of(ch) not in data.values() and int(_answer_of(ch)) not in data.values()


# ---- limits per address ------------------------------------------------------------------
def test_the_hourly_limit_holds_across_two_clients_from_one_address(cast, settings):
    settings.DANGJIAN_PUBLIC_RATINGS_PER_HOUR = 2
    c1 = put_in(draft(cast, title="承诺一"), State.PUBLISHED)
    c2 = put_in(draft(cast, title="承诺二"), State.PUBLISHED)
    b = _board(cast)
    # two browsers (two sessions, as if answered by two server processes) behind one address
    one, two = Client(REMOTE_ADDR="10.1.1.1"), Client(REMOTE_ADDR="10.1.1.1")
    assert "谢谢您的评价" in _text(_rate(one, b, c1, "13900000001"))
    assert "谢谢您的评价" in _text(_rate(two, b, c2, "13900000002"))
    assert "评价次数过多" in _text(_rate(two, b, c1, "13900000003"))
    assert "评价次数过多" in _text(_rate(one, b, c2, "13900000004"))
    assert Rating.objects.filter(tier="resident").count() == 2
    # another address is not held back by it
    assert "谢谢您的评价" in _text(_rate(Client(REMOTE_ADDR="10.2.2.2"), b, c1, "13900000005"))


def test_the_limit_is_counted_in_the_database(cast, settings):
    """What another server process saved counts: no memory of this process is involved."""
    settings.DANGJIAN_PUBLIC_RATINGS_PER_HOUR = 3
    c = put_in(draft(cast), State.PUBLISHED)
    other = put_in(draft(cast, title="另一条"), State.PUBLISHED)
    addr = services_rating.address_key("10.9.9.9")
    assert addr and "10.9.9.9" not in addr
    for i in range(3):  # as saved by other processes
        Rating.objects.create(
            commitment=other, tier="resident", score=90, resident_key=f"k{i}", resident_addr=addr
        )
    with pytest.raises(Exception, match="评价次数过多"):
        services_rating.rate_as_resident(c, phone="13900000009", score=90, client_addr="10.9.9.9")
    # an hour later they no longer count
    Rating.objects.filter(resident_addr=addr).update(
        at=timezone.now() - dt.timedelta(hours=1, minutes=1)
    )
    r = services_rating.rate_as_resident(c, phone="13900000009", score=90, client_addr="10.9.9.9")
    assert r.resident_addr == addr


def test_one_address_rates_one_commitment_five_times_a_day_at_most(cast, settings):
    settings.DANGJIAN_PUBLIC_RATINGS_PER_HOUR = 100
    c = put_in(draft(cast), State.PUBLISHED)
    other = put_in(draft(cast, title="另一条"), State.PUBLISHED)
    ip = "10.3.3.3"
    for i in range(services_rating.PER_COMMITMENT_PER_DAY_DEFAULT):
        services_rating.rate_as_resident(c, phone=f"1390000000{i}", score=90, client_addr=ip)
    with pytest.raises(Exception, match="今天对这条承诺的评价已经够多了"):
        services_rating.rate_as_resident(c, phone="13900000099", score=90, client_addr=ip)
    services_rating.rate_as_resident(other, phone="13900000099", score=90, client_addr=ip)
    Rating.objects.filter(commitment=c).update(at=timezone.now() - dt.timedelta(hours=25))
    services_rating.rate_as_resident(c, phone="13900000099", score=90, client_addr=ip)


def test_the_limiter_keeps_nothing_in_memory():
    import dangjian.commitments.views as views
    import dangjian.commitments.views_board as views_board

    for module in (views, views_board):
        assert not hasattr(module, "_too_many")
        assert "cache" not in vars(module)


def test_another_communitys_board_does_not_take_this_communitys_ratings(cast):
    c = put_in(draft(cast), State.PUBLISHED)
    b = _board(cast, cast.comm_b)
    r = Client().post(
        f"{_url(b)}{c.pk}/rate/",
        {"score": "90", "phone": "13900001234", **services_board.challenge_new().__dict__},
    )
    assert r.status_code == 404 and not Rating.objects.exists()


# ---- bursts ------------------------------------------------------------------------------
def _burst(c: Commitment, n: int, *, minutes: float = 1, addr: str = "", start=None) -> list[int]:
    start = start or timezone.now() - dt.timedelta(hours=2)
    ids = []
    for i in range(n):
        r = Rating.objects.create(
            commitment=c,
            tier="resident",
            score=100,
            resident_key=f"{c.pk}-{addr}-{i}-{start.timestamp()}",
            resident_addr=addr or f"addr-{c.pk}-{i}",
        )
        Rating.objects.filter(pk=r.pk).update(at=start + dt.timedelta(minutes=minutes * i))
        ids.append(r.pk)
    return ids


def test_five_ratings_in_ten_minutes_are_a_burst_and_four_are_not(cast, client_for):
    year = timezone.localdate().year
    hot = put_in(draft(cast, title="被刷分的承诺"), State.PUBLISHED)
    calm = put_in(draft(cast, title="正常的承诺"), State.PUBLISHED)
    Commitment.objects.filter(pk__in=[hot.pk, calm.pk]).update(year=year)
    _burst(hot, 5, minutes=2)  # 0..8 minutes
    _burst(calm, 4, minutes=2)
    _burst(calm, 5, minutes=3, start=timezone.now() - dt.timedelta(days=2))  # 12 minutes
    page = _text(
        client_for(cast.comm_a_sec).get(f"/commitments/public-board/{cast.comm_a.pk}/ratings/")
    )
    section = page.split("同一条承诺的集中评价")[1].split("来自同一网络的集中评价")[0]
    assert "被刷分的承诺" in section and "正常的承诺" not in section
    assert section.count('id="burst-c-') == 1


def test_ratings_from_one_network_across_commitments_are_a_burst(cast, client_for):
    year = timezone.localdate().year
    cs = [put_in(draft(cast, title=f"承诺{i}"), State.PUBLISHED) for i in range(5)]
    Commitment.objects.filter(pk__in=[c.pk for c in cs]).update(year=year)
    start = timezone.now() - dt.timedelta(hours=1)
    for i, c in enumerate(cs):
        _burst(c, 1, addr="same-network", start=start + dt.timedelta(minutes=i))
    page = _text(
        client_for(cast.comm_a_sec).get(f"/commitments/public-board/{cast.comm_a.pk}/ratings/")
    )
    section = page.split("来自同一网络的集中评价")[1]
    assert section.count('id="burst-a-') == 1 and "网络 #same-n" in section
    assert "没有发现集中评价" in page.split("来自同一网络的集中评价")[0]


def test_the_community_voids_a_burst_which_no_longer_counts(cast, client_for):
    c = put_in(draft(cast), State.EVALUATING)
    Commitment.objects.filter(pk=c.pk).update(year=timezone.localdate().year)
    b = _board(cast)
    resident = Client(REMOTE_ADDR="10.4.4.4")
    _rate(resident, b, c, "13900000001", score="50")
    stuffed = _burst(c, 5)
    assert _resident_tier(c).count == 6
    sec = client_for(cast.comm_a_sec)
    url = f"/commitments/public-board/{cast.comm_a.pk}/ratings/"
    page = _text(sec.get(url))
    assert "data-confirm=" in page and "作废" in page
    r = sec.post(f"{url}void/", {"rating": stuffed, "reason": ""}, follow=True)
    assert "请写明作废原因" in _text(r)
    assert not Rating.objects.filter(voided_at__isnull=False).exists()
    r = sec.post(f"{url}void/", {"rating": stuffed, "reason": "十分钟内5条满分"}, follow=True)
    assert "已作废 5 条居民评价" in _text(r)
    voided = Rating.objects.filter(pk__in=stuffed)
    assert all(v.voided_at and v.voided_by == cast.comm_a_sec for v in voided)
    assert voided.count() == 5  # kept
    assert all(_audit(v, "update").get().actor == cast.comm_a_sec for v in voided)
    # only the real resident's 50 counts now
    assert (_resident_tier(c).count, _resident_tier(c).mean) == (1, 50)
    # a voided resident may not rate again: their phone's key still holds the one rating
    Rating.objects.filter(pk=stuffed[0]).update(
        resident_key=services_rating.resident_key("13900000077")
    )
    assert "已经评价过" in _text(_rate(Client(), b, c, "13900000077"))
    assert "已作废" in _text(sec.get(url))


def _resident_tier(c: Commitment):
    return next(t for t in services_rating.result_for(c).tiers if t.tier == "resident")


def test_another_community_cannot_void_or_see_the_bursts(cast, client_for):
    c = put_in(draft(cast), State.PUBLISHED)
    stuffed = _burst(c, 5)
    other = client_for(cast.comm_b_sec)
    base = f"/commitments/public-board/{cast.comm_a.pk}/ratings/"
    assert other.get(base).status_code == 404
    assert other.post(f"{base}void/", {"rating": stuffed, "reason": "x"}).status_code == 404
    # nor through its own community's page
    own = f"/commitments/public-board/{cast.comm_b.pk}/ratings/void/"
    r = other.post(own, {"rating": stuffed, "reason": "x"}, follow=True)
    assert "没有可以作废的评价" in _text(r)
    assert not Rating.objects.filter(voided_at__isnull=False).exists()


def test_the_burst_page_query_count_does_not_grow_with_rows(
    cast, client_for, django_assert_num_queries
):
    year = timezone.localdate().year
    sec = client_for(cast.comm_a_sec)
    url = f"/commitments/public-board/{cast.comm_a.pk}/ratings/"
    c = put_in(draft(cast), State.PUBLISHED)
    Commitment.objects.filter(pk=c.pk).update(year=year)
    _burst(c, 5)
    sec.get(url)
    with CaptureQueriesContext(connection) as few:
        sec.get(url)
    for i in range(4):
        more = put_in(draft(cast, title=f"承诺{i}"), State.PUBLISHED)
        Commitment.objects.filter(pk=more.pk).update(year=year)
        _burst(more, 6)
    with django_assert_num_queries(len(few.captured_queries)):
        sec.get(url)
