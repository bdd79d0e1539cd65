"""The branch secretary's own party lecture (rule meeting.party_lecture, secretary_per_year):
who lectured is recorded on the lecture; the secretary who has not lectured this year is
flagged on the branch's page and in 待办 — at the boundaries of the year, and only for a
lecture the secretary gave."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core.models import AuditEntry
from dangjian.meetings import services
from dangjian.meetings.models import MeetingKind
from dangjian.meetings.selectors.lectures import missing_count, secretary_lectures
from dangjian.orgs.models import Office
from dangjian.orgs.services import office_create
from tests.factories import make_member

from .factories import make_meeting
from .test_leaders_pages import client_as

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 12, 31)
LECTURE = MeetingKind.PARTY_LECTURE


def _lecture(org, on, lecturer, **kw):
    return make_meeting(org=org, kind=LECTURE, date=on, lecturer=lecturer, **kw)


def _row(cast, today=TODAY, year=None):
    result = secretary_lectures(
        user=cast.admin, org=cast.comm_a, year=year or today.year, today=today
    )
    return next(r for r in result.rows if r.org == cast.branch_a)


def test_a_secretary_without_a_lecture_this_year_is_flagged(cast, secretary):
    row = _row(cast)
    assert row.office == secretary and row.need == 1 and row.count == 0 and not row.done


def test_a_lecture_on_the_first_day_of_the_year_counts(cast, secretary):
    _lecture(cast.branch_a, D(2026, 1, 1), secretary.member)
    assert _row(cast).done


def test_a_lecture_on_the_last_day_of_the_year_counts(cast, secretary):
    _lecture(cast.branch_a, D(2026, 12, 31), secretary.member)
    assert _row(cast).done


def test_last_years_lecture_on_its_last_day_does_not_count_this_year(cast, secretary):
    _lecture(cast.branch_a, D(2025, 12, 31), secretary.member)
    assert not _row(cast).done
    assert _row(cast, year=2025).done


def test_a_lecture_by_someone_else_does_not_count_for_the_secretary(cast, secretary):
    _lecture(cast.branch_a, D(2026, 6, 1), cast.member_a)
    _lecture(cast.branch_a, D(2026, 6, 2), None)
    row = _row(cast)
    assert row.count == 0 and not row.done


def test_a_cancelled_lecture_and_one_of_another_kind_do_not_count(cast, secretary):
    m = _lecture(cast.branch_a, D(2026, 6, 1), secretary.member)
    services.meeting_update(meeting=m, acting_user=None, cancelled=True)
    make_meeting(org=cast.branch_a, kind=MeetingKind.THEME_DAY, date=D(2026, 6, 2))
    assert not _row(cast).done


def test_a_lecture_to_a_group_of_the_branch_counts_one_to_another_branch_does_not(cast, secretary):
    _lecture(cast.branch_a_2, D(2026, 3, 1), secretary.member)
    assert not _row(cast).done
    _lecture(cast.group_a, D(2026, 3, 2), secretary.member)
    assert _row(cast).done


def test_a_lecture_after_today_is_not_yet_given(cast, secretary):
    _lecture(cast.branch_a, D(2026, 12, 1), secretary.member)
    assert not _row(cast, today=D(2026, 11, 30)).done
    assert _row(cast, today=D(2026, 12, 1)).done


def test_with_a_locality_rule_of_two_one_lecture_is_under(cast, secretary, override):
    override({"orgs": {"CA": {"meeting.party_lecture": {"secretary_per_year": 2}}}})
    _lecture(cast.branch_a, D(2026, 3, 1), secretary.member)
    row = _row(cast)
    assert row.need == 2 and not row.done
    assert missing_count(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY) == 1
    _lecture(cast.branch_a, D(2026, 9, 1), secretary.member)
    assert _row(cast).done
    assert missing_count(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY) == 0


def test_the_latest_secretary_is_the_one_asked(cast, secretary):
    newcomer = make_member(org=cast.branch_a, name="新书记")
    # the old record is still open (nobody entered the day they left): the later one counts
    new = office_create(
        acting_user=None,
        org=cast.branch_a,
        title=Office.Title.SECRETARY,
        member=newcomer,
        term_start=D(2026, 7, 1),
    )
    _lecture(cast.branch_a, D(2026, 3, 1), secretary.member)
    assert _row(cast).office == new and not _row(cast).done
    assert missing_count(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY) == 1
    _lecture(cast.branch_a, D(2026, 8, 1), newcomer)
    assert _row(cast).done
    assert missing_count(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY) == 0


def test_the_home_page_count_agrees_with_the_page_in_one_query(cast, secretary):
    office_create(
        acting_user=None,
        org=cast.branch_a_2,
        title=Office.Title.SECRETARY,
        holder_name="只有姓名的书记",
        term_start=D(2024, 1, 1),
    )
    listed = secretary_lectures(user=cast.comm_a_sec, org=cast.comm_a, year=2026, today=TODAY)
    assert {r.org.name for r in listed.missing} == {cast.branch_a.name, cast.branch_a_2.name}
    with CaptureQueriesContext(connection) as ctx:
        n = missing_count(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)
    assert n == 2 == len(listed.missing)
    assert len(ctx.captured_queries) == 1  # one COUNT with a correlated subquery, any size
    _lecture(cast.branch_a, D(2026, 5, 1), secretary.member)
    assert missing_count(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY) == 1


def test_the_todo_names_the_branches_and_is_pressing_only_in_the_last_quarter(cast, secretary):
    from dangjian.core.todos import INFO, WARNING, todos_for

    def item(today):
        items = todos_for(user=cast.comm_a_sec, org=cast.comm_a, today=today)
        return next((t for t in items if "讲党课" in t.label), None)

    assert item(D(2026, 4, 1)).level == INFO
    late = item(D(2026, 11, 1))
    assert late.level == WARNING and late.count == 1 and "/meetings/cadence/" in late.url
    _lecture(cast.branch_a, D(2026, 4, 1), secretary.member)
    assert item(D(2026, 11, 1)) is None
    assert item(D(2027, 1, 2)).count == 1  # a new year asks again


def test_another_community_does_not_count_community_as_secretaries(cast, secretary):
    assert missing_count(user=cast.comm_b_sec, org=cast.comm_b, today=TODAY) == 0


# ---- the pages -----------------------------------------------------------------------------
def test_the_branch_page_flags_the_secretary_in_red(cast, secretary):
    c = client_as(cast.branch_sec)
    text = c.get(f"/meetings/cadence/?org={cast.branch_a.pk}&year=2026").content.decode()
    assert 'id="secretary-lecture"' in text and "王书记" in text
    assert 'data-state="missing"' in text and "text-bg-danger" in text
    _lecture(cast.branch_a, D(2026, 2, 1), secretary.member)
    text = c.get(f"/meetings/cadence/?org={cast.branch_a.pk}&year=2026").content.decode()
    assert 'data-state="done"' in text


def test_the_meeting_form_records_the_lecturer_with_an_audit_entry(cast, secretary):
    c = client_as(cast.branch_sec)
    form = c.get(f"/meetings/new/?org={cast.branch_a.pk}").content.decode()
    assert 'id="field-lecturer"' in form and "王书记" in form
    r = c.post(
        f"/meetings/new/?org={cast.branch_a.pk}",
        {
            "kind": LECTURE,
            "date": "2026-03-01",
            "topic": "书记讲党课",
            "lecturer": secretary.member_id,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    from dangjian.meetings.models import Meeting

    m = Meeting.objects.get(topic="书记讲党课")
    assert m.lecturer_id == secretary.member_id
    entries = AuditEntry.objects.filter(object_id=str(m.pk), action=AuditEntry.Action.CREATE)
    assert any("lecturer" in str(e.changes) for e in entries)
    assert "王书记" in c.get(f"/meetings/{m.pk}/").content.decode()


def test_another_kind_drops_the_lecturer(cast, secretary):
    m = make_meeting(
        org=cast.branch_a, kind=MeetingKind.THEME_DAY, lecturer=secretary.member, topic="主题党日"
    )
    assert m.lecturer_id is None
    lecture = _lecture(cast.branch_a, D(2026, 3, 1), secretary.member)
    services.meeting_update(meeting=lecture, acting_user=None, kind=MeetingKind.THEME_DAY)
    lecture.refresh_from_db()
    assert lecture.lecturer_id is None


def test_a_lecturer_from_another_community_is_refused(cast, secretary):
    with pytest.raises(ValidationError) as exc:
        _lecture(cast.branch_a, D(2026, 3, 1), cast.member_b)
    assert "lecturer" in exc.value.error_dict
    c = client_as(cast.branch_sec)
    r = c.post(
        f"/meetings/new/?org={cast.branch_a.pk}",
        {
            "kind": LECTURE,
            "date": "2026-03-01",
            "topic": "外社区讲课",
            "lecturer": cast.member_b.pk,
        },
    )
    assert r.status_code == 200 and "讲课人须是本社区在册的党员" in r.content.decode()


# ---- the API -------------------------------------------------------------------------------
def test_the_api_sets_and_clears_the_lecturer(cast, secretary, client_for):
    c = client_for(cast.comm_a_sec)
    r = c.post(
        "/api/v1/meetings/",
        {
            "org_id": cast.branch_a.pk,
            "kind": LECTURE,
            "date": "2026-03-01",
            "topic": "接口党课",
            "lecturer_id": secretary.member_id,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["lecturer_id"] == secretary.member_id and body["lecturer_name"] == "王书记"
    r = c.patch(
        f"/api/v1/meetings/{body['id']}",
        {"version": body["version"], "lecturer_id": ""},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["lecturer_id"] is None
    r = c.patch(
        f"/api/v1/meetings/{body['id']}",
        {"lecturer_id": cast.member_b.pk},
        content_type="application/json",
    )
    assert r.status_code == 400 and "lecturer" in r.json()["errors"]
