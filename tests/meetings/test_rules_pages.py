"""The pages of the §13 rules kept by the meetings app — heart-to-heart talks, lost contact,
general-meeting votes: what a secretary sees and does, what a member sees, and audit."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.meetings import services
from dangjian.meetings.models import HeartTalk, LostContact, MeetingKind, Vote
from dangjian.meetings.services import Mark
from dangjian.meetings.services_lost import lost_contact_record
from dangjian.meetings.services_talks import heart_talk_record
from dangjian.members.models import Member, State, Status
from tests.factories import make_member

from .factories import make_meeting

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def client_as(user) -> Client:
    c = Client()
    c.force_login(user, backend="dangjian.accounts.backends.ModelBackend")
    return c


# ---- talks ----------------------------------------------------------------------------------
def test_the_talks_page_lists_members_not_talked_with_and_shows_the_rule_and_source(
    cast, secretary
):
    r = client_as(cast.comm_a_sec).get(f"/meetings/talks/?org={cast.branch_a.pk}")
    text = r.content.decode()
    assert r.status_code == 200
    assert "张三" in text and "第十八条" in text and "meeting.heart_talk" in text


def test_a_secretary_records_a_talk_from_a_phone_form_and_the_member_leaves_the_list(
    cast, secretary
):
    c = client_as(cast.branch_sec)
    url = f"/meetings/talks/{cast.branch_a.pk}/new/{cast.member_a.pk}/"
    page = c.get(url)
    assert page.status_code == 200 and "王书记" in page.content.decode()
    r = c.post(url, {"talker": secretary.pk, "date": TODAY.isoformat(), "note": "谈了身体情况"})
    assert r.status_code == 302
    talk = HeartTalk.objects.get(member=cast.member_a)
    assert talk.talker == secretary and talk.recorded_by == cast.branch_sec
    text = c.get(f"/meetings/talks/?org={cast.branch_a.pk}").content.decode()
    assert f'data-member="{cast.member_a.pk}"' not in text
    text = c.get(f"/meetings/talks/?org={cast.branch_a.pk}&show=all").content.decode()
    assert "谈了身体情况" in text


def test_a_talk_in_the_future_is_refused_on_the_form(cast, secretary):
    c = client_as(cast.branch_sec)
    url = f"/meetings/talks/{cast.branch_a.pk}/new/{cast.member_a.pk}/"
    r = c.post(url, {"talker": secretary.pk, "date": (TODAY + dt.timedelta(days=1)).isoformat()})
    assert r.status_code == 200 and "不能晚于今天" in r.content.decode()
    assert not HeartTalk.objects.exists()


@pytest.fixture
def talk(cast, secretary):
    return heart_talk_record(
        member=cast.member_a,
        talker=secretary,
        date=TODAY,
        note="家中困难已转社区",
        acting_user=None,
    )


def test_the_member_sees_their_own_talk_and_another_member_does_not(cast, talk):
    r = client_as(cast.member_user).get("/meetings/talks/mine/")
    assert r.status_code == 200 and "家中困难已转社区" in r.content.decode()
    other = make_member(org=cast.branch_a, name="同支部党员")
    from django.contrib.auth import get_user_model

    u = get_user_model().objects.create_user("same_branch", password="x-Pass-2026")
    Member.objects.filter(pk=other.pk).update(user=u)
    r = client_as(u).get("/meetings/talks/mine/")
    assert r.status_code == 200 and "家中困难已转社区" not in r.content.decode()
    assert HeartTalk.objects.visible_to(u).count() == 0
    assert client_as(u).get(f"/meetings/talks/?org={cast.branch_a.pk}").status_code == 404


# ---- lost contact ---------------------------------------------------------------------------
def test_the_lost_page_proposes_suspension_and_the_decision_reaches_the_member_record(cast):
    lost_on = TODAY - dt.timedelta(days=200)
    case = lost_contact_record(member=cast.member_a, lost_on=lost_on, acting_user=None)
    c = client_as(cast.comm_a_sec)
    text = c.get(f"/meetings/lost/?org={cast.comm_a.pk}").content.decode()
    assert "建议停止党籍" in text and "第二十四条" in text
    assert f"{lost_on.year}年{lost_on.month}月{lost_on.day}日" in text
    page = c.get(f"/meetings/lost/case/{case.pk}/decide/")
    assert page.status_code == 200 and "data-confirm=" in page.content.decode()
    r = c.post(
        f"/meetings/lost/case/{case.pk}/decide/",
        {"kind": "suspend", "decided_on": TODAY.isoformat(), "decided_by": "支部委员会"},
    )
    assert r.status_code == 302
    assert Member.objects.get(pk=cast.member_a.pk).state == State.SUSPENDED
    text = c.get(f"/meetings/lost/?org={cast.comm_a.pk}").content.decode()
    assert "停止党籍" in text and "建议停止党籍" not in text


def test_recording_a_loss_and_the_regained_contact_through_the_pages(cast):
    c = client_as(cast.comm_a_sec)
    assert c.get(f"/meetings/lost/{cast.comm_a.pk}/new/").status_code == 200
    r = c.post(
        f"/meetings/lost/{cast.comm_a.pk}/new/",
        {"member": cast.member_a.pk, "lost_on": TODAY.isoformat(), "note": "搬家后失联"},
    )
    assert r.status_code == 302
    case = LostContact.objects.get(member=cast.member_a)
    assert case.org == cast.branch_a and case.recorded_by == cast.comm_a_sec
    r = c.post(f"/meetings/lost/case/{case.pk}/found/", {"found_on": TODAY.isoformat()})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.found_on == TODAY
    assert "搬家后失联" not in c.get(f"/meetings/lost/?org={cast.comm_a.pk}").content.decode()


def test_no_decision_page_before_the_rule_allows_one(cast):
    case = lost_contact_record(member=cast.member_a, lost_on=TODAY, acting_user=None)
    r = client_as(cast.comm_a_sec).get(f"/meetings/lost/case/{case.pk}/decide/")
    assert r.status_code == 302


# ---- votes -----------------------------------------------------------------------------------
@pytest.fixture
def general(cast):
    """A general meeting of 文化东路第一楼栋党支部: 张三 and three more full members, one
    probationary member; attendance taken with ``absent`` full members absent."""

    def make(absent: int):
        fulls = [cast.member_a] + [make_member(org=cast.branch_a) for _ in range(3)]
        make_member(org=cast.branch_a, status=Status.PROBATIONARY)
        m = make_meeting(
            org=cast.branch_a,
            kind=MeetingKind.BRANCH_GENERAL,
            date=TODAY - dt.timedelta(days=1),
            topic="接收预备党员大会",
        )
        marks = [Mark(status="absent", member_id=f.pk) for f in fulls[:absent]]
        services.attendance_record(meeting=m, marks=marks, acting_user=None)
        return m

    return make


def test_a_vote_is_recorded_on_the_meeting_page_and_shown_with_its_result(cast, general):
    m = general(absent=0)
    c = client_as(cast.comm_a_sec)
    page = c.get(f"/meetings/{m.pk}/").content.decode()
    assert 'id="vote-form"' in page and "data-confirm=" in page
    r = c.post(
        f"/meetings/{m.pk}/votes/",
        {"motion": "接收李某为预备党员", "yes": 2, "no": 2, "abstain": 0},
    )
    assert r.status_code == 302
    r = c.post(
        f"/meetings/{m.pk}/votes/", {"motion": "选举组织委员", "yes": 3, "no": 1, "abstain": 0}
    )
    text = c.get(f"/meetings/{m.pk}/").content.decode()
    assert "接收李某为预备党员" in text and "未通过" in text and "选举组织委员" in text
    assert list(Vote.objects.order_by("id").values_list("passed", flat=True)) == [False, True]
    # the plain member of the branch sees the results, not the form
    text = client_as(cast.member_user).get(f"/meetings/{m.pk}/").content.decode()
    assert "选举组织委员" in text and 'id="vote-form"' not in text


def test_without_a_quorum_the_vote_is_refused_with_a_clear_message(cast, general):
    m = general(absent=2)
    c = client_as(cast.comm_a_sec)
    r = c.post(
        f"/meetings/{m.pk}/votes/",
        {"motion": "接收李某", "yes": 2, "no": 0, "abstain": 0},
        follow=True,
    )
    text = r.content.decode()
    assert "未超过应到人数的半数" in text and "不能进行表决" in text
    assert not Vote.objects.exists()


def test_the_minutes_docx_carries_the_votes(cast, general):
    from docx import Document

    m = general(absent=0)
    client_as(cast.comm_a_sec).post(
        f"/meetings/{m.pk}/votes/", {"motion": "选举组织委员", "yes": 3, "no": 1, "abstain": 0}
    )
    r = client_as(cast.comm_a_sec).get(f"/meetings/{m.pk}/minutes.docx")
    doc = Document(io.BytesIO(b"".join(r.streaming_content)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "表决情况" in text and "选举组织委员" in text and "赞成 3 票" in text
    assert text.index("表决情况") < text.index("主持人（签字）")
