"""The development list finds people by pinyin, initials, 繁體 and either case: candidates keep
their own search key (most are not members yet), folded as the member list's."""

from __future__ import annotations

from dangjian.development.selectors import candidates_visible

from .factories import make_candidate


def test_a_pinyin_query_finds_the_candidate(cast):
    c = make_candidate(org=cast.branch_a, name="司徒雪梅")
    make_candidate(org=cast.branch_a, name="王雪梅")
    for q in ("situ", "SITUXUE", "stxm", "司徒", "司徒雪"):
        assert [x.pk for x in candidates_visible(user=cast.comm_a_sec, q=q)] == [c.pk], q
    assert len(candidates_visible(user=cast.comm_a_sec, q="xuemei")) == 2
    assert not candidates_visible(user=cast.comm_b_sec, q="situ").exists()
