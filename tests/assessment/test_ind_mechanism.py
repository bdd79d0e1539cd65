"""Indicators of 工作机制好 against hand-counted records: every due 三会一课 period of the
community's subtree, every building and corridor covered, the office and activity funds — each at
its rule's boundary, never counting another community, at a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.assessment import scoring
from dangjian.assessment.indicators import Ctx, Good
from dangjian.core import rules
from dangjian.funds import services as funds
from dangjian.funds.models import Category
from dangjian.meetings import services as meetings
from dangjian.meetings.models import MeetingKind
from dangjian.orgs.models import Organisation, OrgKind, PlaceKind
from dangjian.orgs.selectors import coverage_for
from dangjian.orgs.services import org_cover_places
from tests.assessment.both_paths import measured
from tests.factories import make_org, make_place
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year
LAST = YEAR - 1
MECH_KEYS = {"mech.cadence", "mech.coverage", "mech.funds"}
D = dt.date


def measure(key, community, year=YEAR, *, check=True):
    m = measured(key, Ctx.of(community, year), check=check)
    assert sum((r.earned for r in m.records), Decimal(0)) == m.numerator
    assert sum((Decimal(r.out_of) for r in m.records), Decimal(0)) == m.denominator
    return m


def oks(m) -> dict[str, bool]:
    return {r.label: r.ok for r in m.records}


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


# ---- mech.cadence ------------------------------------------------------------------------------
@pytest.fixture
def fresh(cast):
    """A new community with one branch of no members (so it has no committee to meet)."""
    community = make_org(
        parent=cast.street_a, kind=OrgKind.COMMUNITY_COMMITTEE, name="新社区党委", code="NEW"
    )
    branch = make_org(parent=community, kind=OrgKind.BRANCH, name="新社区第一党支部", code="NEW1")
    return community, branch


def test_cadence_of_a_closed_year_counts_every_period_by_hand(cast, fresh):
    community, branch = fresh
    make_meeting(org=branch, kind=MeetingKind.BRANCH_GENERAL, date=D(LAST, 3, 31))  # Q1, last day
    make_meeting(org=branch, kind=MeetingKind.BRANCH_GENERAL, date=D(LAST, 7, 1))  # Q3, first day
    make_meeting(org=branch, kind=MeetingKind.THEME_DAY, date=D(LAST, 1, 15))
    cancelled = make_meeting(org=branch, kind=MeetingKind.THEME_DAY, date=D(LAST, 2, 15))
    meetings.meeting_update(meeting=cancelled, acting_user=None, cancelled=True)
    make_meeting(org=branch, kind=MeetingKind.ORG_LIFE, date=D(LAST, 12, 31))  # the last day
    make_meeting(org=branch, kind=MeetingKind.THEME_DAY, date=D(LAST - 1, 12, 31))  # year before
    make_meeting(org=cast.branch_b, kind=MeetingKind.THEME_DAY, date=D(LAST, 3, 1))  # elsewhere

    m = measure("mech.cadence", community, LAST)
    # by hand, with the default rules — the community: 联席会 12 months, 县领导督导 4 quarters,
    # 县领导参加联席会 4 quarters; the branch: 党员大会 4, 党课 4, 主题党日 12, 组织生活会 1,
    # 民主评议 1 (支委会 does not apply: no full members, below the committee threshold)
    assert m.denominator == 12 + 4 + 4 + 4 + 4 + 12 + 1 + 1
    assert m.numerator == 4
    met = sorted(r.label for r in m.records if r.ok)
    assert met == sorted(
        [
            f"新社区第一党支部 {LAST}年一季度 支部党员大会",
            f"新社区第一党支部 {LAST}年三季度 支部党员大会",
            f"新社区第一党支部 {LAST}年1月 主题党日",
            f"新社区第一党支部 {LAST}年全年 组织生活会",
        ]
    )
    assert all(r.label.startswith(("新社区党委 ", "新社区第一党支部 ")) for r in m.records)
    feb = next(r for r in m.records if r.label == f"新社区第一党支部 {LAST}年2月 主题党日")
    assert (
        not feb.ok
        and "逾期" in feb.note
        and feb.day == D(LAST, 2, (D(LAST, 3, 1) - D(LAST, 2, 1)).days)
    )
    assert feb.url == f"/meetings/cadence/?org={branch.pk}&year={LAST}"


def test_cadence_of_the_running_year_leaves_open_periods_out_unless_met(cast, fresh):
    community, branch = fresh
    make_meeting(org=branch, kind=MeetingKind.THEME_DAY, date=TODAY)  # this month: met already
    m = measure("mech.cadence", community, YEAR)
    closed_months, closed_quarters = TODAY.month - 1, (TODAY.month - 1) // 3
    # 联席会 and 主题党日 per closed month; 督导, 参加联席会, 党员大会, 党课 per closed quarter;
    # this month's theme day, met; the year-long rules still open
    assert m.denominator == 2 * closed_months + 4 * closed_quarters + 1
    assert m.numerator == 1
    assert oks(m)[f"新社区第一党支部 {YEAR}年{TODAY.month}月 主题党日"] is True
    assert "本期尚未结束" in m.note


def test_cadence_the_committee_rule_applies_from_the_threshold(cast, fresh):
    community, branch = fresh
    from tests.factories import make_member

    need = int(rules.value("org.branch_committee_threshold", "min_full_members"))
    for _ in range(need - 1):
        make_member(org=branch)
    below = measure("mech.cadence", community, LAST).denominator
    make_member(org=branch)
    at = measure("mech.cadence", community, LAST)
    assert at.denominator == below + 12  # 支委会, monthly
    assert sum(1 for r in at.records if "支部委员会会议" in r.label) == 12


def test_cadence_costs_the_same_queries_for_two_and_ten_organisations(cast, fresh):
    community, _branch = fresh

    def grow(n):
        for _ in range(n):
            b = make_org(parent=community, kind=OrgKind.BRANCH)
            make_meeting(org=b, kind=MeetingKind.THEME_DAY, date=D(LAST, 5, 5))

    grow(1)
    at_2 = queries(lambda: measure("mech.cadence", community, LAST, check=False))
    grow(8)
    at_10 = queries(lambda: measure("mech.cadence", community, LAST, check=False))
    assert at_2 == at_10 <= 3


# ---- mech.coverage -----------------------------------------------------------------------------
def test_coverage_counts_each_building_and_corridor_by_hand(cast):
    grid = cast.building_a.parent
    second = make_place(parent=grid, community=cast.comm_a, kind=PlaceKind.BUILDING, name="2号楼")
    for name in ("1单元", "2单元"):
        make_place(parent=second, community=cast.comm_a, kind=PlaceKind.CORRIDOR, name=name)
    org_cover_places(org=cast.branch_a, places=[cast.building_a], acting_user=None)
    org_cover_places(org=cast.group_a, places=[cast.corridor_a], acting_user=None)
    group_2 = make_org(parent=cast.branch_a_2, kind=OrgKind.GROUP)
    org_cover_places(org=group_2, places=[second], acting_user=None)  # its corridors, not it
    other = make_place(parent=cast.place_b, community=cast.comm_b, kind=PlaceKind.GRID)
    make_place(parent=other, community=cast.comm_b, kind=PlaceKind.BUILDING)  # never counted

    m = measure("mech.coverage", cast.comm_a)
    assert oks(m) == {
        "楼栋 1号楼": True,
        "楼道 1号楼 1单元": True,
        "楼栋 2号楼": False,
        "楼道 2号楼 1单元": True,
        "楼道 2号楼 2单元": True,
    }
    assert (m.numerator, m.denominator) == (4, 5)
    gap = next(r for r in m.records if not r.ok)
    assert "空白点" in gap.note and gap.url == f"/orgs/places/{second.pk}/"
    # the same figure as the coverage page's
    cov = coverage_for(user=cast.admin, org=cast.comm_a).single
    assert cov.buildings_covered + cov.corridors_covered == m.numerator
    assert cov.buildings + cov.corridors == m.denominator


def test_coverage_by_an_inactive_branch_does_not_count(cast):
    org_cover_places(org=cast.branch_a, places=[cast.building_a], acting_user=None)
    assert oks(measure("mech.coverage", cast.comm_a))["楼栋 1号楼"] is True
    Organisation.objects.filter(pk=cast.branch_a.pk).update(is_active=False)
    assert oks(measure("mech.coverage", cast.comm_a))["楼栋 1号楼"] is False


def test_coverage_costs_the_same_queries_for_two_and_ten_places(cast):
    grid = cast.building_a.parent

    def grow(n):
        for _ in range(n):
            b = make_place(parent=grid, community=cast.comm_a, kind=PlaceKind.BUILDING)
            make_place(parent=b, community=cast.comm_a, kind=PlaceKind.CORRIDOR)

    at_2 = queries(lambda: measure("mech.coverage", cast.comm_a, check=False))
    grow(4)
    at_10 = queries(lambda: measure("mech.coverage", cast.comm_a, check=False))
    assert measure("mech.coverage", cast.comm_a).denominator == 10
    assert at_2 == at_10 == 1


# ---- mech.funds --------------------------------------------------------------------------------
@pytest.fixture
def give(cast):
    funds.ensure_categories()
    income = Category.objects.get(direction="in", name="上级拨款")

    def give(amount, *, org=None, purpose="office_activity", date=None):
        return funds.entry_record(
            acting_user=cast.admin,
            org=org or cast.comm_a,
            direction="in",
            date=date or D(LAST, 3, 1),
            category=income,
            amount=str(amount),
            summary="拨付经费",
            purpose=purpose,
        )

    return give


def required() -> int:
    return int(rules.value("funds.office_activity", "other_town_yuan"))


def test_funds_without_a_ledger_is_one_record_not_met(cast):
    m = measure("mech.funds", cast.comm_a, LAST)
    (record,) = m.records
    assert not record.ok and "没有收支台帐" in record.note
    assert (m.numerator, m.denominator) == (0, 1)


def test_funds_exactly_the_required_amount_is_met(cast, give):
    give(required() - 1000)
    give(1000, date=D(LAST, 12, 31))
    give(99999, org=cast.comm_b)  # another community's money
    give(99999, date=D(YEAR, 1, 1))  # the next year's
    (record,) = measure("mech.funds", cast.comm_a, LAST).records
    assert record.ok and record.earned == 1
    assert record.url == f"/funds/rules/?org={cast.comm_a.pk}&year={LAST}"


def test_funds_one_yuan_short_scores_the_share_received(cast, give):
    give(required() - 1)
    m = measure("mech.funds", cast.comm_a, LAST)
    (record,) = m.records
    assert not record.ok and "缺 1.00 元" in record.note
    assert m.numerator == Decimal(required() - 1) / Decimal(required())
    assert m.denominator == 1


def test_funds_for_another_purpose_do_not_count(cast, give):
    give(required(), purpose="branch_work")
    (record,) = measure("mech.funds", cast.comm_a, LAST).records
    assert not record.ok and record.earned == 0


def test_funds_cost_the_same_queries_for_one_and_five_entries(cast, give):
    give(100)
    at_1 = queries(lambda: measure("mech.funds", cast.comm_a, LAST, check=False))
    for _ in range(4):
        give(100)
    assert queries(lambda: measure("mech.funds", cast.comm_a, LAST, check=False)) == at_1 <= 5


# ---- on the scorecard --------------------------------------------------------------------------
def test_the_mechanism_lines_appear_under_their_good(cast):
    card = scoring.scorecard(cast.comm_a, LAST, only=MECH_KEYS)
    mechanism = next(g for g in card.goods if g.good == Good.MECHANISM)
    assert {ln.key for ln in mechanism.lines} == MECH_KEYS
    assert card.line("mech.coverage").measure.denominator == 2
    assert card.line("mech.funds").score == 0  # no ledger
