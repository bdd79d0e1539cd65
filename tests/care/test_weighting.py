"""The mutual-aid weighting (rule care.aid_weighting, seed 002 “党员互助金要重点向有发展项目的社区
困难党员倾斜”): shares by the rule, the fund divided to the fen, always adding up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dangjian.care.weighting import Weights, divide
from dangjian.core import rules


def test_a_member_with_a_project_gets_the_project_weight():
    w = Weights.for_org()
    assert (w.project, w.difficulty) == (
        rules.value("care.aid_weighting", "project_weight"),
        rules.value("care.aid_weighting", "difficulty_weight"),
    )
    assert w.shares(has_project=True) == 2 and w.shares(has_project=False) == 1


def test_one_with_a_project_and_two_without_split_a_thousand_500_250_250():
    assert divide(Decimal("1000"), [2, 1, 1]) == [
        Decimal("500.00"),
        Decimal("250.00"),
        Decimal("250.00"),
    ]


@pytest.mark.parametrize(
    ("fund", "shares"),
    [
        ("100", [1, 1, 1]),
        ("0.01", [1, 1, 1]),
        ("1000.01", [2, 2, 1, 1, 1]),
        ("9999.99", [2] * 7 + [1] * 13),
    ],
)
def test_the_parts_add_up_to_the_fund_to_the_fen(fund, shares):
    parts = divide(Decimal(fund), shares)
    assert sum(parts) == Decimal(fund)
    assert all(p == p.quantize(Decimal("0.01")) for p in parts)
    # proportional within one fen
    total = sum(shares)
    for p, s in zip(parts, shares, strict=True):
        assert abs(p - Decimal(fund) * s / total) < Decimal("0.01")


def test_a_fen_left_over_goes_to_the_first_of_equals():
    assert divide(Decimal("100"), [1, 1, 1]) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]


def test_nobody_to_share_with_gives_nothing():
    assert divide(Decimal("100"), []) == []
