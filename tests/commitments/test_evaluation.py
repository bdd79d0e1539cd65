"""分层评诺: the combination of the tiers by the rules' weights, the grade boundaries, and who
may rate — once each."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.commitments import evaluation as ev
from dangjian.commitments.models import Rating, State
from dangjian.commitments.services_rating import rate, rate_as_resident, result_for
from dangjian.core import rules
from tests.factories import make_member

from .factories import draft, put_in

NUMBERS = rules.get("commitment.evaluation").values


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (Decimal("100"), "优秀"),
        (Decimal("90.0"), "优秀"),
        (Decimal("89.9"), "合格"),
        (Decimal("75.0"), "合格"),
        (Decimal("74.9"), "基本合格"),
        (Decimal("60.0"), "基本合格"),
        (Decimal("59.9"), "不合格"),
        (Decimal("0"), "不合格"),
    ],
)
def test_grades_at_their_boundaries(score, grade):
    assert ev.grade_for(score, NUMBERS) == grade


def test_all_four_tiers_are_weighted_as_the_rules_say():
    r = ev.combine(
        {"self": [100], "peer": [80, 90], "resident": [70, 80, 90], "org": [90]}, NUMBERS
    )
    # 100×0.1 + 85×0.3 + 80×0.3 + 90×0.3 = 86.5
    assert (r.score, r.grade) == (Decimal("86.5"), "合格")
    assert [(t.tier, t.count, t.mean) for t in r.tiers] == [
        ("self", 1, Decimal("100.0")),
        ("peer", 2, Decimal("85.0")),
        ("resident", 3, Decimal("80.0")),
        ("org", 1, Decimal("90.0")),
    ]


def test_an_unrated_tier_does_not_count_against_the_member():
    r = ev.combine({"self": [90], "peer": [90], "org": [90]}, NUMBERS)
    assert r.score == Decimal("90.0") and r.grade == "优秀"
    assert next(t for t in r.tiers if t.tier == "resident").weight == 0


def test_nothing_rated_gives_no_score():
    assert ev.combine({}, NUMBERS).score is None


def test_weights_follow_a_locality_override(settings, tmp_path):
    import json

    f = tmp_path / "rules.json"
    weights = {"self": 0, "peer": 0, "resident": 0.5, "org": 0.5}
    f.write_text(json.dumps({"default": {"commitment.evaluation": {"weights": weights}}}))
    settings.DANGJIAN_RULES_FILE = str(f)
    rules.reset_cache()
    try:
        numbers = {k: rules.value("commitment.evaluation", k) for k in NUMBERS}
        r = ev.combine({"self": [0], "peer": [0], "resident": [80], "org": [100]}, numbers)
        assert r.score == Decimal("90.0")
    finally:
        settings.DANGJIAN_RULES_FILE = ""
        rules.reset_cache()


def test_self_peer_and_organisation_rate_once_each(cast):
    c = put_in(draft(cast), State.EVALUATING)
    peer_user = cast.branch_sec
    peer = make_member(org=cast.branch_a, name="赵六")
    type(peer).objects.filter(pk=peer.pk).update(user=peer_user)
    from dangjian.core.access import forget_scope

    forget_scope(peer_user)
    rate(c, tier="self", acting_user=cast.member_user, score=90)
    rate(c, tier="peer", acting_user=peer_user, score=80)
    rate(c, tier="org", acting_user=cast.comm_a_sec, score=85)
    for tier, user in (("self", cast.member_user), ("peer", peer_user), ("org", cast.branch_sec)):
        with pytest.raises(ValidationError, match="只能评价一次"):
            rate(c, tier=tier, acting_user=user, score=100)
    assert Rating.objects.filter(commitment=c).count() == 3
    assert result_for(c).score == Decimal(str(round((90 * 0.1 + 80 * 0.3 + 85 * 0.3) / 0.7, 1)))


@pytest.mark.parametrize(
    ("tier", "user"),
    [
        ("self", "branch_sec"),
        ("peer", "member_user"),  # not one's own commitment
        ("peer", "comm_b_sec"),
        ("org", "comm_b_sec"),
        ("org", "member_user"),
    ],
)
def test_nobody_rates_in_anothers_place(cast, tier, user):
    c = put_in(draft(cast), State.EVALUATING)
    with pytest.raises(PermissionDenied):
        rate(c, tier=tier, acting_user=getattr(cast, user), score=80)
    assert not Rating.objects.exists()


@pytest.mark.parametrize("score", [-1, 101, "九十", "", None])
def test_a_score_outside_0_to_100_is_refused(cast, score):
    c = put_in(draft(cast), State.EVALUATING)
    with pytest.raises(ValidationError, match="0 到 100"):
        rate(c, tier="self", acting_user=cast.member_user, score=score)


def test_ratings_wait_for_the_evaluation(cast):
    c = put_in(draft(cast), State.PUBLISHED)
    with pytest.raises(ValidationError, match="还没有进入评诺"):
        rate(c, tier="self", acting_user=cast.member_user, score=80)


def test_a_resident_rates_once_by_phone_and_the_number_is_not_kept(cast):
    c = put_in(draft(cast), State.PUBLISHED)
    rate_as_resident(c, phone="139 0000 1234", score=95, comment="帮了大忙")
    with pytest.raises(ValidationError, match="已经评价过"):
        rate_as_resident(c, phone="13900001234", score=10)
    rate_as_resident(c, phone="13900005678", score=85)
    assert Rating.objects.filter(commitment=c, tier="resident").count() == 2
    assert not Rating.objects.filter(resident_key__contains="1390000").exists()
    assert result_for(c).score == Decimal("90.0")


@pytest.mark.parametrize("phone", ["1234", "23900001234", "139000012345", ""])
def test_a_resident_without_a_mobile_number_is_asked_for_one(cast, phone):
    c = put_in(draft(cast), State.PUBLISHED)
    with pytest.raises(ValidationError, match="11 位手机号码"):
        rate_as_resident(c, phone=phone, score=90)


@pytest.mark.parametrize("state", [State.DRAFT, State.APPLIED, State.APPROVED, State.EVALUATED])
def test_residents_rate_only_what_is_on_display(cast, state):
    c = put_in(draft(cast), state)
    with pytest.raises(ValidationError, match="不接受居民评价"):
        rate_as_resident(c, phone="13900001234", score=90)
