"""Indicators of 领导班子好 against hand-counted records: committees complete and in term, the
secretaries' own lectures, staffing against its quota, workers' party-school training — each at
its rule's boundary, never counting another community, at a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.assessment import scoring
from dangjian.assessment.indicators import Ctx, Good
from dangjian.core import rules
from dangjian.meetings.models import MeetingKind
from dangjian.members.models import Status
from dangjian.orgs.models import Office, OrgKind
from dangjian.orgs.services import office_create
from dangjian.staff import selectors as staff_selectors
from dangjian.staff.models import Staff
from dangjian.training import services as training
from tests.assessment.both_paths import measured
from tests.factories import make_member, make_org
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year
LAST = YEAR - 1
LEAD_KEYS = {"lead.committee", "lead.lectures", "lead.staffing", "lead.training"}


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


@pytest.fixture
def override(tmp_path, settings):
    """``override({...})``: a locality's numbers (the shape of DANGJIAN_RULES_FILE)."""

    def write(data):
        path = tmp_path / "rules.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        settings.DANGJIAN_RULES_FILE = str(path)
        rules.reset_cache()

    yield write
    rules.reset_cache()


def threshold() -> int:
    return int(rules.value("org.branch_committee_threshold", "min_full_members"))


def fill(org, full: int) -> None:
    for _ in range(full):
        make_member(org=org, status=Status.FULL)


def elect(org, size: int, *, end: dt.date | None = dt.date(2099, 1, 1), start=dt.date(2024, 1, 1)):
    """``size`` distinct committee members of ``org``, the secretary first."""
    titles = ["secretary", "deputy", "organiser", "propaganda", "discipline", "committee"]
    for i, title in enumerate((titles * 2)[:size]):
        office_create(
            acting_user=None,
            org=org,
            title=title,
            holder_name=f"{org.name}委员{i}",
            term_start=start,
            term_end=end,
        )


# ---- lead.committee ----------------------------------------------------------------------------
def test_committee_counts_the_community_and_branches_at_the_threshold_only(cast):
    need = threshold()
    elect(cast.comm_a, 3)
    complete = make_org(parent=cast.comm_a, kind=OrgKind.BRANCH, name="甲支部")
    fill(complete, need)
    elect(complete, 3)
    missing = make_org(parent=cast.comm_a, kind=OrgKind.BRANCH, name="乙支部")
    fill(missing, need)
    elect(missing, 1)  # a secretary, but no committee
    small = make_org(parent=cast.comm_a, kind=OrgKind.BRANCH, name="丙支部")
    fill(small, need - 1)  # one short of the threshold: needs no committee, not judged
    other = make_org(parent=cast.comm_b, kind=OrgKind.BRANCH, name="外社区支部")
    fill(other, need)

    m = measure("lead.committee", cast.comm_a)
    assert oks(m) == {
        cast.comm_a.name: True,
        f"甲支部（正式党员 {need} 名）": True,
        f"乙支部（正式党员 {need} 名）": False,
    }
    assert (m.numerator, m.denominator) == (2, 3)
    bad = next(r for r in m.records if not r.ok)
    assert "应选举支部委员会" in bad.note and bad.url == f"/orgs/{missing.pk}/"


def test_committee_without_a_secretary_is_not_met(cast):
    m = measure("lead.committee", cast.comm_a)
    (record,) = m.records
    assert record.label == cast.comm_a.name and not record.ok
    assert "没有在任书记" in record.note


def test_committee_term_ending_on_the_day_is_current_a_day_before_is_ended(cast):
    elect(cast.comm_a, 3, end=TODAY)
    (record,) = measure("lead.committee", cast.comm_a).records
    assert record.ok and "任期将于" in record.note  # ends today: still in term, reminded
    Office.objects.filter(org=cast.comm_a).update(term_end=TODAY - dt.timedelta(days=1))
    (record,) = measure("lead.committee", cast.comm_a).records
    assert not record.ok and "届满" in record.note


def test_committee_of_a_past_year_is_judged_on_its_last_day(cast):
    elect(cast.comm_a, 3, end=dt.date(LAST, 12, 31))
    assert measure("lead.committee", cast.comm_a, LAST).records[0].ok
    assert not measure("lead.committee", cast.comm_a, YEAR).records[0].ok


def test_committee_costs_the_same_queries_for_two_and_five_branches(cast):
    def grow(n):
        for _ in range(n):
            b = make_org(parent=cast.comm_a, kind=OrgKind.BRANCH)
            fill(b, threshold())
            elect(b, 3)

    grow(2)
    at_2 = queries(lambda: measure("lead.committee", cast.comm_a, check=False))
    grow(3)
    at_5 = queries(lambda: measure("lead.committee", cast.comm_a, check=False))
    assert measure("lead.committee", cast.comm_a).denominator == 6
    assert at_2 == at_5 <= 6


# ---- lead.lectures -----------------------------------------------------------------------------
def secretary(org, name):
    member = make_member(org=org, name=name)
    office_create(
        acting_user=None,
        org=org,
        title=Office.Title.SECRETARY,
        member=member,
        term_start=dt.date(2020, 1, 1),
        term_end=dt.date(2099, 1, 1),
    )
    return member


