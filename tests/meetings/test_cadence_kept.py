"""The roll-up keeps each organisation's closed periods (``cadence_kept``): it must give exactly
what evaluating every period gives — at the edges of periods and years, and after every kind of
change to what the closed periods were computed from."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.meetings import cadence_kept
from dangjian.meetings import services as msvc
from dangjian.meetings.models import BodyKind, CadenceKept, MeetingKind
from dangjian.meetings.selectors.cadence import cadence_rollup
from dangjian.meetings.services_bodies import body_update
from dangjian.members.models import EventKind
from dangjian.members.services import member_record_event
from dangjian.orgs.models import OrgKind
from tests.factories import make_member, make_org
from tests.meetings.factories import make_body, make_meeting

MK = MeetingKind


def _view(result):
    rows = {
        r.org.pk: (
            r.light,
            r.evaluation.overdue,
            r.evaluation.due,
            r.evaluation.done,
            [
                (ln.check.id, ln.period_kind, ln.required, ln.applicable, ln.reason)
                for ln in r.evaluation.lines
            ],
        )
        for r in result.rows
    }
    return rows, result.totals


def same(cast, today, year=None):
    """The roll-up of street A with what is kept and with every period evaluated: equal."""
    year = year or today.year
    args = {"user": cast.street_sec, "root": cast.street_a, "year": year, "today": today}
    with TestCase.captureOnCommitCallbacks(execute=True):  # the rows are written on commit
        kept = _view(cadence_rollup(**args))
    full = _view(cadence_rollup(**args, keep=False))
    assert kept == full
    return kept[0]


@pytest.fixture
def street(cast):
    """Street A with a branch that has a committee (7 full members) and one that has not (6),
    and meetings of last year in closed and open periods, some on a period's last day."""
    y = timezone.localdate().year - 1
    big = make_org(parent=cast.comm_a2, kind=OrgKind.BRANCH, name="大支部")
    small = make_org(parent=cast.comm_a2, kind=OrgKind.BRANCH, name="小支部")
    big.members_list = [make_member(org=big) for _ in range(7)]
    small.members_list = [make_member(org=small) for _ in range(6)]
    for month in (1, 2, 4, 5, 6, 7):
        make_meeting(org=big, kind=MK.BRANCH_COMMITTEE, date=dt.date(y, month, 15))
        make_meeting(org=small, kind=MK.THEME_DAY, date=dt.date(y, month, 1))
    for day in (dt.date(y, 3, 31), dt.date(y, 6, 30), dt.date(y, 12, 31)):
        make_meeting(org=big, kind=MK.BRANCH_GENERAL, date=day)
        make_meeting(org=cast.branch_a, kind=MK.PARTY_LECTURE, date=day)
    make_meeting(org=cast.branch_a, kind=MK.ORG_LIFE, date=dt.date(y, 1, 20))
    make_meeting(org=small, kind=MK.MEMBER_APPRAISAL, date=dt.date(y, 2, 20))
    return y, big, small


@pytest.mark.parametrize(
    ("month", "day"),
    [(1, 1), (1, 31), (2, 1), (3, 30), (3, 31), (4, 1), (6, 30), (7, 1), (12, 31)],
)
def test_equal_to_the_full_evaluation_around_period_ends(cast, street, month, day):
    y, big, _small = street
    today = dt.date(y, month, day)
    first = same(cast, today)
    kept = CadenceKept.objects.filter(year=y)
    assert kept.count() == (len(first) if month > 1 else 0)  # nothing has ended on 31 January
    with CaptureQueriesContext(connection) as again:
        assert same(cast, today) == first
    assert not [q for q in again if q["sql"].lstrip().upper().startswith("INSERT")]


def test_a_year_that_has_ended_and_one_that_has_not_begun(cast, street):
    y, _big, _small = street
    same(cast, dt.date(y + 1, 1, 1), year=y)  # everything of last year closed
    assert CadenceKept.objects.filter(year=y).count() == len(same(cast, dt.date(y + 1, 1, 1), y))
    same(cast, dt.date(y, 12, 31), year=y + 1)  # nothing of the next year has begun
    assert not CadenceKept.objects.filter(year=y + 1).exists()


