"""Talk notes are need-to-know: the secretaries who may change the branch's records (a changing
grant on it or above) and the member talked with read the note; a read-only grant (the county
organisation department's viewer role) sees that a talk happened and when, not what was said."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.accounts.models import Grant
from dangjian.core.access import forget_scope
from dangjian.meetings.selectors.talks import talk_cadence, talks_of_member
from dangjian.meetings.services_talks import heart_talk_record

from .test_leaders_pages import client_as

pytestmark = pytest.mark.django_db
D = dt.date
NOTE = "家中老人住院，需要帮扶"
# the pages and the API read the real today: a talk in its month is in the current year
TODAY = timezone.localdate()
DAY = TODAY.replace(day=1)


@pytest.fixture
def talk(cast, secretary):
    return heart_talk_record(
        member=cast.member_a,
        talker=secretary,
        date=DAY,
        note=NOTE,
        acting_user=None,
        today=TODAY,
    )


@pytest.fixture
def county_org(cast, django_user_model):
    """A read-only user of the county organisation department (demo account county_org)."""
    user = django_user_model.objects.create_user("county_org_t", password=cast.password)
    Grant.objects.create(user=user, org=cast.county, role=Grant.Role.VIEWER)
    forget_scope(user)
    return user


def _notes(user, cast):
    result = talk_cadence(user=user, org=cast.branch_a, today=TODAY)
    return [
        (t.date, t.note, t.note_hidden) for s in result.sections for r in s.rows for t in r.talks
    ]


def test_secretaries_with_a_changing_grant_read_the_note(cast, talk):
    for user in (cast.branch_sec, cast.comm_a_sec, cast.street_sec, cast.admin):
        assert _notes(user, cast) == [(DAY, NOTE, False)], user


def test_a_viewer_sees_the_talk_and_its_date_but_not_the_note(cast, talk, county_org):
    assert _notes(county_org, cast) == [(DAY, "", True)]
    assert [t.note for t in talks_of_member(user=county_org, member_id=cast.member_a.pk)] == [""]
    text = client_as(county_org).get(f"/meetings/talks/?org={cast.branch_a.pk}&show=all")
    text = text.content.decode()
    assert (
        "张三" in text
        and f"{DAY.month}月1日" in text
        and NOTE not in text
        and "note-hidden" in text
    )


def test_the_member_reads_their_own_note_and_nobody_elses(cast, talk, secretary):
    mine = talks_of_member(user=cast.member_user, member_id=cast.member_a.pk)
    assert [t.note for t in mine] == [NOTE]
    assert NOTE in client_as(cast.member_user).get("/meetings/talks/mine/").content.decode()
    other = heart_talk_record(
        member=secretary.member,
        talker=_committee(cast),
        date=DAY,
        note="书记本人的谈话要点",
        acting_user=None,
        today=TODAY,
    )
    assert talks_of_member(user=cast.member_user, member_id=other.member_id) == []


def _committee(cast):
    from dangjian.orgs.models import Office
    from dangjian.orgs.services import office_create

    return office_create(
        acting_user=None,
        org=cast.comm_a,
        title=Office.Title.SECRETARY,
        holder_name="社区书记",
        term_start=D(2024, 1, 1),
    )


def test_the_api_gives_a_viewer_the_talk_without_the_note(cast, talk, county_org, client_for):
    r = client_for(county_org).get(f"/api/v1/meetings/talks/{cast.branch_a.pk}?show=all")
    assert r.status_code == 200
    talks = [t for row in r.json()["items"] for t in row["talks"]]
    assert [(t["date"], t["note"], t["note_hidden"]) for t in talks] == [
        (DAY.isoformat(), "", True)
    ]
    assert NOTE not in str(r.json())
    r = client_for(cast.branch_sec).get(f"/api/v1/meetings/talks/{cast.branch_a.pk}?show=all")
    assert NOTE in str(r.json())