def lecture(org, on, lecturer):
    return make_meeting(org=org, kind=MeetingKind.PARTY_LECTURE, date=on, lecturer=lecturer)


def test_lectures_count_each_secretary_in_office_by_hand(cast):
    chief = secretary(cast.comm_a, "社区书记")
    first = secretary(cast.branch_a, "一支书")
    secretary(cast.branch_a_2, "二支书")  # gave no lecture
    other = secretary(cast.branch_b, "外支书")
    lecture(cast.branch_a, dt.date(LAST, 1, 1), first)  # the year's first day counts
    lecture(cast.branch_a, dt.date(LAST - 1, 12, 31), chief)  # the year before does not
    lecture(cast.group_a, dt.date(LAST, 12, 31), chief)  # anywhere in the community counts
    lecture(cast.branch_b, dt.date(LAST, 6, 1), other)

    m = measure("lead.lectures", cast.comm_a, LAST)
    assert oks(m) == {
        f"{cast.comm_a.name} 书记 社区书记": True,
        f"{cast.branch_a.name} 书记 一支书": True,
        f"{cast.branch_a_2.name} 书记 二支书": False,
    }
    assert (m.numerator, m.denominator) == (2, 3)
    done = next(r for r in m.records if r.label.endswith("一支书"))
    assert done.day == dt.date(LAST, 1, 1) and "讲党课 1 次，应讲 1 次" in done.note
    assert done.url == f"/meetings/cadence/?org={cast.branch_a.pk}&year={LAST}"


def test_lectures_one_short_of_a_locality_number_is_not_met(cast, override):
    first = secretary(cast.branch_a, "一支书")
    lecture(cast.branch_a, dt.date(LAST, 3, 1), first)
    override({"default": {"meeting.party_lecture": {"secretary_per_year": 2}}})
    (record,) = measure("lead.lectures", cast.comm_a, LAST).records
    assert not record.ok and "应讲 2 次" in record.note
    lecture(cast.branch_a, dt.date(LAST, 4, 1), first)
    assert measure("lead.lectures", cast.comm_a, LAST).records[0].ok


def test_lectures_by_someone_else_or_a_name_only_secretary_do_not_count(cast):
    office_create(
        acting_user=None,
        org=cast.comm_a,
        title=Office.Title.SECRETARY,
        holder_name="只有姓名",
        term_start=dt.date(2020, 1, 1),
    )
    lecture(cast.branch_a, dt.date(LAST, 3, 1), cast.member_a)
    (record,) = measure("lead.lectures", cast.comm_a, LAST).records
    assert not record.ok and "未关联党员档案" in record.note


def test_lectures_cost_the_same_queries_for_two_and_eight_branches(cast):
    secretary(cast.comm_a, "社区书记")

    def grow(n):
        for _ in range(n):
            b = make_org(parent=cast.comm_a, kind=OrgKind.BRANCH)
            s = secretary(b, "书记")
            lecture(b, dt.date(LAST, 5, 1), s)

    grow(2)
    at_2 = queries(lambda: measure("lead.lectures", cast.comm_a, LAST, check=False))
    grow(6)
    at_8 = queries(lambda: measure("lead.lectures", cast.comm_a, LAST, check=False))
    assert measure("lead.lectures", cast.comm_a, LAST).numerator == 8
    assert at_2 == at_8 <= 6


# ---- lead.staffing -----------------------------------------------------------------------------
SUBS = {
    "of_which_family_planning": "family_planning",
    "of_which_social_security": "social_security",
    "of_which_security_info": "security_info",
}


def staff_to(community, counts: dict[str, int], **kw) -> None:
    """Workers in post so that each quota key has exactly ``counts[key]``."""
    for kind in ("admin", "institution"):
        for i in range(counts.get(kind, 0)):
            Staff.objects.create(name=f"{kind}{i}", community=community, kind=kind, **kw)
    made = 0
    for key, sub in SUBS.items():
        for i in range(counts.get(key, 0)):
            Staff.objects.create(
                name=f"{sub}{i}", community=community, kind="public_welfare", sub_post=sub, **kw
            )
            made += 1
    for i in range(counts.get("public_welfare", 0) - made):
        Staff.objects.create(name=f"pw{i}", community=community, kind="public_welfare", **kw)


def quota() -> dict[str, int]:
    keys = [k for k, _kind, _sub in staff_selectors.QUOTA_KEYS]
    return {k: int(rules.value(staff_selectors.TOWN_RULE, k)) for k in keys}


def test_staffing_exactly_at_every_quota_meets_every_line(cast):
    staff_to(cast.comm_a, quota())
    staff_to(cast.comm_b, {"admin": 5})  # another community's workers never count here
    m = measure("lead.staffing", cast.comm_a)
    assert len(m.records) == 6 and all(r.ok for r in m.records)
    assert (m.numerator, m.denominator) == (6, 6)
    assert "建制镇社区工作者配备" in m.note


