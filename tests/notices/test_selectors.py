"""What a member sees: the notices to their organisation or one above it, for all members or a
category they are in — not a sibling branch's, not another community's, not public ones."""

from __future__ import annotations

from dangjian.members.models import Category
from dangjian.notices.models import Audience
from dangjian.notices.selectors import for_member, notices_visible

from .conftest import TODAY, days, post


def test_a_branch_member_sees_the_communitys_and_their_branchs_notices_only(cast):
    whole = post(cast, title="全社区")
    mine = post(cast, to_org=cast.branch_a, title="本支部")
    sibling = post(cast, to_org=cast.branch_a_2, title="离退休支部")
    other = post(cast, org=cast.comm_b, user=cast.comm_b_sec, title="乙社区")
    public = post(cast, audience=Audience.PUBLIC, title="公开栏")
    seen = set(for_member(cast.member_a, TODAY))
    assert {whole, mine} == seen
    assert not seen & {sibling, other, public}
    assert set(for_member(cast.member_b, TODAY)) == {other}


def test_the_category_filter(cast):
    retired = post(cast, category=Category.RETIRED, title="离退休党员")
    working = post(cast, category=Category.IN_SERVICE, title="在职党员")
    seen = set(for_member(cast.member_a, TODAY))  # 张三 is retired
    assert retired in seen and working not in seen


def test_only_current_notices_reach_the_member(cast):
    later = post(cast, publish_on=days(1))
    gone = post(cast, publish_on=days(-5), withdraw_on=TODAY)
    now = post(cast, publish_on=days(-5), withdraw_on=days(1))
    assert set(for_member(cast.member_a, TODAY)) == {now}
    assert later in for_member(cast.member_a, days(1))
    assert gone in for_member(cast.member_a, days(-1))


def test_the_secretarys_list_filters_by_state_audience_and_org(cast):
    cur = post(cast, title="显示中")
    pend = post(cast, publish_on=days(3), title="待发布")
    gone = post(cast, publish_on=days(-3), withdraw_on=TODAY, title="已撤下")
    pub = post(cast, org=cast.branch_a, audience=Audience.PUBLIC, title="支部公开")
    post(cast, org=cast.comm_b, user=cast.comm_b_sec, title="乙社区")
    u = cast.comm_a_sec
    assert set(notices_visible(user=u, today=TODAY)) == {cur, pend, gone, pub}
    assert set(notices_visible(user=u, today=TODAY, state="current")) == {cur, pub}
    assert set(notices_visible(user=u, today=TODAY, state="pending")) == {pend}
    assert set(notices_visible(user=u, today=TODAY, state="withdrawn")) == {gone}
    assert set(notices_visible(user=u, today=TODAY, audience="public")) == {pub}
    assert set(notices_visible(user=u, today=TODAY, org=cast.branch_a)) == {pub}
    assert list(notices_visible(user=u, today=TODAY, sort="old"))[0] == gone
    assert list(notices_visible(user=u, today=TODAY, sort="new"))[0] == pend
