"""What needs attention about a member who is away, at the rules' boundaries."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from dangjian.core import rules
from dangjian.mobility import checks

D = dt.date
TODAY = D(2026, 11, 24)


@pytest.fixture
def r():
    return checks.FollowRules.for_org(None)


def outbound(**kw):
    base = {
        "state": "out",
        "left_on": D(2026, 10, 1),
        "card_no": "LD001",
        "card_valid_until": D(2027, 10, 1),
        "last_contact_on": TODAY,
    }
    return SimpleNamespace(**(base | kw))


def codes(o, r, today=TODAY):
    return [a.code for a in checks.alerts(o, today=today, r=r)]


def test_the_numbers_come_from_the_rules_table(r):
    assert r.card_warn_days == rules.value("member.mobile_followup", "card_warn_days")
    assert r.max_absence_months == rules.value("member.mobile_card", "max_absence_months") == 6


def test_a_card_expiring_exactly_the_warning_days_away_is_warned_about_and_one_more_is_not(r):
    n = r.card_warn_days
    assert codes(outbound(card_valid_until=TODAY + dt.timedelta(days=n)), r) == ["card_expiring"]
    assert codes(outbound(card_valid_until=TODAY + dt.timedelta(days=n + 1)), r) == []


def test_a_card_valid_until_today_is_expiring_and_until_yesterday_is_expired(r):
    (a,) = checks.alerts(outbound(card_valid_until=TODAY), today=TODAY, r=r)
    assert a.code == "card_expiring" and "还有 0 天" in a.message
    (a,) = checks.alerts(outbound(card_valid_until=TODAY - dt.timedelta(days=1)), today=TODAY, r=r)
    assert a.code == "card_expired" and a.level == checks.DANGER and "2026-11-23" in a.message


def test_a_member_without_a_card_is_reminded(r):
    assert codes(outbound(card_no="", card_valid_until=None), r) == ["no_card"]


def test_an_absence_of_exactly_six_months_is_within_the_card_and_a_day_more_is_flagged(r):
    assert codes(outbound(left_on=D(2026, 5, 24)), r) == []
    assert codes(outbound(left_on=D(2026, 5, 23)), r) == ["long_absence"]


def test_month_ends_are_clamped_when_counting_months():
    assert checks.add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert checks.add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert checks.add_months(D(2026, 1, 15), -13) == D(2024, 12, 15)


def test_no_contact_for_exactly_the_rule_months_is_fine_and_a_day_more_is_flagged(r):
    m = r.contact_every_months
    last = checks.add_months(TODAY, -m)
    assert codes(outbound(last_contact_on=last), r) == []
    assert codes(outbound(last_contact_on=last - dt.timedelta(days=1)), r) == ["no_contact"]


def test_without_any_contact_the_months_count_from_the_day_they_left(r):
    (a,) = checks.alerts(outbound(last_contact_on=None, left_on=D(2026, 8, 23)), today=TODAY, r=r)
    assert a.code == "no_contact" and "还没有联系记录" in a.message
    assert codes(outbound(last_contact_on=None, left_on=D(2026, 8, 24)), r) == []


def test_a_member_who_is_back_needs_nothing(r):
    o = outbound(state="returned", card_valid_until=D(2020, 1, 1), last_contact_on=None)
    assert codes(o, r) == []


def test_a_locality_can_change_the_warning_days(settings):
    settings.DANGJIAN_RULES = {"default": {"member.mobile_followup": {"card_warn_days": 10}}}
    rules.reset_cache()
    try:
        r = checks.FollowRules.for_org(None)
        assert codes(outbound(card_valid_until=TODAY + dt.timedelta(days=11)), r) == []
        assert codes(outbound(card_valid_until=TODAY + dt.timedelta(days=10)), r) == [
            "card_expiring"
        ]
    finally:
        rules.reset_cache()


def test_the_todo_counts_the_absences_needing_attention(cast):
    from dangjian.mobility.todos import todos

    from .conftest import make_outbound

    on = dt.date(2026, 11, 15)
    make_outbound(
        cast.member_a,
        left_on=dt.date(2026, 9, 1),
        card_no="A",
        card_issued_on=dt.date(2026, 9, 1),
        card_valid_until=dt.date(2026, 12, 1),  # within 30 days of the 15th: expiring
    )
    (item,) = todos(user=cast.comm_a_sec, org=cast.comm_a, today=on)
    assert item.count == 1 and item.url == f"/mobility/?org={cast.comm_a.pk}&warn=1"
    assert todos(user=cast.comm_b_sec, org=cast.comm_b, today=on) == []  # nothing to follow
