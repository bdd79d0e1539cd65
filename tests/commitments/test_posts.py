"""设岗定责 and 一人一职: the community's posts (at most the rule's number), members choosing
one post and retired members one role, leaving, duty logs (deeds picked or recorded once); who
may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.commitments import services_posts as sp
from dangjian.commitments.models import Post, PostHolder, PostKind
from dangjian.core import rules
from dangjian.deeds.models import Deed
from dangjian.deeds.services import deed_record
from dangjian.members.models import Category
from tests.factories import make_member


@pytest.fixture
def posts(cast):
    return sp.posts_seed(acting_user=cast.comm_a_sec, community=cast.comm_a)


def test_the_seed_gives_seven_posts_and_two_roles_once(cast, posts):
    names = [p.name for p in posts]
    assert names[:7] == [
        "治安巡逻岗",
        "政策宣传岗",
        "义务教育岗",
        "社会公德岗",
        "便民服务岗",
        "纠纷调解岗",
        "参政议政岗",
    ]
    assert [p.kind for p in posts].count(PostKind.ROLE) == 2
    assert sp.posts_seed(acting_user=cast.comm_a_sec, community=cast.comm_a) == []


def test_a_community_has_at_most_the_rules_number_of_posts(cast, posts):
    most = rules.value("commitment.posts", "max_posts")
    for i in range(most - 7):
        sp.post_create(acting_user=cast.comm_a_sec, community=cast.comm_a, name=f"岗位{i}")
    assert Post.objects.filter(community=cast.comm_a, kind=PostKind.POST).count() == most
    with pytest.raises(ValidationError, match=f"最多设 {most} 个"):
        sp.post_create(acting_user=cast.comm_a_sec, community=cast.comm_a, name="第十五个岗")
    # roles are not posts: still room for them
    sp.post_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="关工委辅导员", kind=PostKind.ROLE
    )
    sp.post_set_active(posts[0], acting_user=cast.comm_a_sec, active=False)
    sp.post_create(acting_user=cast.comm_a_sec, community=cast.comm_a, name="第十五个岗")


def test_only_the_community_sets_up_posts(cast):
    for user in (cast.branch_sec, cast.comm_b_sec, cast.member_user):
        with pytest.raises(PermissionDenied):
            sp.posts_seed(acting_user=user, community=cast.comm_a)
    with pytest.raises(ValidationError, match="社区党组织一级"):
        sp.posts_seed(acting_user=cast.comm_a_sec, community=cast.branch_a)
    assert not Post.objects.exists()


def test_a_member_chooses_one_post_and_a_retired_member_one_role(cast, posts):
    patrol, publicity = posts[0], posts[1]
    role = next(p for p in posts if p.kind == PostKind.ROLE)
    me = cast.member_a  # retired
    holder = sp.post_take(patrol, member=me, acting_user=cast.member_user, skill="身体好")
    with pytest.raises(ValidationError, match="一人选一岗"):
        sp.post_take(publicity, member=me, acting_user=cast.member_user)
    sp.post_take(role, member=me, acting_user=cast.member_user)  # a role besides the post
    sp.post_leave(holder, acting_user=cast.member_user)
    sp.post_take(publicity, member=me, acting_user=cast.member_user)
    assert PostHolder.objects.filter(member=me, until__isnull=True).count() == 2


def test_roles_are_for_retired_members(cast, posts):
    role = next(p for p in posts if p.kind == PostKind.ROLE)
    worker = make_member(org=cast.branch_a, categories=(Category.IN_SERVICE,))
    with pytest.raises(ValidationError, match="离退休党员认领"):
        sp.post_take(role, member=worker, acting_user=cast.branch_sec)


def test_posts_are_for_the_communitys_own_members(cast, posts):
    with pytest.raises((ValidationError, PermissionDenied)):
        sp.post_take(posts[0], member=cast.member_b, acting_user=cast.comm_b_sec)
    with pytest.raises(PermissionDenied):
        sp.post_take(posts[0], member=cast.member_a, acting_user=cast.comm_b_sec)
    assert not PostHolder.objects.exists()


def test_duty_logs_fall_within_the_time_on_the_post(cast, posts):
    holder = sp.post_take(
        posts[0], member=cast.member_a, acting_user=cast.branch_sec, since=dt.date(2026, 3, 1)
    )
    sp.duty_record(holder, acting_user=cast.member_user, date=dt.date(2026, 3, 1), text="夜间巡逻")
    with pytest.raises(ValidationError, match="在岗期间"):
        sp.duty_record(holder, acting_user=cast.member_user, date=dt.date(2026, 2, 28), text="x")
    with pytest.raises(ValidationError, match="做了什么"):
        sp.duty_record(holder, acting_user=cast.member_user, date=dt.date(2026, 3, 2), text=" ")
    with pytest.raises(PermissionDenied):
        sp.duty_record(holder, acting_user=cast.comm_b_sec, date=dt.date(2026, 3, 2), text="x")
    [deed] = holder.deeds.all()
    assert (deed.community, deed.title, deed.date) == (cast.comm_a, "夜间巡逻", dt.date(2026, 3, 1))
    assert [p.member for p in deed.participants.all()] == [cast.member_a]
    assert Deed.objects.count() == 1


def _team_service(cast, day, title="清理楼道", members=None):
    """A deed recorded elsewhere (a team's service with others), to be picked."""
    from dangjian.volunteering import services as vol

    team = vol.team_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name=f"队{title}", kind="team"
    )
    other = make_member(org=cast.branch_a_2, name="周七")
    return vol.service_record(
        acting_user=cast.comm_a_sec,
        team=team,
        date=day,
        title=title,
        hours=members or {cast.member_a.pk: "2", other.pk: "2"},
    )


