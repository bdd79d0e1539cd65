"""Picking deeds through the API (issue 14: attaching an existing record to a commitment or a
post is a pick): what may be picked, picking and un-picking for a commitment (践诺) and a post
holding (履职) — the pages' rules and Chinese messages, 404 out of scope, nothing changed on a
refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.accounts.models import Grant
from dangjian.commitments import services_posts
from dangjian.commitments.models import State
from dangjian.core.access import forget_scope
from dangjian.core.models import AuditEntry
from dangjian.deeds import services
from tests.commitments.factories import draft, put_in
from tests.factories import make_member

DAY = dt.date(2026, 5, 9)


def _deed(cast, members, *, date=DAY, title="为1号楼独居老人代买药品"):
    return services.deed_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        date=date,
        title=title,
        members=members,
    )


@pytest.fixture
def commitment(cast):
    return put_in(draft(cast), State.PUBLISHED)


@pytest.fixture
def holding(cast):
    post = services_posts.post_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="便民服务岗"
    )
    return services_posts.post_take(
        post, member=cast.member_a, acting_user=cast.comm_a_sec, since=dt.date(2026, 1, 1)
    )


def _pick(client, deed, what, obj, method="post"):
    return getattr(client, method)(f"/api/v1/deeds/{deed.pk}/{what}/{obj.pk}")


def test_a_member_picks_their_deed_for_the_commitment_and_it_leaves_the_pickable_list(
    cast, client_for, commitment
):
    deed = _deed(cast, [cast.member_a.pk])
    me = client_for(cast.member_user)
    r = me.get(f"/api/v1/deeds/pickable?commitment={commitment.pk}")
    assert r.status_code == 200
    assert [d["id"] for d in r.json()["items"]] == [deed.pk]

    r = _pick(me, deed, "commitments", commitment)
    assert r.status_code == 200, r.content
    assert r.json() == {"deed_id": deed.pk, "commitment_ids": [commitment.pk], "holding_ids": []}
    assert list(commitment.deeds.all()) == [deed]
    assert AuditEntry.objects.filter(object_id=str(deed.pk), action="update").exists()
    assert me.get(f"/api/v1/deeds/pickable?commitment={commitment.pk}").json()["items"] == []

    # picked twice: refused with the page's message, still counted once
    r = _pick(me, deed, "commitments", commitment)
    assert r.status_code == 400
    assert r.json()["detail"] == "只能选择本人在承诺年度内参加、尚未记入的实事。"
    assert commitment.deeds.count() == 1


def test_the_branch_secretary_unpicks_it_and_the_deed_stays(cast, client_for, commitment):
    deed = _deed(cast, [cast.member_a.pk])
    sec = client_for(cast.comm_a_sec)
    assert _pick(sec, deed, "commitments", commitment).status_code == 200
    r = _pick(sec, deed, "commitments", commitment, "delete")
    assert r.status_code == 200 and r.json()["commitment_ids"] == []
    assert commitment.deeds.count() == 0
    deed.refresh_from_db()  # still there
    r = _pick(sec, deed, "commitments", commitment, "delete")
    assert (r.status_code, r.json()["detail"]) == (400, "这件事没有记入这条承诺。")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not_taken_part", "只能选择本人在承诺年度内参加、尚未记入的实事。"),
        ("other_year", "只能选择本人在承诺年度内参加、尚未记入的实事。"),
        ("not_published", "承诺公开示诺后、评诺之前记录践诺情况。"),
    ],
)
def test_a_pick_the_page_refuses_is_a_400_with_its_message_and_changes_nothing(
    cast, client_for, commitment, case, message
):
    other = make_member(org=cast.branch_a, name="周七")
    members = [other.pk] if case == "not_taken_part" else [cast.member_a.pk]
    date = dt.date(2025, 12, 30) if case == "other_year" else DAY
    deed = _deed(cast, members, date=date)
    if case == "not_published":
        commitment = put_in(commitment, State.EVALUATING)
    audits = AuditEntry.objects.count()
    r = _pick(client_for(cast.comm_a_sec), deed, "commitments", commitment)
    assert r.status_code == 400
    assert r.json()["detail"] == message
    assert commitment.deeds.count() == 0 and AuditEntry.objects.count() == audits


def test_a_deed_is_picked_for_a_post_holding_within_its_period(cast, client_for, holding):
    deed = _deed(cast, [cast.member_a.pk])
    before = _deed(cast, [cast.member_a.pk], date=dt.date(2025, 12, 1), title="上岗前的实事")
    me = client_for(cast.member_user)
    r = me.get(f"/api/v1/deeds/pickable?holding={holding.pk}")
    assert [d["id"] for d in r.json()["items"]] == [deed.pk]

    r = _pick(me, before, "posts", holding)
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "只能选择本人在岗期间参加、尚未记入的实事。",
    )
    r = _pick(me, deed, "posts", holding)
    assert r.status_code == 200 and r.json()["holding_ids"] == [holding.pk]
    assert list(holding.deeds.all()) == [deed]
    r = _pick(me, deed, "posts", holding, "delete")
    assert r.status_code == 200 and r.json()["holding_ids"] == []
    r = _pick(me, deed, "posts", holding, "delete")
    assert (r.status_code, r.json()["detail"]) == (400, "这件事没有记入这个岗位。")


@pytest.mark.parametrize("who", ["comm_b_sec", "outsider", "viewer"])
def test_out_of_scope_is_the_404_of_a_missing_record_and_nothing_changes(
    cast, client_for, commitment, holding, who
):
    if who == "viewer":  # sees community A, may change nothing there
        Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
        forget_scope(cast.outsider)
    user = cast.outsider if who == "viewer" else getattr(cast, who)
    c = client_for(user)
    deed = _deed(cast, [cast.member_a.pk])
    audits = AuditEntry.objects.count()
    missing = c.post("/api/v1/deeds/987654321/commitments/987654321")
    assert missing.status_code == 404
    for what, obj in (("commitments", commitment), ("posts", holding)):
        for method in ("post", "delete"):
            r = _pick(c, deed, what, obj, method)
            assert (r.status_code, r.json()) == (404, missing.json()), (what, method)
    r = c.get(f"/api/v1/deeds/pickable?commitment={commitment.pk}")
    if who == "viewer":  # what may be picked is a read: the viewer sees the member's deeds
        assert [d["id"] for d in r.json()["items"]] == [deed.pk]
    else:
        assert (r.status_code, r.json()) == (404, missing.json())
    assert commitment.deeds.count() == 0 and holding.deeds.count() == 0
    assert AuditEntry.objects.count() == audits


def test_pickable_asks_for_exactly_one_of_commitment_and_holding(
    cast, client_for, commitment, holding
):
    c = client_for(cast.comm_a_sec)
    for query in ("", f"?commitment={commitment.pk}&holding={holding.pk}"):
        r = c.get(f"/api/v1/deeds/pickable{query}")
        assert r.status_code == 400
        assert r.json()["detail"] == "请指定一条承诺（commitment）或一个岗位（holding）。"


def test_the_pickable_list_costs_the_same_queries_for_many_deeds(
    cast, client_for, commitment, django_assert_max_num_queries
):
    c = client_for(cast.comm_a_sec)
    url = f"/api/v1/deeds/pickable?commitment={commitment.pk}&limit=100"
    _deed(cast, [cast.member_a.pk])
    with django_assert_max_num_queries(30) as few:
        c.get(url)
    for i in range(15):
        _deed(cast, [cast.member_a.pk, make_member(org=cast.branch_a, name=f"队员{i}").pk])
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = c.get(url)
    assert r.json()["count"] == 16
