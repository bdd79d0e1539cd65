"""设岗定责一人一职台帐 (.xlsx): the posts of the user's communities with who held them, by
organisation and by period."""

from __future__ import annotations

import datetime as dt

from dangjian.commitments.models_posts import Post, PostHolder
from tests.exports_helpers import rows, same_queries_at_5_and_50
from tests.factories import make_member

URL = "/commitments/posts/export/"
D = dt.date


def hold(post, member, since, until=None):
    return PostHolder.objects.create(post=post, member=member, since=since, until=until)


def setup(cast):
    patrol = Post.objects.create(community=cast.comm_a, name="治安巡逻岗", duties="巡逻")
    Post.objects.create(community=cast.comm_a, name="纠纷调解岗")  # nobody on it
    school = Post.objects.create(community=cast.comm_a2, name="团结路宣传岗")
    Post.objects.create(community=cast.comm_b, name="迎宾路岗位")
    hold(patrol, cast.member_a, D(2025, 3, 1))  # 张三 of 第一楼栋党支部, still on it
    retired = make_member(org=cast.branch_a_2, name="王五")
    hold(patrol, retired, D(2024, 1, 1), D(2024, 12, 31))
    hold(school, make_member(org=cast.comm_a2, name="赵六"), D(2026, 1, 1))


def lines(r) -> set[tuple]:
    return {(x[2], x[5]) for x in rows(r)}


def test_it_lists_each_post_with_its_current_holders_and_empty_posts(cast, client_for):
    setup(cast)
    r = client_for(cast.comm_a_sec).get(URL)
    assert lines(r) == {("治安巡逻岗", "张三"), ("纠纷调解岗", "（无人在岗）")}
    first = rows(r)[0]
    assert first[0] == "文化东路社区党委" and first[6] == "文化东路第一楼栋党支部"
    assert first[7].date() == D(2025, 3, 1)


def test_a_period_shows_who_held_a_post_in_it(cast, client_for):
    setup(cast)
    c = client_for(cast.comm_a_sec)
    assert ("治安巡逻岗", "王五") in lines(c.get(f"{URL}?year=2024"))
    assert ("治安巡逻岗", "张三") not in lines(c.get(f"{URL}?year=2024"))
    assert lines(c.get(f"{URL}?from=2024-06-01&to=2025-06-01")) >= {
        ("治安巡逻岗", "王五"),
        ("治安巡逻岗", "张三"),
    }


def test_an_organisation_narrows_the_posts_and_holders(cast, client_for):
    setup(cast)
    c = client_for(cast.street_sec)
    assert {x[2] for x in rows(c.get(URL))} == {"治安巡逻岗", "纠纷调解岗", "团结路宣传岗"}
    assert lines(c.get(f"{URL}?org={cast.comm_a2.pk}")) == {("团结路宣传岗", "赵六")}
    # a branch: its community's posts, with the branch's own members on them
    got = lines(c.get(f"{URL}?org={cast.branch_a_2.pk}&year=2024"))
    assert got == {("治安巡逻岗", "王五"), ("纠纷调解岗", "（无人在岗）")}


def test_another_community_gets_nothing_of_ours(cast, client_for):
    setup(cast)
    c = client_for(cast.comm_b_sec)
    assert c.get(f"{URL}?org={cast.comm_a.pk}").status_code == 404
    assert lines(c.get(URL)) == {("迎宾路岗位", "（无人在岗）")}


def test_it_takes_the_same_queries_for_5_and_50_posts(cast, client_for):
    made: list = []

    def grow(n: int) -> None:
        while len(made) < n:
            p = Post.objects.create(community=cast.comm_a, name=f"岗位{len(made)}")
            hold(p, make_member(org=cast.branch_a), D(2026, 1, 1))
            made.append(p)

    same_queries_at_5_and_50(client_for(cast.comm_a_sec), URL, grow)
