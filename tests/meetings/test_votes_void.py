"""A vote entered by mistake is withdrawn with a reason, audited, and kept — marked withdrawn,
never shown as the meeting's result."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.models import AuditEntry
from dangjian.meetings import services
from dangjian.meetings.models import MeetingKind, Vote
from dangjian.meetings.selectors.votes import votes_of
from dangjian.meetings.services_votes import vote_record, vote_void
from tests.factories import make_member

from .factories import make_meeting
from .test_leaders_pages import client_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def vote(cast):
    for i in range(3):
        make_member(org=cast.branch_a, name=f"表决{i}")
    m = make_meeting(org=cast.branch_a, kind=MeetingKind.BRANCH_GENERAL, date=dt.date(2026, 3, 1))
    services.attendance_record(meeting=m, marks=[], acting_user=None)
    return vote_record(meeting=m, motion="接收预备党员", yes=4, no=0, abstain=0, acting_user=None)


def test_a_withdrawn_vote_keeps_its_row_with_the_reason_and_who(cast, vote):
    out = vote_void(vote=vote, reason="赞成票录入错误", acting_user=cast.branch_sec)
    assert Vote.objects.filter(pk=vote.pk).exists()
    assert out.voided and out.void_reason == "赞成票录入错误" and out.voided_by == cast.branch_sec
    entry = AuditEntry.objects.filter(
        object_id=str(vote.pk), action=AuditEntry.Action.UPDATE
    ).latest("pk")
    assert "赞成票录入错误" in str(entry.changes)


def test_a_withdrawal_needs_a_reason_and_happens_once(cast, vote):
    with pytest.raises(ValidationError) as exc:
        vote_void(vote=vote, reason="  ", acting_user=cast.branch_sec)
    assert "reason" in exc.value.error_dict
    vote_void(vote=vote, reason="录错", acting_user=cast.branch_sec)
    with pytest.raises(ValidationError):
        vote_void(vote=vote, reason="又录错", acting_user=cast.branch_sec)


def test_a_secretary_of_another_community_cannot_withdraw(cast, vote):
    with pytest.raises(ValidationError):
        vote_void(vote=vote, reason="渗透", acting_user=cast.comm_b_sec)
    r = client_as(cast.comm_b_sec).post(f"/meetings/votes/{vote.pk}/void/", {"reason": "渗透"})
    assert r.status_code == 404
    vote.refresh_from_db()
    assert not vote.voided


def test_the_page_shows_a_withdrawn_vote_as_withdrawn_not_as_the_result(cast, vote):
    c = client_as(cast.branch_sec)
    text = c.get(f"/meetings/{vote.meeting_id}/").content.decode()
    assert "vote-void-form" in text and "data-confirm=" in text
    r = c.post(
        f"/meetings/votes/{vote.pk}/void/", {"reason": "票数录入错误", "version": vote.version}
    )
    assert r.status_code == 302 and r["Location"].endswith("#votes")
    text = c.get(f"/meetings/{vote.meeting_id}/").content.decode()
    row = text[text.index(f'data-vote="{vote.pk}"') :]
    row = row[: row.index("</li>")]
    assert "已撤销" in row and "票数录入错误" in row
    assert "通过" not in row.replace("不作为表决结果", "")
    assert 'data-voided="1"' in text and "vote-void-form" not in text


def test_a_withdrawal_without_a_reason_is_refused_on_the_page(cast, vote):
    c = client_as(cast.branch_sec)
    r = c.post(f"/meetings/votes/{vote.pk}/void/", {"reason": ""}, follow=True)
    assert "请填写撤销原因" in r.content.decode()
    vote.refresh_from_db()
    assert not vote.voided


def test_the_minutes_leave_a_withdrawn_vote_out(cast, vote):
    from docx import Document

    vote_void(vote=vote, reason="录错", acting_user=None)
    r = client_as(cast.branch_sec).get(f"/meetings/{vote.meeting_id}/minutes.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(r.streaming_content))).paragraphs)
    assert "接收预备党员" not in text
    assert votes_of(user=cast.admin, meeting=vote.meeting, standing=True) == []
    assert [v.pk for v in votes_of(user=cast.admin, meeting=vote.meeting)] == [vote.pk]
