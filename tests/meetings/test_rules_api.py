"""The API of the §13 rules kept by the meetings app: talks (list, record), lost contact (cases
with proposals, a decision), votes of a meeting (list, record, withdraw) — the same services
and selectors as the pages; another community gets the 404 a missing id gets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.meetings import services
from dangjian.meetings.models import MeetingKind, Vote
from dangjian.meetings.services_lost import lost_contact_record
from dangjian.members.models import EventKind, MemberEvent
from tests.factories import make_member

from .factories import make_meeting

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _post(c, url, body):
    return c.post(url, body, content_type="application/json")


# ---- talks ---------------------------------------------------------------------------------
def test_a_secretary_records_a_talk_and_the_list_shows_it(cast, secretary, client_for):
    c = client_for(cast.branch_sec)
    url = f"/api/v1/meetings/talks/{cast.branch_a.pk}"
    before = c.get(url).json()
    assert {r["name"] for r in before["items"]} == {"张三", "王书记"}
    r = _post(
        c, url, {"member_id": cast.member_a.pk, "talker_id": secretary.pk, "note": "谈了近况"}
    )
    assert r.status_code == 201, r.json()
    assert r.json()["date"] == TODAY.isoformat() and r.json()["talker_name"] == "王书记"
    after = c.get(url).json()
    assert after["missing"] == 1 and {r["name"] for r in after["items"]} == {"王书记"}
    full = c.get(url + "?show=all").json()["items"]
    zhang = next(r for r in full if r["name"] == "张三")
    assert zhang["done"] and zhang["talks"][0]["note"] == "谈了近况"


def test_a_talker_who_is_not_on_the_committee_is_refused(cast, secretary, client_for):
    c = client_for(cast.branch_sec)
    r = _post(
        c,
        f"/api/v1/meetings/talks/{cast.branch_a.pk}",
        {"member_id": secretary.member_id, "talker_id": secretary.pk},
    )
    assert r.status_code == 400 and "talker_id" in r.json()["errors"]


def test_another_community_gets_404_for_talks(cast, secretary, client_for):
    c = client_for(cast.comm_b_sec)
    url = f"/api/v1/meetings/talks/{cast.branch_a.pk}"
    missing = "/api/v1/meetings/talks/987654321"
    assert c.get(url).status_code == 404 and c.get(url).json() == c.get(missing).json()
    body = {"member_id": cast.member_a.pk, "talker_id": secretary.pk}
    assert _post(c, url, body).status_code == 404


# ---- lost contact --------------------------------------------------------------------------
@pytest.fixture
def case(cast):
    return lost_contact_record(
        member=cast.member_a,
        lost_on=TODAY - dt.timedelta(days=400),
        note="电话停机",
        acting_user=None,
    )


def test_the_lost_list_proposes_suspension_and_a_decision_is_recorded(cast, case, client_for):
    c = client_for(cast.comm_a_sec)
    listed = c.get(f"/api/v1/meetings/lost/{cast.comm_a.pk}").json()
    assert listed["proposals"] == 1
    (item,) = listed["items"]
    assert item["proposal"] == "suspend" and item["proposal_label"] == "停止党籍"
    r = _post(
        c,
        f"/api/v1/meetings/lost/cases/{case.pk}/decisions",
        {"kind": "suspend", "decided_by": "支部委员会"},
    )
    assert r.status_code == 201, r.json()
    assert MemberEvent.objects.filter(
        member=cast.member_a, kind=EventKind.LOST_CONTACT, pk=r.json()["member_event_id"]
    ).exists()
    (item,) = c.get(f"/api/v1/meetings/lost/{cast.comm_a.pk}").json()["items"]
    assert item["proposal"] == "" and item["suspended_on"] == TODAY.isoformat()


def test_a_decision_before_its_time_is_refused(cast, client_for):
    early = lost_contact_record(
        member=cast.member_a, lost_on=TODAY - dt.timedelta(days=30), acting_user=None
    )
    r = _post(
        client_for(cast.comm_a_sec),
        f"/api/v1/meetings/lost/cases/{early.pk}/decisions",
        {"kind": "suspend", "decided_by": "支部委员会"},
    )
    assert r.status_code == 400 and "decided_on" in r.json()["errors"]


def test_another_community_gets_404_for_lost_contact(cast, case, client_for):
    c = client_for(cast.comm_b_sec)
    assert c.get(f"/api/v1/meetings/lost/{cast.comm_a.pk}").status_code == 404
    url = f"/api/v1/meetings/lost/cases/{case.pk}/decisions"
    body = {"kind": "suspend", "decided_by": "渗透"}
    r = _post(c, url, body)
    missing = _post(c, "/api/v1/meetings/lost/cases/987654321/decisions", body)
    assert (r.status_code, r.json()) == (missing.status_code, missing.json()) == (404, r.json())


# ---- votes ---------------------------------------------------------------------------------
@pytest.fixture
def meeting(cast):
    for i in range(3):
        make_member(org=cast.branch_a, name=f"表决{i}")
    m = make_meeting(org=cast.branch_a, kind=MeetingKind.BRANCH_GENERAL, date=dt.date(2026, 3, 1))
    services.attendance_record(meeting=m, marks=[], acting_user=None)
    return m


def test_votes_are_recorded_listed_and_withdrawn(cast, meeting, client_for):
    c = client_for(cast.branch_sec)
    url = f"/api/v1/meetings/{meeting.pk}/votes"
    r = _post(c, url, {"motion": "接收预备党员", "yes": 3, "no": 1, "abstain": 0})
    assert r.status_code == 201, r.json()
    vote = r.json()
    assert vote["passed"] is True and vote["expected"] == 4 and vote["needed"] == 3
    r = _post(c, f"/api/v1/meetings/votes/{vote['id']}/void", {"reason": ""})
    assert r.status_code == 400 and "reason" in r.json()["errors"]
    r = _post(
        c,
        f"/api/v1/meetings/votes/{vote['id']}/void",
        {"reason": "票数录入错误", "version": vote["version"]},
    )
    assert r.status_code == 200 and r.json()["voided"] and r.json()["passed"] is None
    (listed,) = c.get(url).json()
    assert listed["voided"] and listed["void_reason"] == "票数录入错误"
    assert Vote.objects.filter(pk=vote["id"]).exists()


def test_a_stale_version_is_a_conflict(cast, meeting, client_for):
    c = client_for(cast.branch_sec)
    vote = _post(c, f"/api/v1/meetings/{meeting.pk}/votes", {"motion": "事项", "yes": 3}).json()
    r = _post(c, f"/api/v1/meetings/votes/{vote['id']}/void", {"reason": "错", "version": 99})
    assert r.status_code == 409


def test_a_vote_beyond_those_present_is_refused(cast, meeting, client_for):
    r = _post(
        client_for(cast.branch_sec),
        f"/api/v1/meetings/{meeting.pk}/votes",
        {"motion": "事项", "yes": 4, "no": 2},
    )
    assert r.status_code == 400 and "多于到会" in r.json()["detail"]


def test_another_community_gets_404_for_votes(cast, meeting, client_for):
    vote = _post(
        client_for(cast.branch_sec),
        f"/api/v1/meetings/{meeting.pk}/votes",
        {"motion": "事项", "yes": 3},
    ).json()
    c = client_for(cast.comm_b_sec)
    for path in (f"/api/v1/meetings/{meeting.pk}/votes",):
        assert c.get(path).status_code == 404
        assert _post(c, path, {"motion": "渗透", "yes": 1}).status_code == 404
    r = _post(c, f"/api/v1/meetings/votes/{vote['id']}/void", {"reason": "渗透"})
    missing = _post(c, "/api/v1/meetings/votes/987654321/void", {"reason": "渗透"})
    assert r.status_code == 404 and r.json() == missing.json()
    assert not Vote.objects.get(pk=vote["id"]).voided_at
