"""The timing rules of member development at every boundary (pure functions, no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pytest

from dangjian.core import rules
from dangjian.development import timing
from dangjian.development.models import Stage
from dangjian.development.timing import BLOCK, INFO, SERIOUS, WARN, DevRules

D = dt.date


@pytest.fixture
def r() -> DevRules:
    return DevRules.for_org(None)


def levels(findings):
    return [f.level for f in findings]


# ---- the numbers and their enforcement come from the rules table ---------------------------
def test_the_numbers_are_those_of_the_rules_table(r):
    assert r.min_age == rules.value("dev.min_age", "years")
    assert r.talk_days == rules.value("dev.applicant_talk", "within_days")
    assert r.activist_years == rules.value("dev.activist_period", "min_years")
    assert (r.training_days, r.training_hours) == (
        rules.value("dev.candidate_training", "min_days"),
        rules.value("dev.candidate_training", "min_hours"),
    )
    assert r.approval_months == rules.value("dev.approval", "within_months")
    assert r.approval_max_months == rules.value("dev.approval", "max_months")
    assert r.probation_years == rules.value("dev.probation", "years")


@pytest.mark.parametrize(
    ("rule_id", "attr"),
    [
        ("dev.min_age", "min_age_level"),
        ("dev.applicant_talk", "talk_level"),
        ("dev.activist_period", "activist_level"),
        ("dev.candidate_training", "training_level"),
        ("dev.approval", "approval_level"),
        ("dev.probation", "probation_level"),
        ("dev.probation_extension", "extension_level"),
    ],
)
def test_each_level_follows_the_rules_enforcement_field(r, rule_id, attr):
    expected = BLOCK if rules.get(rule_id).enforcement == "block" else WARN
    assert getattr(r, attr) == expected


def test_a_rule_set_to_warn_only_warns(r):
    lenient = dataclasses.replace(r, activist_level=WARN)
    found = timing.check_activist_period(
        activist_on=D(2024, 3, 1), candidate_on=D(2024, 6, 1), r=lenient
    )
    assert levels(found) == [WARN]


def test_a_locality_override_changes_the_numbers(settings, tmp_path, r):
    path = tmp_path / "rules.json"
    path.write_text('{"default": {"dev.applicant_talk": {"within_days": 15}}}', encoding="utf-8")
    settings.DANGJIAN_RULES_FILE = str(path)
    rules.reset_cache()
    try:
        local = DevRules.for_org(None)
        assert local.talk_days == 15
        assert timing.check_talk(applied_on=D(2026, 3, 1), talked_on=D(2026, 3, 17), r=local)
    finally:
        settings.DANGJIAN_RULES_FILE = None
        rules.reset_cache()


# ---- calendar arithmetic ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
        (D(2024, 5, 10), 0, D(2024, 5, 10)),
    ],
)
def test_months_end_on_the_same_day_or_the_last_of_a_shorter_month(day, months, expected):
    assert timing.add_months(day, months) == expected


# ---- dev.min_age: 18 on the day of applying -----------------------------------------------
def test_applying_on_the_18th_birthday_is_allowed(r):
    assert timing.check_age(birth_date=D(2008, 5, 1), applied_on=D(2026, 5, 1), r=r) == []


def test_applying_the_day_before_the_18th_birthday_is_blocked(r):
    found = timing.check_age(birth_date=D(2008, 5, 1), applied_on=D(2026, 4, 30), r=r)
    assert levels(found) == [BLOCK]
    assert found[0].rule == "dev.min_age"
    assert "未满 18 周岁" in found[0].message and "2026年5月1日" in found[0].message


def test_born_on_29_february_is_of_age_on_28_february_of_a_common_year(r):
    assert timing.check_age(birth_date=D(2008, 2, 29), applied_on=D(2026, 2, 28), r=r) == []
    assert levels(timing.check_age(birth_date=D(2008, 2, 29), applied_on=D(2026, 2, 27), r=r)) == [
        BLOCK
    ]


# ---- dev.applicant_talk: within a month (30 days) ----------------------------------------
def test_a_talk_on_day_30_after_applying_is_on_time(r):
    assert timing.check_talk(applied_on=D(2026, 3, 1), talked_on=D(2026, 3, 31), r=r) == []


def test_a_talk_on_day_31_after_applying_is_a_warning(r):
    found = timing.check_talk(applied_on=D(2026, 3, 1), talked_on=D(2026, 4, 1), r=r)
    assert levels(found) == [WARN]
    assert found[0].rule == "dev.applicant_talk"
    assert "晚了 1 天" in found[0].message


def test_a_talk_on_the_day_of_applying_is_on_time(r):
    assert timing.check_talk(applied_on=D(2026, 3, 1), talked_on=D(2026, 3, 1), r=r) == []


def test_the_talk_window_crosses_29_february(r):
    assert timing.talk_due(applied_on=D(2024, 2, 10), r=r) == D(2024, 3, 11)
    assert timing.talk_due(applied_on=D(2025, 2, 10), r=r) == D(2025, 3, 12)


# ---- dev.activist_period: at least one year -----------------------------------------------
def test_becoming_a_candidate_exactly_one_year_after_activist_is_allowed(r):
    assert (
        timing.check_activist_period(activist_on=D(2024, 3, 1), candidate_on=D(2025, 3, 1), r=r)
        == []
    )


def test_becoming_a_candidate_one_day_short_of_a_year_is_blocked(r):
    found = timing.check_activist_period(
        activist_on=D(2024, 3, 1), candidate_on=D(2025, 2, 28), r=r
    )
    assert levels(found) == [BLOCK]
    assert "2025年3月1日起才能列为发展对象" in found[0].message


def test_an_activist_of_29_february_may_become_a_candidate_on_28_february(r):
    assert timing.candidate_from(activist_on=D(2024, 2, 29), r=r) == D(2025, 2, 28)
    assert (
        timing.check_activist_period(activist_on=D(2024, 2, 29), candidate_on=D(2025, 2, 28), r=r)
        == []
    )
    assert timing.check_activist_period(
        activist_on=D(2024, 2, 29), candidate_on=D(2025, 2, 27), r=r
    )


# ---- dev.candidate_training: 3 days or 24 hours before admission --------------------------
@pytest.mark.parametrize(
    ("days", "hours", "ok"),
    [(3, None, True), (None, 24, True), (2, 23, False), (2, 24, True), (3, 0, True), (0, 0, False)],
)
def test_training_of_three_days_or_24_hours_is_enough(r, days, hours, ok):
    found = timing.check_training(
        days=days, hours=hours, completed_on=D(2024, 4, 1), admitted_on=D(2024, 5, 1), r=r
    )
    assert (found == []) is ok
    if not ok:
        assert levels(found) == [r.training_level]


def test_no_training_blocks_admission(r):
    found = timing.check_training(
        days=None, hours=None, completed_on=None, admitted_on=D(2024, 5, 1), r=r
    )
    assert levels(found) == [BLOCK] and found[0].rule == "dev.candidate_training"


def test_training_finished_on_the_day_of_admission_is_allowed_but_not_after(r):
    kw = {"days": 3, "hours": None, "admitted_on": D(2024, 5, 1), "r": r}
    assert timing.check_training(completed_on=D(2024, 5, 1), **kw) == []
    assert levels(timing.check_training(completed_on=D(2024, 5, 2), **kw)) == [BLOCK]


# ---- dev.approval: 3 months, at most 6 ----------------------------------------------------
def test_approval_on_the_last_day_of_three_months_is_on_time(r):
    assert timing.check_approval(admitted_on=D(2024, 5, 10), approved_on=D(2024, 8, 10), r=r) == []


def test_approval_a_day_after_three_months_is_a_warning(r):
    found = timing.check_approval(admitted_on=D(2024, 5, 10), approved_on=D(2024, 8, 11), r=r)
    assert levels(found) == [WARN] and found[0].rule == "dev.approval"


def test_approval_on_the_last_day_of_six_months_is_still_only_a_warning(r):
    found = timing.check_approval(admitted_on=D(2024, 5, 10), approved_on=D(2024, 11, 10), r=r)
    assert levels(found) == [WARN]


def test_approval_after_six_months_is_serious(r):
    found = timing.check_approval(admitted_on=D(2024, 5, 10), approved_on=D(2024, 11, 11), r=r)
    assert levels(found) == [SERIOUS]
    assert "最长" in found[0].message


def test_approval_months_from_the_end_of_a_month(r):
    # admitted 30 November: three months end on 28 February (no 30 February)
    assert timing.approval_due(admitted_on=D(2024, 11, 30), r=r) == (D(2025, 2, 28), D(2025, 5, 30))
    assert timing.check_approval(admitted_on=D(2024, 11, 30), approved_on=D(2025, 2, 28), r=r) == []
    assert timing.check_approval(admitted_on=D(2024, 11, 30), approved_on=D(2025, 3, 1), r=r)


# ---- dev.probation: 转正 on the anniversary -----------------------------------------------
def test_full_membership_on_the_anniversary_of_admission_is_allowed(r):
    assert (
        timing.check_full(
            admitted_on=D(2024, 5, 10), full_on=D(2025, 5, 10), extended_until=None, r=r
        )
        == []
    )


def test_full_membership_the_day_before_the_anniversary_is_blocked(r):
    found = timing.check_full(
        admitted_on=D(2024, 5, 10), full_on=D(2025, 5, 9), extended_until=None, r=r
    )
    assert levels(found) == [BLOCK] and found[0].rule == "dev.probation"
    assert "2025年5月10日起才能讨论转正" in found[0].message


def test_a_probation_from_29_february_ends_on_28_february(r):
    kw = {"admitted_on": D(2024, 2, 29), "extended_until": None, "r": r}
    assert timing.check_full(full_on=D(2025, 2, 28), **kw) == []
    assert levels(timing.check_full(full_on=D(2025, 2, 27), **kw)) == [BLOCK]


def test_full_membership_after_the_anniversary_is_noted_not_refused(r):
    found = timing.check_full(
        admitted_on=D(2024, 5, 10), full_on=D(2025, 6, 1), extended_until=None, r=r
    )
    assert levels(found) == [INFO]


def test_an_extended_probation_ends_on_the_day_it_was_extended_to(r):
    kw = {"admitted_on": D(2024, 5, 10), "extended_until": D(2025, 11, 10), "r": r}
    assert levels(timing.check_full(full_on=D(2025, 5, 10), **kw)) == [BLOCK]
    assert levels(timing.check_full(full_on=D(2025, 11, 9), **kw)) == [BLOCK]
    assert timing.check_full(full_on=D(2025, 11, 10), **kw) == []


# ---- dev.probation_extension: 6 to 12 months ----------------------------------------------
@pytest.mark.parametrize(
    ("until", "ok"),
    [
        (D(2025, 11, 10), True),  # exactly six months
        (D(2025, 11, 9), False),  # a day short
        (D(2026, 5, 10), True),  # exactly a year
        (D(2026, 5, 11), False),  # a day too long
    ],
)
def test_an_extension_runs_six_months_to_a_year(r, until, ok):
    found = timing.check_extension(admitted_on=D(2024, 5, 10), until=until, r=r)
    assert (found == []) is ok
    if not ok:
        assert levels(found) == [r.extension_level] and found[0].rule == "dev.probation_extension"


def test_an_extension_of_a_probation_from_29_february(r):
    assert timing.extension_bounds(admitted_on=D(2024, 2, 29), r=r) == (
        D(2025, 8, 28),
        D(2026, 2, 28),
    )


# ---- what is due next ------------------------------------------------------------------------
def person(**kw):
    base = dict(
        stage=Stage.APPLICANT,
        applied_on=D(2026, 5, 4),
        talked_on=None,
        activist_on=None,
        candidate_on=None,
        introducer_1_label="",
        introducer_2_label="",
        review_done_on=None,
        training_completed_on=None,
        training_days=None,
        training_hours=None,
        notice_to=None,
        admitted_on=None,
        approved_on=None,
        probation_extended_until=None,
    )
    base.update(kw)
    return SimpleNamespace(**base)


def test_an_applicant_is_due_a_talk_within_a_month(r):
    due = timing.next_due(person(), today=D(2026, 5, 20), r=r)
    assert due.text == "6月3日前谈话" and due.on == D(2026, 6, 3) and not due.overdue
    assert not timing.next_due(person(), today=D(2026, 6, 3), r=r).overdue
    assert timing.next_due(person(), today=D(2026, 6, 4), r=r).overdue


def test_an_activist_may_become_a_candidate_from_the_anniversary(r):
    p = person(stage=Stage.ACTIVIST, activist_on=D(2026, 5, 1))
    assert timing.next_due(p, today=D(2026, 11, 23), r=r).text == "2027年5月1日起可列为发展对象"


def test_a_probationary_member_is_due_approval_then_full_membership(r):
    p = person(stage=Stage.PROBATIONARY, admitted_on=D(2026, 5, 1))
    due = timing.next_due(p, today=D(2026, 8, 2), r=r)
    assert due.text == "8月1日前报上级党委审批" and due.overdue
    p.approved_on = D(2026, 6, 1)
    assert timing.next_due(p, today=D(2026, 11, 23), r=r).text == "2027年5月1日起可讨论转正"
    late = timing.next_due(p, today=D(2027, 5, 2), r=r)
    assert late.overdue and "届满" in late.text


def test_a_candidate_lists_what_is_missing_before_admission(r):
    p = person(stage=Stage.CANDIDATE, candidate_on=D(2026, 5, 1), introducer_1_label="甲")
    text = timing.next_due(p, today=D(2026, 6, 1), r=r).text
    assert text == "待确定入党介绍人、政治审查、集中培训、公示"
