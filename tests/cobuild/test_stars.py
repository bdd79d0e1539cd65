"""星光榜 proposal: nothing done → the minimum, everything → the maximum, each criterion at its
boundary, criticism notices taking stars off; the reasons name the records."""

from __future__ import annotations

import pytest

from dangjian.cobuild.stars import UnitYear, propose
from dangjian.core import rules

EVERYTHING = UnitYear(
    councils_due=12,
    councils_attended=12,
    deeds=1,
    activities=2,
    volunteer_services=2,
    pledges=3,
    pledges_kept=3,
    criticisms=0,
)
NOTHING = UnitYear(12, 0, 0, 0, 0, 0, 0, 0)


def numbers(rule_id):
    return rules.effective(rule_id)


def test_a_unit_that_did_nothing_gets_one_star():
    p = propose(NOTHING, numbers)
    assert p.stars == 1 and not any(r.met for r in p.reasons)
    assert "出席联席会 0/12 次" in [r.text for r in p.reasons]


def test_a_unit_that_did_everything_gets_five_stars_and_the_reasons_name_the_records():
    p = propose(EVERYTHING, numbers)
    assert p.stars == 5
    assert [r.text for r in p.reasons] == [
        "出席联席会 12/12 次",
        "为社区办实事 1 件（应不少于 1 件）",
        "参加共建活动 2 次（达到 2 次得星）",
        "志愿服务队进社区服务 2 次（应不少于 2 次）",
        "共建协议承诺兑现 3/3 项",
    ]


@pytest.mark.parametrize(
    ("change", "stars"),
    [
        ({"councils_attended": 6}, 5),  # exactly half
        ({"councils_attended": 5}, 4),
        ({"deeds": 0}, 4),
        ({"activities": 1}, 4),
        ({"volunteer_services": 1}, 4),
        ({"pledges_kept": 2}, 4),
        ({"pledges": 0, "pledges_kept": 0}, 4),
        ({"councils_due": 0, "councils_attended": 0}, 4),
    ],
)
def test_each_criterion_at_its_boundary(change, stars):
    from dataclasses import replace

    assert propose(replace(EVERYTHING, **change), numbers).stars == stars


def test_criticism_notices_take_stars_off_but_never_below_one():
    from dataclasses import replace

    p = propose(replace(EVERYTHING, criticisms=2), numbers)
    assert p.stars == 3 and p.reasons[-1].text == "本年度受通报批评 2 次"
    assert propose(replace(NOTHING, criticisms=3), numbers).stars == 1