def test_staffing_one_short_of_a_quota_fails_that_line_only(cast):
    counts = quota()
    counts["institution"] -= 1
    staff_to(cast.comm_a, counts)
    m = measure("lead.staffing", cast.comm_a)
    assert [r.label for r in m.records if not r.ok] == ["事业编制"]
    (short,) = [r for r in m.records if not r.ok]
    assert f"应不少于 {counts['institution'] + 1} 名，缺 1 名" in short.note
    assert short.url == f"/staff/?org={cast.comm_a.pk}"
    assert (m.numerator, m.denominator) == (5, 6)


def test_staffing_counts_workers_in_post_on_the_years_last_day(cast):
    staff_to(cast.comm_a, quota(), started_on=dt.date(LAST + 1, 1, 1))  # started after
    m = measure("lead.staffing", cast.comm_a, LAST)
    assert m.numerator == 0 and m.denominator == 6
    assert measure("lead.staffing", cast.comm_a, YEAR).numerator == 6


def test_staffing_costs_the_same_queries_for_few_and_many_workers(cast):
    staff_to(cast.comm_a, {"admin": 1})
    at_1 = queries(lambda: measure("lead.staffing", cast.comm_a, check=False))
    staff_to(cast.comm_a, quota())
    assert queries(lambda: measure("lead.staffing", cast.comm_a, check=False)) == at_1 <= 4


# ---- lead.training -----------------------------------------------------------------------------
def course(cast, level, days, *, year=LAST):
    return training.course_create(
        acting_user=cast.admin,
        org=cast.county,
        level=level,
        topic=f"{level}{days}天",
        start=dt.date(year, 3, 1),
        days=days,
    )


def attend(cast, c, worker):
    if worker.member_id:
        training.attendance_set(
            c,
            acting_user=cast.admin,
            version=c.version,
            member_ids=[worker.member_id],
            completed_ids=[worker.member_id],
        )
    else:
        training.attendance_add_staff(c, acting_user=cast.admin, staff=worker, completed=True)


def worker(community, name, **kw):
    kw.setdefault("started_on", dt.date(LAST - 1, 1, 1))
    return Staff.objects.create(name=name, community=community, kind="institution", **kw)


def fully_trained(cast, w):
    county_days = rules.value("training.county", "min_days")
    town_days = rules.value("training.town", "min_days")
    for _ in range(int(rules.value("training.county", "min_times_per_year"))):
        attend(cast, course(cast, "county", county_days), w)
    for _ in range(int(rules.value("training.town", "min_times_per_year"))):
        attend(cast, course(cast, "town", town_days), w)


def test_training_counts_each_worker_in_post_by_hand(cast):
    done = worker(cast.comm_a, "甲社工")
    member = worker(cast.comm_a, "乙社工", member=cast.member_a)
    half = worker(cast.comm_a, "丙社工")
    gone = worker(cast.comm_a, "丁社工", left_on=dt.date(LAST, 6, 30))
    other = worker(cast.comm_b, "外社工")
    for w in (done, member, gone, other):
        fully_trained(cast, w)
    attend(cast, course(cast, "county", rules.value("training.county", "min_days")), half)
    # one day short of the town school's minimum does not count
    attend(cast, course(cast, "town", rules.value("training.town", "min_days") - 1), half)
    attend(cast, course(cast, "town", rules.value("training.town", "min_days")), half)

    m = measure("lead.training", cast.comm_a, LAST)
    assert oks(m) == {
        "甲社工（事业编制）": True,
        "乙社工（事业编制）": True,
        "丙社工（事业编制）": False,
    }
    assert (m.numerator, m.denominator) == (2, 3)
    short = next(r for r in m.records if not r.ok)
    assert "镇党校 1 次，应 2 次" in short.note
    linked = next(r for r in m.records if r.label.startswith("乙"))
    assert linked.url == f"/training/member/{cast.member_a.pk}/"


def test_training_of_another_year_does_not_count(cast):
    w = worker(cast.comm_a, "甲社工")
    fully_trained(cast, w)
    assert measure("lead.training", cast.comm_a, LAST).numerator == 1
    assert measure("lead.training", cast.comm_a, LAST - 1).numerator == 0


def test_training_costs_the_same_queries_for_two_and_ten_workers(cast):
    def grow(n):
        for i in range(n):
            worker(cast.comm_a, f"社工{i}")

    grow(2)
    at_2 = queries(lambda: measure("lead.training", cast.comm_a, LAST, check=False))
    grow(8)
    at_10 = queries(lambda: measure("lead.training", cast.comm_a, LAST, check=False))
    assert at_2 == at_10 <= 4


# ---- on the scorecard --------------------------------------------------------------------------
def test_the_leadership_lines_appear_under_their_good(cast):
    card = scoring.scorecard(cast.comm_a, YEAR, only=LEAD_KEYS)
    leadership = next(g for g in card.goods if g.good == Good.LEADERSHIP)
    assert {ln.key for ln in leadership.lines} == LEAD_KEYS
    assert card.line("lead.committee").measure.denominator == 1  # the community, no secretary
