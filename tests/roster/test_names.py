"""Organisation names as sheets write them: normalisation, similarity and the proposal, each rule
at its boundary. Pure functions, no database — except the one selector at the end."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dangjian.roster import names, selectors
from dangjian.roster.names import closest, normalise, similarity


@pytest.mark.parametrize(
    ("written", "register"),
    [
        ("第一楼栋支部", "第一楼栋党支部"),  # 党 left out
        ("文化东路第一楼栋支部", "文化东路社区第一楼栋党支部"),  # 社区 and 党 left out
        ("文化东路 第一楼栋党支部 ", "文化东路第一楼栋党支部"),  # stray spaces
        ("文化东路（社区）第一楼栋党支部", "文化东路社区第一楼栋党支部"),  # punctuation
        ("第1楼栋党支部", "第一楼栋党支部"),  # Arabic number
        ("第１２党支部", "第十二党支部"),  # full-width digits, a two-digit number
        ("第20党支部", "第二十党支部"),
        ("第10党支部", "第十党支部"),
        ("中共文化东路社区委员会", "文化东路社区党委"),  # the formal long form
        ("中国共产党迎宾路社区总支部委员会", "迎宾路社区党总支"),
        ("文化东路离退休支部委员会", "文化东路离退休党支部"),
    ],
)
def test_the_ways_people_write_a_name_normalise_to_the_same(written, register):
    assert normalise(written) == normalise(register)


def test_normalising_keeps_what_tells_names_apart():
    assert normalise("第一楼栋党支部") != normalise("第二楼栋党支部")
    assert normalise("文化东路离退休党支部") == "文化东路离退休支部"
    assert normalise("") == "" and normalise(None) == ""


def test_a_name_that_ends_another_scores_the_suffix_score_from_three_characters_on():
    # the community's name left out in front
    assert similarity("第一楼栋支部", "文化东路第一楼栋支部") == names.SUFFIX_SCORE
    assert similarity("离退休支部", "文化东路离退休支部") == names.SUFFIX_SCORE
    assert len("一支部") == names.SUFFIX_MIN
    assert similarity("一支部", "文化东路一支部") == names.SUFFIX_SCORE
    # two characters are too few: 支部 ends every branch's name
    assert similarity("支部", "文化东路离退休支部") < names.THRESHOLD


def test_different_numbers_are_never_alike_however_alike_the_rest():
    assert similarity("第一楼栋支部", "第二楼栋支部") == names.OTHER_NUMBER_SCORE
    assert names.OTHER_NUMBER_SCORE < names.THRESHOLD
    assert similarity("第一楼栋支部", "文化东路第十一楼栋支部") == names.OTHER_NUMBER_SCORE
    # a number on one side only is no contradiction
    assert similarity("楼栋支部", "第一楼栋支部") == names.SUFFIX_SCORE


def test_identical_and_empty_names():
    assert similarity("文化东路委", "文化东路委") == 1.0
    assert similarity("", "文化东路委") == 0.0 and similarity("文化东路委", "") == 0.0


def _orgs(*names_):
    return [(SimpleNamespace(name=n), (n,)) for n in names_]


def test_a_match_at_the_threshold_is_proposed_and_one_just_below_is_not():
    # difflib: 2 × 3 matching of 5 + 5 characters = 0.6 exactly
    assert similarity("甲乙丙丁戊", "甲乙丙己庚") == names.THRESHOLD
    assert closest("甲乙丙丁戊", _orgs("甲乙丙己庚")).name == "甲乙丙己庚"
    # 2 × 3 of 5 + 6 = 0.545…
    assert similarity("甲乙丙丁戊", "甲乙丙己庚辛") < names.THRESHOLD
    assert closest("甲乙丙丁戊", _orgs("甲乙丙己庚辛")) is None


def test_the_best_match_is_proposed_and_a_tie_is_not():
    orgs = _orgs("文化东路第一楼栋党支部", "文化东路离退休党支部", "迎宾路第一党支部")
    assert closest("第一楼栋支部", orgs).name == "文化东路第一楼栋党支部"
    assert closest("离退休支部", orgs).name == "文化东路离退休党支部"
    # 楼栋支部 ends both 第一楼栋 and 第二楼栋: which one is a guess, so none is proposed
    assert closest("楼栋支部", _orgs("第一楼栋党支部", "第二楼栋党支部")) is None
    assert closest("毫不相干", orgs) is None
    assert closest("", orgs) is None


def test_the_short_name_counts_too(cast):
    cast.branch_a_2.short_name = "老干部支部"
    cast.branch_a_2.save(update_fields=["short_name"])
    targets = list(selectors.import_targets(user=cast.comm_a_sec, org=cast.comm_a))
    assert selectors.suggest("老干部党支部", targets) == cast.branch_a_2
    assert selectors.suggest("第一楼栋支部", targets) == cast.branch_a


def test_only_organisations_the_user_may_change_are_targets(cast):
    mine = set(selectors.import_targets(user=cast.comm_a_sec, org=cast.comm_a))
    assert mine == {cast.comm_a, cast.branch_a, cast.branch_a_2}  # the group holds no members
    assert not selectors.import_targets(user=cast.comm_b_sec, org=cast.comm_a).exists()
    assert set(selectors.import_targets(user=cast.branch_sec, org=cast.comm_a)) == {cast.branch_a}
