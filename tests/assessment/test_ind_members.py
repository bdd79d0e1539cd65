"""Indicators of 党员队伍好, each against hand-counted records (issue 18 item 1).

Most tests measure last year (a finished year: every month due), so they do not depend on the
day the suite runs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.assessment import scoring
from dangjian.assessment.indicators import Ctx, Good
from dangjian.commitments.evaluation import BASIC, EXCELLENT, FAIL, PASS
from dangjian.commitments.models import Commitment, State, Step
from dangjian.core import rules
from dangjian.development import services as dev
from dangjian.development.models import Step as DevStep
from dangjian.dues import services as dues
from dangjian.dues.months import add_months
from dangjian.members.models import Category, EventKind, Status
from dangjian.members.services import member_record_event
from tests.assessment.both_paths import measured
from tests.development.factories import make_candidate
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def year() -> int:
    return timezone.localdate().year - 1


def measure(key: str, community, year: int, today: dt.date | None = None):
    return measured(key, Ctx.of(community, year, today))


def by_label(m) -> dict[str, object]:
    return {r.label: r for r in m.records}


def pay(admin, member, first: dt.date, months: int, paid_on: dt.date) -> None:
    dues.payment_record(
        acting_user=admin, member=member, first_month=first, months=months, paid_on=paid_on
    )


# ---- members.dues --------------------------------------------------------------------------------
def _dues_world(cast, y: int):
    admin = cast.admin
    jan = dt.date(y, 1, 1)
    back = rules.value("dues.back_payment", "max_back_months")
    old = dt.date(1990, 7, 1)
    born = {"birth_date": dt.date(1960, 5, 5)}
    m1 = make_member(org=cast.branch_a, name="预交甲", joined_on=old, **born)
    m2 = make_member(org=cast.branch_a, name="欠交乙", joined_on=old, **born)
    m3 = make_member(org=cast.branch_a_2, name="补交丙", joined_on=old, **born)
    m4 = make_member(
        org=cast.branch_a,
        name="新党员丁",
        joined_on=dt.date(y, 6, 15),
        status=Status.PROBATIONARY,
        **born,
    )
    m5 = make_member(org=cast.branch_a, name="无基数戊", joined_on=old, **born)
    m6 = make_member(org=cast.branch_a, name="转出己", joined_on=old, **born)
    for m in (m1, m2, m3, m6):
        dues.base_set(acting_user=admin, member=m, kind="retired", base=3000, from_month=jan)
    dues.base_set(acting_user=admin, member=m4, kind="flat", base=None, from_month=dt.date(y, 6, 1))
    # another community's member: owes and pays nothing, never counted here
    dues.base_set(acting_user=admin, member=cast.member_b, kind="flat", base=None, from_month=jan)
    pay(admin, m1, jan, 12, dt.date(y, 1, 5))  # the year paid in advance: 12 of 12
    pay(admin, m2, jan, 10, dt.date(y, 1, 5))  # November unpaid, December excused: 10 of 11
    dues.reason_record(
        acting_user=admin,
        member=m2,
        from_month=dt.date(y, 12, 1),
        to_month=dt.date(y, 12, 1),
        reason="长期住院治疗，经支部研究同意缓交",
    )
    # January paid in the last month the back-payment rule allows (on time), February one month
    # later than that (late), the rest in March: 11 of 12
    pay(admin, m3, jan, 1, add_months(jan, back))
    pay(admin, m3, dt.date(y, 2, 1), 1, add_months(dt.date(y, 2, 1), back + 1))
    pay(admin, m3, dt.date(y, 3, 1), 10, dt.date(y, 3, 1))
    pay(admin, m4, dt.date(y, 6, 1), 7, dt.date(y, 6, 20))  # from admission: 7 of 7
    # transferred away at the end of May: owed January–April only, paid nothing: 0 of 4
    member_record_event(
        member=m6,
        kind=EventKind.TRANSFER_OUT,
        date=dt.date(y, 5, 31),
        acting_user=admin,
        to_org_name="外县某党委",
        letter_no="JS-001",
        letter_valid_until=dt.date(y, 6, 30),
    )
    return m1, m2, m3, m4, m5, m6


def test_dues_hand_count(cast, year):
    m1, m2, m3, m4, m5, m6 = _dues_world(cast, year)
    m = measure("members.dues", cast.comm_a, year)
    rows = {r.label.split("（")[0]: r for r in m.records}
    assert set(rows) == {"预交甲", "欠交乙", "补交丙", "新党员丁", "转出己"}  # 戊 has no base
    expect = {"预交甲": (12, 12), "欠交乙": (10, 11), "补交丙": (11, 12), "新党员丁": (7, 7)}
    expect["转出己"] = (0, 4)
    for name, (pts, out_of) in expect.items():
        assert (rows[name].earned, rows[name].out_of) == (pts, out_of), name
        assert rows[name].ok == (pts == out_of)
        assert rows[name].url.endswith(f"/dues/members/{rows[name].url.split('/')[-2]}/")
    assert m.numerator == 40 and m.denominator == 46
    assert "11月" in rows["欠交乙"].note and "12月" in rows["欠交乙"].note  # unpaid; excused
    assert "2月" in rows["补交丙"].note and "1月" not in rows["补交丙"].note
    assert "按" in m.note and str(year) in m.note
    # comm_b's member is never in comm_a's figure, nor comm_a's in comm_b's
    assert "李四" not in " ".join(rows)
    assert [r.label for r in measure("members.dues", cast.comm_b, year).records] == [
        "李四（迎宾路第一党支部）"
    ]


def test_dues_running_year_counts_ended_months_only(cast, year):
    m1 = _dues_world(cast, year)[0]
    m = measure("members.dues", cast.comm_a, year, today=dt.date(year, 3, 15))
    row = next(r for r in m.records if r.label.startswith(m1.name))
    assert (row.earned, row.out_of) == (2, 2)  # January and February; March not yet due
    assert "1–2 月" in m.note


def test_it_counts_a_member_moved_to_another_community_in_each_for_the_months_there(cast, year):
    """Measured together (the street's table) and alone: the months before the move in the
    first community under its branch, those after in the second under the new branch — the
    member's name, admission and dues base read apart from the events (issue 21)."""
    jan = dt.date(year, 1, 1)
    mover = make_member(
        org=cast.branch_a,
        name="调动庚",
        joined_on=dt.date(1990, 7, 1),
        birth_date=dt.date(1960, 5, 5),
    )
    dues.base_set(acting_user=cast.admin, member=mover, kind="flat", base=None, from_month=jan)
    pay(cast.admin, mover, jan, 12, dt.date(year, 1, 5))
    member_record_event(
        member=mover,
        kind=EventKind.INTERNAL_MOVE,
        date=dt.date(year, 5, 15),
        acting_user=cast.admin,
        to_org=cast.branch_b,
    )
    expect = {
        cast.comm_a.pk: (f"调动庚（{cast.branch_a.name}）", 4),  # January–April
        cast.comm_b.pk: (f"调动庚（{cast.branch_b.name}）", 8),  # May–December
    }
    cards = scoring.scorecards([cast.comm_a, cast.comm_b], year)
    for community, card in zip([cast.comm_a, cast.comm_b], cards, strict=True):
        label, months = expect[community.pk]
        for m in (card.line("members.dues").measure, measure("members.dues", community, year)):
            row = by_label(m)[label]
            assert (row.earned, row.out_of, row.ok) == (months, months, True)


def test_dues_queries_do_not_grow(cast, year):
    jan = dt.date(year, 1, 1)

    def add(n: int) -> None:
        for _ in range(n):
            mm = make_member(
                org=cast.branch_a, joined_on=dt.date(1990, 1, 1), birth_date=dt.date(1960, 1, 1)
            )
            dues.base_set(acting_user=cast.admin, member=mm, kind="flat", base=None, from_month=jan)
            pay(cast.admin, mm, jan, 3, dt.date(year, 1, 9))

    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            measure("members.dues", cast.comm_a, year)
        return len(q)

    add(2)
    small = count()
    add(6)
    assert count() == small


# ---- members.development -------------------------------------------------------------------------
def test_development_hand_count(cast, year):
    talk_days = rules.value("dev.applicant_talk", "within_days")
    admin = cast.admin
    a = make_candidate(
        org=cast.branch_a, name="未谈话甲", applied_on=dt.date(year, 3, 1), talk=False
    )
    b = make_candidate(org=cast.branch_a, name="按时乙", applied_on=dt.date(year, 5, 1), talk=False)
    c = make_candidate(org=cast.branch_a, name="晚谈丙", applied_on=dt.date(year, 6, 1), talk=False)
    for person, late in ((b, 0), (c, 1)):
        dev.candidate_record(
            candidate=person,
            step=DevStep.TALKED,
            date=person.applied_on + dt.timedelta(days=talk_days + late),
            acting_user=admin,
            talked_by="王书记",
        )
    # admitted the year before, 转正 on the anniversary this year: the 转正 is due this year
    d = make_candidate(
        org=cast.branch_a, name="转正丁", upto="full", applied_on=dt.date(year - 2, 1, 12)
    )
    # admitted this year (30 April): approval due 30 July — approved in time / not at all
    e = make_candidate(
        org=cast.branch_a, name="审批戊", upto="probationary", applied_on=dt.date(year - 1, 1, 12)
    )
    f = make_candidate(
        org=cast.branch_a_2,
        name="未审批己",
        upto="probationary",
        applied_on=dt.date(year - 1, 1, 12),
        approved=False,
    )
    # another community's overdue talk never counts here
    make_candidate(org=cast.branch_b, name="外社区", applied_on=dt.date(year, 3, 1), talk=False)
    m = measure("members.development", cast.comm_a, year)
    got = {(r.label, r.ok) for r in m.records}
    assert got == {
        ("未谈话甲 谈话", False),
        ("按时乙 谈话", True),
        ("晚谈丙 谈话", False),
        ("转正丁 转为正式党员", True),
        ("审批戊 上级党委审批", True),
        ("未审批己 上级党委审批", False),
    }
    assert m.numerator == 3 and m.denominator == 6
    urls = {r.label: r.url for r in m.records}
    assert urls["按时乙 谈话"] == f"/development/{b.pk}/"
    assert {a.pk, c.pk, d.pk, e.pk, f.pk}  # all created
    assert all(r.day and r.day.year == year for r in m.records)


def test_development_not_yet_due_is_not_counted(cast, year):
    # applied ten days before "today": the talk is still in time
    make_candidate(org=cast.branch_a, applied_on=dt.date(year, 3, 5), talk=False)
    m = measure("members.development", cast.comm_a, year, today=dt.date(year, 3, 15))
    assert m.records == [] and m.ratio is None


def test_development_queries_do_not_grow(cast, year):
    def add(n: int, start: int) -> None:
        for i in range(n):
            make_candidate(
                org=cast.branch_a,
                applied_on=dt.date(year, 2, 1) + dt.timedelta(days=i),
                birth_date=dt.date(1990, 1, 1) + dt.timedelta(days=start + i),
                talk=bool(i % 2),
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            m = measure("members.development", cast.comm_a, year)
        return len(q), len(m.records)

    add(2, 0)
    small, n1 = count()
    add(6, 100)
    big, n2 = count()
    assert n2 == n1 + 6 and big == small


# ---- members.commitments -------------------------------------------------------------------------
def _concluded(cast, member, *, grade: str, score: str, on: dt.date, title: str) -> Commitment:
    from dangjian.commitments import services

    c = services.commitment_draft(
        acting_user=cast.admin,
        member=member,
        year=on.year,
        kind="deed",
        title=title,
        content="每月两次为独居老人代买药品。",
    )
    Commitment.objects.filter(pk=c.pk).update(
        state=State.EVALUATED, grade=grade, score=Decimal(score)
    )
    Step.objects.create(
        commitment=c,
        action="conclude",
        from_state=State.EVALUATING,
        to_state=State.EVALUATED,
        on=on,
    )
    return c


def test_commitments_hand_count(cast, year):
    other = make_member(org=cast.branch_a_2, name="王五")
    _concluded(cast, cast.member_a, grade=EXCELLENT, score="93", on=dt.date(year, 6, 1), title="优")
    _concluded(cast, other, grade=PASS, score="75", on=dt.date(year, 12, 31), title="合格线上")
    _concluded(cast, cast.member_a, grade=BASIC, score="74.9", on=dt.date(year, 7, 1), title="基本")
    _concluded(cast, other, grade=FAIL, score="50", on=dt.date(year, 1, 1), title="不合格")
    # concluded the year before / after, or in another community: not counted
    _concluded(cast, other, grade=PASS, score="80", on=dt.date(year - 1, 12, 31), title="去年")
    _concluded(cast, other, grade=PASS, score="80", on=dt.date(year + 1, 1, 1), title="明年")
    _concluded(cast, cast.member_b, grade=FAIL, score="10", on=dt.date(year, 5, 1), title="外")
    m = measure("members.commitments", cast.comm_a, year)
    got = {r.label.split("：")[1].split("（")[0]: r.ok for r in m.records}
    assert got == {"优": True, "合格线上": True, "基本": False, "不合格": False}
    assert m.numerator == 2 and m.denominator == 4
    assert all("/commitments/" in r.url for r in m.records)


def test_commitments_queries_do_not_grow(cast, year):
    def add(n: int) -> None:
        for i in range(n):
            _concluded(
                cast, cast.member_a, grade=PASS, score="80", on=dt.date(year, 3, 1), title=f"事{i}"
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            measure("members.commitments", cast.comm_a, year)
        return len(q)

    add(2)
    small = count()
    add(5)
    assert count() == small


# ---- members.deeds -------------------------------------------------------------------------------
def _checked_in(cast, name: str, on: dt.date):
    from dangjian.checkin.services import check_in

    m = make_member(org=cast.branch_b, name=name, categories=(Category.IN_SERVICE,))
    return check_in(
        acting_user=cast.admin, member=m, community=cast.comm_a, on=on, employer="示例科技公司"
    )


def _deeds(cast, checkin, n: int, day: dt.date, community=None) -> None:
    from dangjian.deeds.services import deed_record

    for i in range(n):
        deed_record(
            acting_user=cast.admin,
            community=community or cast.comm_a,
            date=day,
            title=f"为社区办实事 {i + 1}",
            members=[checkin.member_id],
        )


def test_deeds_hand_count(cast, year):
    from dangjian.checkin.services import check_out

    wanted = rules.value("cobuild.member_deeds", "min_per_year")
    enough = _checked_in(cast, "够数甲", dt.date(year - 1, 3, 1))
    short = _checked_in(cast, "差一乙", dt.date(year, 2, 1))
    before = _checked_in(cast, "报到前丙", dt.date(year, 6, 1))
    gone = _checked_in(cast, "已解除丁", dt.date(year - 1, 3, 1))
    _deeds(cast, enough, wanted, dt.date(year, 5, 1))
    _deeds(cast, enough, 3, dt.date(year - 1, 5, 1))  # last year's deeds count last year
    _deeds(cast, short, wanted - 1, dt.date(year, 5, 1))
    _deeds(cast, short, 2, dt.date(year, 5, 1), community=cast.comm_b)  # elsewhere: not here
    _deeds(cast, before, wanted, dt.date(year, 5, 1))  # before checking in: not counted
    _deeds(cast, gone, wanted, dt.date(year, 4, 1))
    check_out(gone, acting_user=cast.admin, on=dt.date(year, 4, 30), reason="工作调动")
    # ended before the year: not counted at all
    old = _checked_in(cast, "前年戊", dt.date(year - 2, 3, 1))
    check_out(old, acting_user=cast.admin, on=dt.date(year - 1, 6, 30), reason="工作调动")
    m = measure("members.deeds", cast.comm_a, year)
    got = {r.label: r.ok for r in m.records}
    assert got == {"够数甲": True, "差一乙": False, "报到前丙": False, "已解除丁": True}
    assert m.numerator == 2 and m.denominator == 4
    assert f"办实事 {wanted} 件" in by_label(m)["够数甲"].note
    assert by_label(m)["差一乙"].url == f"/checkin/{short.pk}/"
    assert measure("members.deeds", cast.comm_b, year).records == []


def test_deeds_queries_do_not_grow(cast, year):
    def add(n: int, tag: str) -> None:
        for i in range(n):
            c = _checked_in(cast, f"{tag}{i}", dt.date(year, 1, 10))
            _deeds(cast, c, 1, dt.date(year, 2, 1))

    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            measure("members.deeds", cast.comm_a, year)
        return len(q)

    add(2, "甲")
    small = count()
    add(5, "乙")
    assert count() == small


# ---- the scorecard -------------------------------------------------------------------------------
def test_scorecard_shows_member_lines_under_their_good(cast, year):
    _dues_world(cast, year)
    card = scoring.scorecard(cast.comm_a, year)
    good = next(g for g in card.goods if g.good == Good.MEMBERS)
    keys = [ln.key for ln in good.lines]
    for key in ("members.dues", "members.development", "members.commitments", "members.deeds"):
        assert key in keys
    line = card.line("members.dues")
    assert line.measure.numerator == 40 and line.measure.denominator == 46
    assert line.percent == Decimal("87.0")
    assert good.points is not None
