"""The list of members away searches its people as the member list does: pinyin, initials,
繁體, either case (``members.selectors.search_filter``)."""

from __future__ import annotations

from dangjian.mobility.selectors import outbounds_visible
from tests.factories import make_member

from .conftest import make_outbound


def test_a_pinyin_query_finds_the_member_away(cast):
    away = make_outbound(make_member(org=cast.branch_a, name="諸葛建國"))
    make_outbound(make_member(org=cast.branch_a, name="王建国"))
    for q in ("zhuge", "ZHUGEJIAN", "zgjg", "诸葛", "諸葛建"):
        assert [o.pk for o in outbounds_visible(user=cast.comm_a_sec, q=q)] == [away.pk], q
    assert len(outbounds_visible(user=cast.comm_a_sec, q="jianguo")) == 2
    assert not outbounds_visible(user=cast.comm_b_sec, q="zhuge").exists()
