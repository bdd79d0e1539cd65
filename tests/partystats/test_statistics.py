"""党内统计 as of a date: the tables count the register as it stood on D (members who have since
left still count), every table adds up to ``register_counts``, and the changes reconcile."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.members.models import EventKind
from dangjian.members.selectors import register_counts, register_on
from dangjian.partystats import selectors
from dangjian.partystats.periods import default_on, half_year_end_before, period_from
from dangjian.partystats.selectors import CHANGE_LINES, statistics

from .conftest import D, S


def _rows(stats, key: str) -> dict[str, int]:
    table = next(t for t in stats.tables if t.key == key)
    return {r.label: r.total for r in table.rows if r.total}


def _register(cast, org, on) -> int:
    return register_counts(register_on(user=cast.admin, org_path=org.path, on=on)).total


def test_every_event_kind_is_on_exactly_one_change_line():
    kinds = [k for line in CHANGE_LINES for k in line.kinds]
    assert sorted(kinds) == sorted(EventKind.values)
    assert len(kinds) == len(set(kinds))


def test_the_tables_count_the_register_as_it_stood_on_the_day(cast, history):
    stats = statistics(org=cast.branch_a_2, on=D, since=S)
    assert stats.register == 6 == _register(cast, cast.branch_a_2, D)
    assert _rows(stats, "gender") == {"男": 3, "女": 3}
    assert _rows(stats, "status") == {"正式党员": 5, "预备党员": 1}
    # 甲期内转入 was born on 30 June 1985: exactly 40 on D, the top of 36–40
    assert _rows(stats, "age") == {
        "30岁及以下": 1,
        "31–35岁": 1,
        "36–40岁": 1,
        "51–55岁": 1,
        "61岁及以上": 2,
    }
    assert _rows(stats, "education") == {
        "研究生": 1,
        "大学本科": 1,
        "大学专科": 1,
        "中专、高中": 1,
        "初中及以下": 1,
        "未填写": 1,
    }
    assert _rows(stats, "ethnicity") == {"汉族": 4, "少数民族": 2, "其中：回族": 1, "其中：满族": 1}
    assert _rows(stats, "occupation") == {
        "在职": 1,
        "务工经商": 1,
        "下岗失业": 1,
        "大学毕业生（未就业）": 1,
        "离退休": 2,
        "其中：流动党员": 1,
        "其中：困难党员": 1,
    }
    # 党龄 from becoming a full member: 2016-07-01 → 8, 1976-06-30 → 49, 1966-07-01 → 58,
    # 2011-07-01 → 13, 1996-06-30 → 29
    assert _rows(stats, "party_age") == {
        "预备党员（不计党龄）": 1,
        "5–10年": 1,
        "11–20年": 1,
        "21–30年": 1,
        "41–50年": 1,
        "50年以上": 1,
    }


def test_members_who_left_after_the_day_are_gone_from_todays_tables(cast, history):
    from django.utils import timezone

    today = timezone.localdate()
    stats = statistics(org=cast.branch_a_2, on=today, since=D)
    # gone: 后转出, 后去世; new: 期后发展
    assert stats.register == 5 == _register(cast, cast.branch_a_2, today)
    ch = {r.key: r for r in stats.changes.rows}
    assert (ch["transfer_out"].removed, ch["death"].removed, ch["registered"].added) == (1, 1, 1)
    assert stats.changes.admitted == 1
    assert stats.changes.reconciles


@pytest.mark.parametrize("org_name", ["branch_a_2", "comm_a", "street_a", "county", "branch_b"])
@pytest.mark.parametrize("on", [S, D, dt.date(2025, 9, 1), dt.date(2025, 12, 31)])
def test_every_table_adds_up_to_the_register_of_the_day(cast, history, org_name, on):
    org = getattr(cast, org_name)
    stats = statistics(org=org, on=on, since=half_year_end_before(on))
    expected = _register(cast, org, on)
    assert stats.register == expected
    for table in stats.tables:
        assert table.total.total == expected, table.key
        assert sum(r.total for r in table.main_rows()) == expected, table.key
        male, female, full, prob = (
            sum(r.values[i] for r in table.main_rows()) for i in (1, 2, 3, 4)
        )
        assert male + female == expected == full + prob, table.key
        for r in table.rows:  # each row: 男 + 女 = 正式 + 预备 = 合计
            assert r.values[1] + r.values[2] == r.total == r.values[3] + r.values[4]


def test_the_changes_reconcile_start_plus_additions_minus_removals(cast, history):
    stats = statistics(org=cast.branch_a_2, on=D, since=S)
    ch = stats.changes
    assert ch.start == 4 == _register(cast, cast.branch_a_2, S)
    lines = {r.key: (r.added, r.removed) for r in ch.rows if r.added or r.removed}
    assert lines == {
        "registered": (1, 0),
        "transfer_in": (1, 0),
        "internal_move": (1, 0),
        "death": (0, 1),
    }
    assert ch.admitted == 1
    assert (ch.added, ch.removed, ch.end) == (3, 1, 6)
    assert ch.start + ch.added - ch.removed == ch.end and ch.reconciles


def test_a_move_inside_the_subtree_is_counted_but_changes_no_total(cast, history):
    street = statistics(org=cast.street_a, on=D, since=S)
    move = next(r for r in street.changes.rows if r.key == "internal_move")
    assert (move.added, move.removed, move.events) == (0, 0, 1)
    left_behind = statistics(org=cast.comm_a2, on=D, since=S)
    move = next(r for r in left_behind.changes.rows if r.key == "internal_move")
    assert (move.added, move.removed) == (0, 1)
    assert left_behind.changes.reconciles and street.changes.reconciles


@pytest.mark.parametrize("org_name", ["branch_a_2", "comm_a", "street_a", "county"])
def test_reconciliation_holds_over_any_period(cast, history, org_name):
    org = getattr(cast, org_name)
    for since, on in [(S, D), (dt.date(2000, 1, 1), D), (D, dt.date(2025, 12, 31))]:
        ch = statistics(org=org, on=on, since=since).changes
        assert ch.start == _register(cast, org, since)
        assert ch.end == _register(cast, org, on)
        assert ch.reconciles


def test_the_organisations_count_by_setting_and_type(cast, history):
    stats = statistics(org=cast.comm_a, on=D, since=S)
    t = stats.orgs
    # 文化东路社区党委, 第一楼栋党支部, 离退休党支部, 1号楼1单元党小组
    assert t.total == 4
    assert t.cells == {
        ("community", "committee"): 1,
        ("building", "branch"): 1,
        ("community", "branch"): 1,
        ("building", "group"): 1,
    }
    assert sum(t.row_total(k) for k, _l in t.settings) == t.total
    assert sum(t.column_total(k) for k, _l in t.types) == t.total


def test_an_organisation_founded_after_the_day_is_not_counted(cast, history):
    from dangjian.orgs.models import Organisation

    Organisation.objects.filter(pk=cast.branch_a.pk).update(established_on=dt.date(2025, 7, 1))
    assert statistics(org=cast.comm_a, on=D, since=S).orgs.total == 3
    assert statistics(org=cast.comm_a, on=dt.date(2025, 7, 1), since=S).orgs.total == 4


def test_the_default_period_is_the_half_year_just_past():
    assert default_on(dt.date(2026, 12, 6)) == dt.date(2026, 6, 30)
    assert default_on(dt.date(2026, 7, 1)) == dt.date(2026, 6, 30)
    assert default_on(dt.date(2026, 6, 30)) == dt.date(2025, 12, 31)
    assert default_on(dt.date(2026, 1, 1)) == dt.date(2025, 12, 31)
    assert half_year_end_before(dt.date(2026, 6, 30)) == dt.date(2025, 12, 31)
    assert half_year_end_before(dt.date(2025, 12, 31)) == dt.date(2025, 6, 30)
    p = period_from("", "")
    assert p.since == half_year_end_before(p.on) and not p.errors


def test_bad_dates_fall_back_with_a_reason():
    p = period_from("2025-02-30", "")
    assert p.errors and p.on == default_on()
    p = period_from("2999-01-01", "")
    assert p.errors[0][0] == "on" and "晚于今天" in p.errors[0][1]
    p = period_from("2025-06-30", "2025-07-01")
    assert p.errors == (("since", "起始日期应早于统计日期。"),) and p.since == dt.date(2024, 12, 31)


def test_statistics_need_a_grant_reaching_the_organisation(cast):
    assert selectors.org_for(cast.comm_a_sec, str(cast.comm_a.pk)) == cast.comm_a
    assert selectors.org_for(cast.comm_a_sec, "") == cast.comm_a
    assert selectors.org_for(cast.street_sec, "") == cast.street_a
    assert selectors.org_for(cast.comm_b_sec, str(cast.comm_a.pk)) is None
    # a plain member sees their own branch as a member, but no statistics of it
    assert selectors.org_for(cast.member_user, str(cast.branch_a.pk)) is None
    assert selectors.org_for(cast.member_user, "") is None
    assert selectors.org_for(cast.outsider, "") is None
    assert selectors.org_for(cast.comm_a_sec, "x") is None
    assert selectors.org_for(cast.admin, "9" * 30) is None
