"""Staffing against the quotas of seed 002 (rules staff.county_seat / staff.other_town): one under
and exactly at each quota for both kinds of community; a locality's override changes the
shortfall without code; left workers and those not yet started do not count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.core import rules
from dangjian.orgs.models import Organisation
from dangjian.staff import selectors
from dangjian.staff.models import Staff

TODAY = timezone.localdate()
KEYS = [k for k, _kind, _sub in selectors.QUOTA_KEYS]


def _fill(community, counts: dict[str, int]) -> None:
    """Workers in post so that each quota key has exactly ``counts[key]``."""
    subs = {
        "of_which_family_planning": "family_planning",
        "of_which_social_security": "social_security",
        "of_which_security_info": "security_info",
    }
    for kind in ("admin", "institution"):
        for i in range(counts.get(kind, 0)):
            Staff.objects.create(name=f"{kind}{i}", community=community, kind=kind)
    made = 0
    for key, sub in subs.items():
        for i in range(counts.get(key, 0)):
            Staff.objects.create(
                name=f"{sub}{i}", community=community, kind="public_welfare", sub_post=sub
            )
            made += 1
    for i in range(counts.get("public_welfare", 0) - made):
        Staff.objects.create(name=f"pw{i}", community=community, kind="public_welfare")


def _quota(rule_id: str) -> dict[str, int]:
    return {k: int(rules.value(rule_id, k)) for k in KEYS}


@pytest.mark.parametrize("seat", [True, False], ids=["county_seat", "other_town"])
def test_exactly_at_every_quota_there_is_no_shortfall(cast, seat):
    Organisation.objects.filter(pk=cast.street_a.pk).update(is_county_seat=seat)
    rule_id = selectors.SEAT_RULE if seat else selectors.TOWN_RULE
    _fill(cast.comm_a, _quota(rule_id))
    comm = Organisation.objects.get(pk=cast.comm_a.pk)
    (row,) = selectors.staffing([comm], on=TODAY)
    assert row.county_seat is seat and row.rule_id == rule_id
    assert row.shortfalls == []
    assert row.counts == _quota(rule_id)


@pytest.mark.parametrize("seat", [True, False], ids=["county_seat", "other_town"])
@pytest.mark.parametrize("key", KEYS)
def test_one_under_a_quota_is_a_shortfall_naming_its_rule(cast, seat, key):
    Organisation.objects.filter(pk=cast.street_a.pk).update(is_county_seat=seat)
    rule_id = selectors.SEAT_RULE if seat else selectors.TOWN_RULE
    counts = _quota(rule_id)
    counts[key] -= 1
    if key.startswith("of_which_"):
        counts["public_welfare"] -= 1  # the sub-post worker is one public-welfare worker fewer
    elif key == "public_welfare":
        # the sub-posts add up to the whole quota: one fewer is one fewer of them too
        counts["of_which_security_info"] -= 1
    _fill(cast.comm_a, counts)
    (row,) = selectors.staffing([Organisation.objects.get(pk=cast.comm_a.pk)], on=TODAY)
    short = {s.key: s for s in row.shortfalls}
    assert key in short and short[key].missing == 1
    assert short[key].rule_title == rules.get(rule_id).title
    assert short[key].rule_source == rules.get(rule_id).source


def test_a_locality_override_changes_the_shortfall_without_code(cast, settings):
    _fill(cast.comm_a, _quota(selectors.TOWN_RULE))
    (row,) = selectors.staffing([cast.comm_a], on=TODAY)
    assert row.shortfalls == []
    default_admin = rules.value(selectors.TOWN_RULE, "admin")
    settings.DANGJIAN_RULES = {"orgs": {cast.street_a.code: {selectors.TOWN_RULE: {"admin": 3}}}}
    rules.reset_cache()
    try:
        (row,) = selectors.staffing([cast.comm_a], on=TODAY)
        (b,) = selectors.staffing([cast.comm_b], on=TODAY)  # another street keeps the default
    finally:
        rules.reset_cache()
    assert [(s.key, s.need) for s in row.shortfalls] == [("admin", 3)]
    assert {s.key: s.need for s in b.shortfalls}["admin"] == default_admin


def test_workers_who_left_or_have_not_started_do_not_count(cast):
    Staff.objects.create(name="已离岗", community=cast.comm_a, kind="admin", left_on=TODAY)
    Staff.objects.create(
        name="下月到岗",
        community=cast.comm_a,
        kind="admin",
        started_on=TODAY + dt.timedelta(days=1),
    )
    Staff.objects.create(
        name="在岗", community=cast.comm_a, kind="admin", started_on=TODAY, left_on=None
    )
    (row,) = selectors.staffing([cast.comm_a], on=TODAY)
    assert row.counts["admin"] == 1


def test_the_rollup_counts_communities_short_at_any_level(cast):
    _fill(cast.comm_a, _quota(selectors.TOWN_RULE))
    rows = selectors.staffing(
        selectors.communities_under(user=cast.admin, org=cast.county), on=TODAY
    )
    total = selectors.rollup(rows)
    assert total.communities == 3 and total.short == 2  # comm_a2 and comm_b have nobody
    assert total.missing["admin"] == 2 * rules.value(selectors.TOWN_RULE, "admin")


def test_staffing_costs_the_same_queries_for_one_and_three_communities(
    cast, django_assert_num_queries
):
    comms = selectors.communities_under(user=cast.admin, org=cast.county)
    with django_assert_num_queries(2):
        selectors.staffing(comms[:1], on=TODAY)
    with django_assert_num_queries(2):
        selectors.staffing(comms, on=TODAY)
