"""The notices part of the demo, run on the test cast: public notices on the board (one already
withdrawn) and notices to the whole community, a branch and the retired members."""

from __future__ import annotations

import random

from django.utils import timezone

from dangjian.demo.county import Community, Demo
from dangjian.demo.notices_demo import build
from dangjian.notices.models import Audience, Notice
from dangjian.notices.selectors import for_member, public_for

from .conftest import TODAY


def test_the_demo_posts_public_and_member_notices_for_every_community(cast):
    demo = Demo(
        cast.county,
        [cast.street_a],
        [
            Community(
                spec=None,
                town=cast.street_a,
                org=cast.comm_a,
                branches=[cast.branch_a, cast.branch_a_2],
            )
        ],
        cast.admin,
        timezone.localdate(),
        random.Random(1),
    )
    build(demo)
    public = Notice.objects.filter(audience=Audience.PUBLIC)
    assert public.count() == 3
    shown = list(public_for(cast.comm_a, TODAY))
    assert len(shown) == 2 and "老旧小区改造意见征集" in {n.title for n in shown}
    members = Notice.objects.filter(audience=Audience.MEMBERS)
    assert {(n.to_org, n.category) for n in members} == {
        (cast.comm_a, ""),
        (cast.branch_a, ""),
        (cast.comm_a, "retired"),
    }
    assert len(list(for_member(cast.member_a, TODAY))) == 3  # 张三: branch_a, retired
