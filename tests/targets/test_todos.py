"""The 待办 items: an upper organisation sees its communities without a signed letter once the
day of rule ``targets.sign_by`` has come (counted, one query); a community sees its letter
awaiting signature."""

from __future__ import annotations

import datetime as dt

from dangjian.core.access import scope_for
from dangjian.targets.todos import todos

from .conftest import YEAR, draft, sign


def _count(user, org, today):
    items = todos(user=user, org=org, today=today)
    return sum(t.count for t in items)


def test_before_the_signing_date_nothing_is_due(cast):
    assert todos(user=cast.street_sec, org=cast.street_a, today=dt.date(YEAR, 2, 28)) == []


def test_from_the_signing_date_the_street_counts_communities_without_a_signed_letter(
    cast, secretary, django_assert_max_num_queries
):
    on = dt.date(YEAR, 3, 1)
    scope_for(cast.street_sec)  # the user's grants, read once per request by the middleware
    with django_assert_max_num_queries(1):
        assert _count(cast.street_sec, cast.street_a, on) == 2  # 文化东路 and 团结路
    letter = draft(cast)
    assert _count(cast.street_sec, cast.street_a, on) == 2  # a draft is not signed
    sign(cast, letter, secretary)
    assert _count(cast.street_sec, cast.street_a, on) == 1
    # the county counts every community below it; another street's secretary is not asked
    assert _count(cast.admin, cast.county, on) == 2
    assert todos(user=cast.comm_b_sec, org=cast.street_a, today=on) == []


def test_a_locality_moves_the_signing_date(cast, settings):
    from dangjian.core import rules

    settings.DANGJIAN_RULES = {"default": {"targets.sign_by": {"month": 4, "day": 15}}}
    rules.reset_cache()
    try:
        assert todos(user=cast.street_sec, org=cast.street_a, today=dt.date(YEAR, 4, 14)) == []
        assert _count(cast.street_sec, cast.street_a, dt.date(YEAR, 4, 15)) == 2
    finally:
        settings.DANGJIAN_RULES = None
        rules.reset_cache()


def test_a_community_sees_its_letter_awaiting_signature(cast, secretary):
    on = dt.date(YEAR, 2, 1)
    assert _count(cast.comm_a_sec, cast.comm_a, on) == 0
    letter = draft(cast)
    (item,) = todos(user=cast.comm_a_sec, org=cast.comm_a, today=on)
    assert item.count == 1 and "待签订" in item.label
    sign(cast, letter, secretary)
    assert _count(cast.comm_a_sec, cast.comm_a, on) == 0
    assert _count(cast.comm_b_sec, cast.comm_b, on) == 0
