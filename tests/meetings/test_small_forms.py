"""The small forms on a meeting's page (a vote, an attachment): a mistake brings the same page
back (400) with the message beside the field and what was typed kept; nothing is saved."""

from __future__ import annotations

import datetime as dt
import html

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dangjian.meetings import services
from dangjian.meetings.models import MeetingKind, Vote
from dangjian.meetings.services import Mark
from dangjian.members.models import Status
from tests.factories import make_member

from .factories import make_meeting

TODAY = timezone.localdate()


def _general(cast, absent=0):
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


def _form(r, marker: str) -> str:
    return html.unescape(r.content.decode()).split(marker)[1].split("</form>")[0]


def test_a_vote_count_in_words_comes_back_beside_the_field(cast, client_for):
    m = _general(cast)
    r = client_for(cast.comm_a_sec).post(
        reverse("meetings:vote_add", args=[m.pk]),
        {"motion": "接收李某为预备党员", "yes": "三", "no": "1", "abstain": "0"},
    )
    assert r.status_code == 400
    form = _form(r, 'id="vote-form"')
    assert "请填写整数" in form.split('id="vote-field-yes"')[1].split('id="vote-field-')[0]
    assert 'value="接收李某为预备党员"' in form and 'value="三"' in form
    assert not Vote.objects.exists()


def test_a_vote_without_a_quorum_is_refused_on_the_form(cast, client_for):
    m = _general(cast, absent=2)
    r = client_for(cast.comm_a_sec).post(
        reverse("meetings:vote_add", args=[m.pk]),
        {"motion": "接收李某", "yes": "2", "no": "0", "abstain": "0"},
    )
    assert r.status_code == 400
    form = _form(r, 'id="vote-form"')
    assert "不能进行表决" in form and 'value="接收李某"' in form
    assert not Vote.objects.exists()


def test_an_empty_attachment_is_told_beside_the_field(cast, client_for):
    m = _general(cast)
    r = client_for(cast.comm_a_sec).post(
        reverse("meetings:attach", args=[m.pk]),
        {"file": SimpleUploadedFile("签到表.pdf", b"", content_type="application/pdf")},
    )
    assert r.status_code == 400
    assert "文件是空的" in _form(r, 'id="attach-form"')
    assert not m.files.exists()


def test_a_decision_note_too_long_for_the_members_record_is_refused_not_cut(cast):
    from django.core.exceptions import ValidationError

    from dangjian.meetings.models import LostContactDecision, LostDecisionKind
    from dangjian.meetings.services_lost import lost_contact_decide, lost_contact_record
    from dangjian.members.models import MemberEvent

    case = lost_contact_record(
        member=cast.member_a,
        lost_on=dt.date(2022, 1, 31),
        note="电话停机",
        acting_user=None,
        today=dt.date(2022, 2, 1),
    )
    events = MemberEvent.objects.count()
    kw = {
        "case": case,
        "kind": LostDecisionKind.SUSPEND,
        "decided_on": dt.date(2022, 8, 1),
        "decided_by": "支部委员会",
        "acting_user": None,
        "today": dt.date(2022, 8, 1),
    }
    try:
        lost_contact_decide(note="查" * 290, **kw)
    except ValidationError as exc:
        [message] = exc.message_dict["note"]
    else:
        raise AssertionError("a note that does not fit was accepted")
    assert message.startswith("不能超过 ") and "（现在 290 个字）" in message
    assert MemberEvent.objects.count() == events and not LostContactDecision.objects.exists()
    decision = lost_contact_decide(note="多次上门未见本人", **kw)
    assert decision.member_event.note.endswith("（支部委员会决定） 多次上门未见本人")


def test_a_leave_answer_too_long_comes_back_on_its_row(cast, client_for):
    from dangjian.meetings.models import LeaveState

    meeting = make_meeting(org=cast.branch_a, date=TODAY + dt.timedelta(days=7))
    leave = services.leave_request(
        meeting=meeting, member=cast.member_a, reason="外出探亲", acting_user=None
    )
    answer = "同" * 230
    r = client_for(cast.comm_a_sec).post(
        reverse("meetings:leave_decide", args=[leave.pk]),
        {"decision": "approve", "answer": answer, "version": leave.version},
    )
    assert r.status_code == 400
    form = _form(r, f'id="leave-{leave.pk}"')
    field = form.split(f'id="leave-{leave.pk}-answer"')[1]
    assert "不能超过 200 个字（现在 230 个字）" in field and f'value="{answer}"' in field
    leave.refresh_from_db()
    assert leave.state == LeaveState.PENDING


def test_a_withdrawal_of_a_vote_without_a_reason_comes_back_on_its_row(cast, client_for):
    from dangjian.meetings.services_votes import vote_record

    m = _general(cast)
    vote = vote_record(meeting=m, acting_user=None, motion="选举组织委员", yes=3, no=1, abstain=0)
    r = client_for(cast.comm_a_sec).post(
        reverse("meetings:vote_void", args=[vote.pk]), {"reason": "", "version": vote.version}
    )
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    row = page[page.index(f'data-vote="{vote.pk}"') :]
    row = row[: row.index("</li>")]
    assert "请填写撤销原因" in row.split(f'id="vote-void-{vote.pk}-reason"')[1]
    assert '<details class="mt-1" open>' in row
    vote.refresh_from_db()
    assert not vote.voided
