"""The commitments list finds a member's commitments by pinyin and initials as the member list
does (``members.selectors.search_filter``), and still by words of the title."""

from __future__ import annotations

from dangjian.commitments.selectors import commitments_visible
from tests.factories import make_member

from .factories import draft


def test_a_pinyin_query_finds_the_members_commitment(cast):
    mine = draft(cast, member=make_member(org=cast.branch_a, name="上官婉儿"), by=cast.branch_sec)
    other = draft(cast, by=cast.branch_sec, title="每周打扫楼道卫生")  # 张三's
    for q in ("shangguan", "SHANGGUANWAN", "sgwe", "上官", "婉兒"):
        assert [c.pk for c in commitments_visible(user=cast.comm_a_sec, q=q)] == [mine.pk], q
    assert [c.pk for c in commitments_visible(user=cast.comm_a_sec, q="楼道")] == [other.pk]
    assert not commitments_visible(user=cast.comm_b_sec, q="shangguan").exists()