def test_a_member_picks_a_deed_done_with_others_while_on_the_post_and_detaches_it(cast, posts):
    holder = sp.post_take(
        posts[0], member=cast.member_a, acting_user=cast.branch_sec, since=dt.date(2026, 3, 1)
    )
    before = _team_service(cast, dt.date(2026, 2, 1), title="还没上岗时")
    service = _team_service(cast, dt.date(2026, 4, 1))
    assert list(sp.duty_pickable(holder, user=cast.member_user)) == [service]
    with pytest.raises(ValidationError, match="在岗期间"):
        sp.duty_pick(holder, acting_user=cast.member_user, deed_ids=[before.pk])
    sp.duty_pick(holder, acting_user=cast.member_user, deed_ids=[service.pk])
    assert list(holder.deeds.all()) == [service]
    assert list(sp.duty_pickable(holder, user=cast.member_user)) == []
    with pytest.raises(PermissionDenied):
        sp.duty_detach(holder, acting_user=cast.comm_b_sec, deed=service)
    sp.duty_detach(holder, acting_user=cast.member_user, deed=service)
    assert not holder.deeds.exists() and Deed.objects.filter(pk=service.pk).exists()


def test_a_deed_of_someone_else_cannot_be_picked(cast, posts):
    holder = sp.post_take(
        posts[0], member=cast.member_a, acting_user=cast.branch_sec, since=dt.date(2026, 3, 1)
    )
    other = make_member(org=cast.branch_a_2, name="周七")
    theirs = deed_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        date=dt.date(2026, 4, 1),
        title="别人做的事",
        members=[other.pk],
    )
    with pytest.raises(ValidationError, match="尚未记入"):
        sp.duty_pick(holder, acting_user=cast.comm_a_sec, deed_ids=[theirs.pk])
    assert not holder.deeds.exists()


def _text(r) -> str:
    import re

    return re.sub(r"\s+", " ", r.content.decode())