def test_the_kept_counts_are_what_the_page_adds(cast, street):
    """Proof that the rows are used (so the equalities above test something)."""
    y, big, _small = street
    today = dt.date(y, 8, 15)
    before = same(cast, today)
    CadenceKept.objects.filter(org=big, year=y).update(overdue=F("overdue") + 5)
    args = {"user": cast.street_sec, "root": cast.street_a, "year": y, "today": today}
    row = next(r for r in cadence_rollup(**args).rows if r.org.pk == big.pk)
    assert row.evaluation.overdue == before[big.pk][1] + 5


def _changed(cast, today, before, org):
    after = same(cast, today)
    assert after[org.pk] != before[org.pk]
    return after


def test_every_change_to_a_closed_period_is_seen(cast, street, override):
    y, big, small = street
    today = dt.date(y, 8, 15)
    before = same(cast, today)
    # a meeting recorded in a closed month
    m = make_meeting(org=big, kind=MK.BRANCH_COMMITTEE, date=dt.date(y, 3, 10))
    before = _changed(cast, today, before, big)
    # moved to another closed month that already had one, then cancelled
    msvc.meeting_update(meeting=m, acting_user=None, date=dt.date(y, 4, 10))
    before = _changed(cast, today, before, big)
    msvc.meeting_update(meeting=m, acting_user=None, date=dt.date(y, 3, 10), cancelled=True)
    same(cast, today)
    # its kind changed to one another rule counts
    msvc.meeting_update(meeting=m, acting_user=None, cancelled=False, kind=MK.PARTY_LECTURE)
    before = _changed(cast, today, before, big)
    # the locality's numbers: two committee meetings a month under street A
    override({"orgs": {cast.street_a.code: {"meeting.branch_committee": {"min_count": 2}}}})
    before = _changed(cast, today, before, big)
    override({})
    before = same(cast, today)
    # a seventh full member: the small branch gets a committee (and months without its meeting)
    make_member(org=small)
    before = _changed(cast, today, before, small)
    # a death: the big branch is down to six, no committee any more
    member_record_event(
        member=big.members_list[0],
        kind=EventKind.DEATH,
        date=timezone.localdate(),
        acting_user=None,
    )
    before = _changed(cast, today, before, big)
    # a new branch appears, kept from its first roll-up on
    new = make_org(parent=cast.comm_a, kind=OrgKind.BRANCH, name="新支部")
    assert new.pk in same(cast, today)
    assert CadenceKept.objects.filter(org=new, year=y).exists()


def test_leaders_and_bodies_of_past_meetings(cast, street):
    y, _big, _small = street
    today = dt.date(y, 8, 15)
    joint = make_body(org=cast.comm_a, kind=BodyKind.JOINT)
    leader = msvc.leader_link_create(
        acting_user=None, community=cast.comm_a, name="王县长", since=dt.date(y - 1, 1, 1)
    )
    council = make_meeting(org=cast.comm_a, kind=MK.COUNCIL, body=joint, date=dt.date(y, 2, 20))
    before = same(cast, today)
    msvc.meeting_set_leaders(meeting=council, leaders=[leader], acting_user=None)
    before = _changed(cast, today, before, cast.comm_a)
    other = msvc.leader_link_create(
        acting_user=None, community=cast.comm_a, name="李县长", since=dt.date(y - 1, 1, 1)
    )
    msvc.meeting_set_leaders(meeting=council, leaders=[other], acting_user=None)
    same(cast, today)
    msvc.meeting_set_leaders(meeting=council, leaders=[], acting_user=None)
    before = _changed(cast, today, before, cast.comm_a)
    body_update(body=joint, acting_user=None, kind=BodyKind.MEMBER_COUNCIL)
    _changed(cast, today, before, cast.comm_a)


def test_a_stale_row_is_replaced_in_one_statement_and_storing_twice_is_harmless(cast, street):
    y, big, _small = street
    today = dt.date(y, 8, 15)
    same(cast, today)
    make_meeting(org=big, kind=MK.BRANCH_COMMITTEE, date=dt.date(y, 3, 10))
    args = {"user": cast.street_sec, "root": cast.street_a, "year": y, "today": today}
    with CaptureQueriesContext(connection) as ctx:
        with TestCase.captureOnCommitCallbacks(execute=True):
            cadence_rollup(**args)
    writes = [q for q in ctx if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(writes) == 1 and "cadence" in writes[0]["sql"].lower()
    row = CadenceKept.objects.get(org=big, year=y)
    cadence_kept.store(y, [(big.pk, row.fingerprint, row.overdue, row.done)])  # a second request
    assert CadenceKept.objects.filter(org=big, year=y).count() == 1
    same(cast, today)
