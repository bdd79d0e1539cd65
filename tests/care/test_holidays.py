"""The holiday calendar behind rule care.holiday_visit: breaks as people live them, the visiting
window from lead_days before a break to its last day (both ends included), and which holiday a
visit on a given date counts for."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.care import holidays
from dangjian.core import rules

D = dt.date


def _break(year, key):
    return next(b for b in holidays.breaks(year) if b.key == key)


def test_breaks_follow_the_published_schedule_and_join_weekends():
    # 2025: 除夕 on Tuesday 28 January, the break to Tuesday 4 February (the schedule of 2025)
    assert (_break(2025, "spring_festival").start, _break(2025, "spring_festival").end) == (
        D(2025, 1, 28),
        D(2025, 2, 4),
    )
    # 2025: 中秋 (6 October) fell inside the National Day week, so it begins with it
    assert _break(2025, "mid_autumn").start == D(2025, 10, 1)
    assert _break(2025, "national_day").end == D(2025, 10, 8)


def test_a_year_whose_schedule_is_not_out_yet_still_has_its_festivals():
    # 2027's schedule is published late in 2026; the lunar festivals are known all the same
    assert _break(2027, "spring_festival").start == D(2027, 2, 5)  # 除夕
    assert _break(2027, "mid_autumn").start == D(2027, 9, 15)
    assert _break(2027, "new_year").start == D(2027, 1, 1)
    assert [b.label for b in holidays.breaks(2027)] == [
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
    ]


def test_the_visiting_window_opens_lead_days_before_the_break():
    lead = rules.value("care.holiday_visit", "lead_days")
    start = D(2027, 1, 1)
    assert [p.brk.title for p in holidays.open_now(today=start - dt.timedelta(days=lead))] == [
        "2027年元旦"
    ]
    assert holidays.open_now(today=start - dt.timedelta(days=lead + 1)) == []


def test_the_window_closes_after_the_last_day_off():
    end = _break(2026, "national_day").end
    assert [p.brk.key for p in holidays.open_now(today=end)] == ["national_day"]
    assert holidays.open_now(today=end + dt.timedelta(days=1)) == []


def test_upcoming_lists_the_next_holidays_across_the_new_year():
    titles = [p.brk.title for p in holidays.upcoming(today=D(2026, 12, 5), count=3)]
    assert titles == ["2027年元旦", "2027年春节", "2027年清明节"]


def test_a_locality_may_drop_a_holiday_and_change_the_lead(settings, tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(
        '{"default": {"care.holiday_visit": {"lead_days": 14, "holidays": ["spring_festival"]}}}',
        encoding="utf-8",
    )
    settings.DANGJIAN_RULES_FILE = str(path)
    rules.reset_cache()
    try:
        (p,) = holidays.upcoming(today=D(2026, 12, 5), count=1)
        assert p.brk.key == "spring_festival" and p.visit_from == D(2027, 1, 22)
    finally:
        rules.reset_cache()


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2026, 11, 17), D(2027, 1, 1)),  # 45 days before: counts
        (D(2026, 11, 16), None),  # 46 days before: too early
        (D(2027, 1, 18), D(2027, 1, 1)),  # 15 days after the last day off (3 January)
        (D(2027, 1, 19), None),
    ],
)
def test_a_visit_counts_for_the_holiday_whose_break_is_near(on, expected):
    found = holidays.occurrence("new_year", on)
    assert (found.start if found else None) == expected