def test_the_posts_page_shows_who_holds_each_post_and_which_have_nobody(cast, client_for, posts):
    sp.post_take(posts[0], member=cast.member_a, acting_user=cast.comm_a_sec)
    body = _text(client_for(cast.comm_a_sec).get(f"/commitments/posts/?org={cast.comm_a.pk}"))
    assert "以下岗位还没有党员" in body and "政策宣传岗" in body
    row = body[body.index(f'id="post-{posts[0].pk}"') :]
    assert "张三" in row[: row.index("</tr>")]


def test_a_community_secretary_seeds_the_posts_from_the_page(cast, client_for):
    c = client_for(cast.comm_a_sec)
    assert "设置七个岗位" in _text(c.get(f"/commitments/posts/?org={cast.comm_a.pk}"))
    r = c.post("/commitments/posts/seed/", {"org": cast.comm_a.pk}, follow=True)
    assert "已设置 9 个岗位和角色" in _text(r)


def test_a_member_chooses_a_post_and_logs_a_duty_on_their_page(cast, client_for, posts):
    me = client_for(cast.member_user)
    page = _text(me.get("/commitments/posts/mine/"))
    assert "治安巡逻岗" in page and "您还没有选择岗位" in page
    r = me.post(f"/commitments/posts/{posts[0].pk}/take/", {"skill": "退伍军人"}, follow=True)
    assert "张三 已上岗：治安巡逻岗" in _text(r)
    holder = PostHolder.objects.get(member=cast.member_a)
    r = me.post(f"/commitments/holders/{holder.pk}/log/", {"text": "夜间巡逻两小时"}, follow=True)
    assert "已记录履职情况" in _text(r) and "夜间巡逻两小时" in _text(r)
    assert holder.deeds.get().title == "夜间巡逻两小时"


def test_the_holders_page_picks_records_and_detaches_with_a_confirmation(cast, client_for, posts):
    holder = sp.post_take(
        posts[0], member=cast.member_a, acting_user=cast.branch_sec, since=dt.date(2026, 3, 1)
    )
    service = _team_service(cast, dt.date(2026, 4, 1), title="楼道大扫除")
    me = client_for(cast.member_user)
    page = _text(me.get(f"/commitments/holders/{holder.pk}/"))
    assert f'id="pick-{service.pk}"' in page and "楼道大扫除" in page
    r = me.post(f"/commitments/holders/{holder.pk}/pick/", {"deed": [service.pk]}, follow=True)
    body = _text(r)
    assert "已记入 1 件实事" in body and f'id="deed-{service.pk}"' in body
    assert f'id="pick-{service.pk}"' not in body
    assert "data-confirm=" in body[body.index(f'id="deed-{service.pk}"') :]
    r = me.post(
        f"/commitments/holders/{holder.pk}/log/",
        {"date": "2026-05-01", "text": "入户宣传", "next": "holder"},
        follow=True,
    )
    assert "已记录履职情况" in _text(r) and "入户宣传" in _text(r)
    r = me.post(f"/commitments/holders/{holder.pk}/detach/", {"deed": service.pk}, follow=True)
    assert "实事本身保留" in _text(r)
    assert [d.title for d in holder.deeds.all()] == ["入户宣传"]
    # another community's secretary gets the same 404 as for a missing holding
    assert client_for(cast.comm_b_sec).get(f"/commitments/holders/{holder.pk}/").status_code == 404


def test_the_posts_page_query_count_does_not_grow_with_holders(
    cast, client_for, posts, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(cast.comm_a_sec)
    url = f"/commitments/posts/?org={cast.comm_a.pk}"
    for p in posts[:7]:
        sp.post_take(p, member=make_member(org=cast.branch_a), acting_user=cast.comm_a_sec)
    c.get(url)  # the session's first request reads a little more
    with CaptureQueriesContext(connection) as few:
        c.get(url)
    for p in posts[:7]:
        for _ in range(5):
            sp.post_take(p, member=make_member(org=cast.branch_a_2), acting_user=cast.comm_a_sec)
    with django_assert_num_queries(len(few.captured_queries)):
        c.get(url)
