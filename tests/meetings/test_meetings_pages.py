"""The meeting pages: list, create and edit, detail, the tick list, leave and attachments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.accounts.models import Grant
from dangjian.core.access import forget_scope
from dangjian.core.models import AuditEntry
from dangjian.meetings import services
from dangjian.meetings.models import (
    Attendance,
    AttendanceStatus,
    LeaveState,
    Meeting,
    MeetingFile,
    MeetingKind,
)
from dangjian.members.models import Status
from tests.factories import make_member

from .factories import make_body, make_meeting, make_seat

pytestmark = pytest.mark.django_db
BACKEND = "dangjian.accounts.backends.ModelBackend"
P, E, A = AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT
PAST = dt.date(2026, 3, 15)


@pytest.fixture
def client_for(db):
    def make(user) -> Client:
        c = Client()
        c.force_login(user, backend=BACKEND)
        return c

    return make


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def viewer(cast):
    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    forget_scope(cast.outsider)
    return cast.outsider


def count_queries(fetch) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fetch()
    return len(ctx.captured_queries)


def future() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=10)


# ---- list ----------------------------------------------------------------------------------
def test_the_list_shows_counts_per_meeting_and_flags_upcoming_ones(cast, client_for):
    absent = make_member(org=cast.branch_a, name="缺席者")
    held = make_meeting(org=cast.branch_a, topic="三月党员大会")
    services.attendance_record(
        meeting=held, marks=[services.Mark(status=A, member_id=absent.pk)], acting_user=None
    )
    make_meeting(org=cast.branch_a, topic="下周主题党日", kind=MeetingKind.THEME_DAY, date=future())
    r = client_for(cast.comm_a_sec).get("/meetings/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "三月党员大会" in html and "下周主题党日" in html
    row = html[html.index("三月党员大会") :].split("</tr>")[0]
    assert '<td class="text-center">1</td>' in row  # one present
    assert "text-danger fw-bold" in row  # one absent, in red
    assert html.count("upcoming") == 1
    assert 'id="new-meeting"' in html


def test_the_list_filters_by_organisation_kind_period_and_topic(cast, client_for):
    make_meeting(org=cast.branch_a, topic="第一支部会", date=dt.date(2025, 5, 1))
    make_meeting(org=cast.branch_a_2, topic="离退休支部会", date=dt.date(2026, 2, 1))
    make_meeting(org=cast.branch_a_2, topic="离退休党课", kind=MeetingKind.PARTY_LECTURE, date=PAST)
    c = client_for(cast.comm_a_sec)

    def topics(query: str) -> set[str]:
        html = c.get(f"/meetings/?{query}").content.decode()
        return {t for t in ("第一支部会", "离退休支部会", "离退休党课") if t in html}

    assert topics(f"org={cast.branch_a_2.pk}") == {"离退休支部会", "离退休党课"}
    assert topics(f"org={cast.comm_a.pk}") == {"第一支部会", "离退休支部会", "离退休党课"}
    assert topics("kind=party_lecture") == {"离退休党课"}
    assert topics("year=2025") == {"第一支部会"}
    assert topics("date_from=2026-01-01&date_to=2026-02-28") == {"离退休支部会"}
    assert topics("q=党课") == {"离退休党课"}


def test_another_community_sees_none_of_the_meetings(cast, client_for):
    make_meeting(org=cast.branch_a, topic="甲社区的会")
    html = client_for(cast.comm_b_sec).get("/meetings/").content.decode()
    assert "甲社区的会" not in html
    html = client_for(cast.comm_b_sec).get(f"/meetings/?org={cast.comm_a.pk}").content.decode()
    assert "甲社区的会" not in html


def test_the_list_costs_the_same_queries_for_5_and_50_meetings(cast, client_for):
    c = client_for(cast.comm_a_sec)
    for i in range(5):
        m = make_meeting(org=cast.branch_a, date=PAST - dt.timedelta(days=i))
        services.attendance_record(meeting=m, marks=[], acting_user=None)
    c.get("/meetings/")
    n5 = count_queries(lambda: c.get("/meetings/"))
    for i in range(5, 50):
        m = make_meeting(org=cast.branch_a, date=PAST - dt.timedelta(days=i))
        services.attendance_record(meeting=m, marks=[], acting_user=None)
    assert count_queries(lambda: c.get("/meetings/")) == n5


# ---- create and edit -----------------------------------------------------------------------
def test_a_secretary_creates_a_meeting_for_a_branch(cast, client_for):
    c = client_for(cast.comm_a_sec)
    r = c.get(f"/meetings/new/?org={cast.branch_a.pk}")
    html = r.content.decode()
    assert r.status_code == 200
    assert "支部党员大会" in html and "党小组会" not in html  # branch kinds only
    r = c.post(
        f"/meetings/new/?org={cast.branch_a.pk}",
        {"kind": "branch_general", "date": "2026-03-01", "topic": "三月党员大会", "host": "王书记"},
    )
    meeting = Meeting.objects.get(topic="三月党员大会")
    assert r.status_code == 302 and r["Location"] == f"/meetings/{meeting.pk}/"
    assert (meeting.org, meeting.host, meeting.created_by) == (
        cast.branch_a,
        "王书记",
        cast.comm_a_sec,
    )
    assert AuditEntry.objects.filter(object_id=str(meeting.pk), action="create").exists()


def test_a_group_holds_group_meetings_and_a_community_its_councils(cast, client_for):
    c = client_for(cast.comm_a_sec)
    html = c.get(f"/meetings/new/?org={cast.group_a.pk}").content.decode()
    assert "党小组会" in html and "支部党员大会" not in html
    html = c.get(f"/meetings/new/?org={cast.comm_a.pk}").content.decode()
    assert "议事协调会议" not in html  # no body yet
    body = make_body(org=cast.comm_a, name="甲社区联席会")
    html = c.get(f"/meetings/new/?org={cast.comm_a.pk}").content.decode()
    assert "议事协调会议" in html and "甲社区联席会" in html
    r = c.post(
        f"/meetings/new/?org={cast.comm_a.pk}",
        {"kind": "council", "date": "2026-03-01", "topic": "联席会例会"},
    )
    assert "议事协调会议请选择议事协调机构" in r.content.decode()
    r = c.post(
        f"/meetings/new/?org={cast.comm_a.pk}",
        {"kind": "council", "body": body.pk, "date": "2026-03-01", "topic": "联席会例会"},
    )
    assert r.status_code == 302
    assert Meeting.objects.get(topic="联席会例会").body == body


def test_a_body_of_another_community_cannot_be_chosen(cast, client_for):
    other = make_body(org=cast.comm_b, name="乙社区联席会")
    make_body(org=cast.comm_a)
    r = client_for(cast.comm_a_sec).post(
        f"/meetings/new/?org={cast.comm_a.pk}",
        {"kind": "council", "body": other.pk, "date": "2026-03-01", "topic": "偷渡"},
    )
    assert "不属于本组织" in r.content.decode()
    assert not Meeting.objects.filter(topic="偷渡").exists()


def test_a_bad_date_keeps_what_was_typed(cast, client_for):
    r = client_for(cast.comm_a_sec).post(
        f"/meetings/new/?org={cast.branch_a.pk}",
        {"kind": "theme_day", "date": "三月一日", "topic": "保留我的主题"},
    )
    html = r.content.decode()
    assert r.status_code == 200 and "请按“年-月-日”填写日期" in html and "保留我的主题" in html


def test_creating_for_another_community_is_a_404(cast, client_for):
    c = client_for(cast.comm_b_sec)
    assert c.get(f"/meetings/new/?org={cast.branch_a.pk}").status_code == 404
    r = c.post(
        f"/meetings/new/?org={cast.branch_a.pk}",
        {"kind": "theme_day", "date": "2026-03-01", "topic": "渗透"},
    )
    assert r.status_code == 404 and not Meeting.objects.filter(topic="渗透").exists()


def test_editing_after_someone_else_saved_shows_the_conflict_and_keeps_input(cast, client_for):
    meeting = make_meeting(org=cast.branch_a, topic="原主题")
    c = client_for(cast.comm_a_sec)
    seen = meeting.version
    services.meeting_update(meeting=meeting, acting_user=None, place="别人改的地点")
    r = c.post(
        f"/meetings/{meeting.pk}/edit/",
        {"kind": "branch_general", "date": "2026-03-15", "topic": "我的新主题", "version": seen},
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert "已被他人修改" in html and "我的新主题" in html
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.place) == ("原主题", "别人改的地点")


def test_a_meeting_is_cancelled_by_ticking_the_box(cast, client_for):
    meeting = make_meeting(org=cast.branch_a, date=future())
    c = client_for(cast.comm_a_sec)
    html = c.get(f"/meetings/{meeting.pk}/edit/").content.decode()
    assert 'name="cancelled"' in html and "data-confirm-cancel" in html
    r = c.post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "kind": "branch_general",
            "date": meeting.date.isoformat(),
            "topic": meeting.topic,
            "cancelled": "on",
            "version": meeting.version,
        },
    )
    assert r.status_code == 302
    meeting.refresh_from_db()
    assert meeting.cancelled


def test_a_viewer_reads_but_cannot_write(cast, client_for, viewer):
    meeting = make_meeting(org=cast.branch_a, topic="督查看的会")
    c = client_for(viewer)
    r = c.get(f"/meetings/{meeting.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and "督查看的会" in html
    assert 'id="edit-meeting"' not in html and 'id="take-attendance"' not in html
    assert c.get(f"/meetings/{meeting.pk}/edit/").status_code == 404
    assert c.get(f"/meetings/{meeting.pk}/attendance/").status_code == 404
    assert c.post(f"/meetings/{meeting.pk}/attendance/", {}).status_code == 404
    assert c.get(f"/meetings/new/?org={cast.branch_a.pk}").status_code == 404
    assert not Attendance.objects.filter(meeting=meeting).exists()


# ---- detail --------------------------------------------------------------------------------
def test_the_detail_page_shows_the_fields_attendance_and_audit_link(cast, client_for):
    meeting = make_meeting(
        org=cast.branch_a, topic="四月党员大会", place="社区活动室", decisions="同意接收预备党员"
    )
    services.attendance_record(meeting=meeting, marks=[], acting_user=None)
    html = client_for(cast.comm_a_sec).get(f"/meetings/{meeting.pk}/").content.decode()
    for text in ("四月党员大会", "社区活动室", "同意接收预备党员", "张三", "修改记录"):
        assert text in html
    assert "出席 <b" in html


def test_a_general_meeting_warns_when_not_more_than_half_the_full_members_came(cast, client_for):
    others = [make_member(org=cast.branch_a) for _ in range(3)]
    make_member(org=cast.branch_a, status=Status.PROBATIONARY)  # no vote: not counted
    meeting = make_meeting(org=cast.branch_a)
    marks = [services.Mark(status=A, member_id=m.pk) for m in others[:2]]
    services.attendance_record(meeting=meeting, marks=marks, acting_user=None)
    html = client_for(cast.comm_a_sec).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "应到 4 人，实到 2 人" in html and "未超过半数" in html and "alert-warning" in html
    services.attendance_record(
        meeting=meeting,
        marks=[services.Mark(status=A, member_id=others[0].pk)],
        acting_user=None,
        expected_version=meeting.version + 1,
    )
    html = client_for(cast.comm_a_sec).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "实到 3 人" in html and "超过半数，可以进行表决" in html


def test_the_secretary_approves_a_leave_request_from_the_detail_page(cast, client_for):
    meeting = make_meeting(org=cast.branch_a, date=future())
    leave = services.leave_request(
        meeting=meeting, member=cast.member_a, reason="外出探亲", acting_user=None
    )
    c = client_for(cast.comm_a_sec)
    html = c.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "外出探亲" in html and f"/meetings/leave/{leave.pk}/decide/" in html
    r = c.post(
        f"/meetings/leave/{leave.pk}/decide/",
        {"decision": "approve", "answer": "同意", "version": leave.version},
    )
    assert r.status_code == 302
    leave.refresh_from_db()
    assert (leave.state, leave.answer, leave.decided_by) == (
        LeaveState.APPROVED,
        "同意",
        cast.comm_a_sec,
    )
    r = c.post(f"/meetings/leave/{leave.pk}/decide/", {"decision": "refuse"}, follow=True)
    assert "已经处理过了" in r.content.decode()


def test_another_community_cannot_decide_leave(cast, client_for):
    meeting = make_meeting(org=cast.branch_a, date=future())
    leave = services.leave_request(
        meeting=meeting, member=cast.member_a, reason="外出", acting_user=None
    )
    r = client_for(cast.comm_b_sec).post(
        f"/meetings/leave/{leave.pk}/decide/", {"decision": "approve"}
    )
    assert r.status_code == 404
    leave.refresh_from_db()
    assert leave.state == LeaveState.PENDING


def test_the_detail_page_costs_the_same_queries_for_5_and_50_attendees(cast, client_for):
    meeting = make_meeting(org=cast.branch_a)
    c = client_for(cast.comm_a_sec)
    for _ in range(4):
        make_member(org=cast.branch_a)
    services.attendance_record(meeting=meeting, marks=[], acting_user=None)
    c.get(f"/meetings/{meeting.pk}/")
    n5 = count_queries(lambda: c.get(f"/meetings/{meeting.pk}/"))
    for _ in range(45):
        make_member(org=cast.branch_a)
    meeting.refresh_from_db()
    services.attendance_record(meeting=meeting, marks=[], acting_user=None)
    assert Attendance.objects.filter(meeting=meeting).count() == 50
    assert count_queries(lambda: c.get(f"/meetings/{meeting.pk}/")) == n5


# ---- the tick list -------------------------------------------------------------------------
def test_the_tick_list_has_everybody_present_and_approved_leave_excused(cast, client_for):
    other = make_member(org=cast.branch_a, name="赵六")
    meeting = make_meeting(org=cast.branch_a, date=timezone.localdate())
    leave = services.leave_request(meeting=meeting, member=other, reason="住院", acting_user=None)
    services.leave_decide(leave=leave, approve=True, acting_user=None)
    html = client_for(cast.comm_a_sec).get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    assert f'id="s_{cast.member_a.pk}_present" value="present" autocomplete="off" checked' in html
    assert f'id="s_{other.pk}_excused" value="excused" autocomplete="off" checked' in html
    assert 'value="住院"' in html and "全部出席" in html


def test_recording_the_tick_list_marks_only_the_exceptions(cast, client_for):
    off = make_member(org=cast.branch_a, name="请假的")
    gone = make_member(org=cast.branch_a, name="缺席的")
    meeting = make_meeting(org=cast.branch_a)
    r = client_for(cast.comm_a_sec).post(
        f"/meetings/{meeting.pk}/attendance/",
        {
            "version": meeting.version,
            f"s_{off.pk}": "excused",
            f"r_{off.pk}": "出差",
            f"s_{gone.pk}": "absent",
        },
        follow=True,
    )
    assert "考勤已保存：出席 1，请假 1，缺席 1" in r.content.decode()
    rows = {a.member_id: (a.status, a.reason) for a in Attendance.objects.filter(meeting=meeting)}
    assert rows == {cast.member_a.pk: (P, ""), off.pk: (E, "出差"), gone.pk: (A, "")}


def test_leave_without_a_reason_is_refused_and_the_ticks_are_kept(cast, client_for):
    off = make_member(org=cast.branch_a, name="没写原因")
    gone = make_member(org=cast.branch_a)
    meeting = make_meeting(org=cast.branch_a)
    r = client_for(cast.comm_a_sec).post(
        f"/meetings/{meeting.pk}/attendance/",
        {"version": meeting.version, f"s_{off.pk}": "excused", f"s_{gone.pk}": "absent"},
    )
    html = r.content.decode()
    assert r.status_code == 200 and "请填写 没写原因 的请假原因" in html
    assert f'id="s_{gone.pk}_absent" value="absent" autocomplete="off" checked' in html
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_two_secretaries_ticking_at_once_the_second_is_told(cast, client_for):
    meeting = make_meeting(org=cast.branch_a)
    seen = meeting.version
    services.attendance_record(meeting=meeting, marks=[], acting_user=None)
    r = client_for(cast.comm_a_sec).post(
        f"/meetings/{meeting.pk}/attendance/",
        {"version": seen, f"s_{cast.member_a.pk}": "absent"},
    )
    html = r.content.decode()
    assert "已被他人修改" in html
    assert f'id="s_{cast.member_a.pk}_absent" value="absent" autocomplete="off" checked' in html
    assert Attendance.objects.get(meeting=meeting).status == P


def test_a_future_meeting_cannot_have_attendance(cast, client_for):
    meeting = make_meeting(org=cast.branch_a, date=future())
    c = client_for(cast.comm_a_sec)
    html = c.get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    assert "还没有召开，不能登记考勤" in html and "attendance-form" not in html
    c.post(f"/meetings/{meeting.pk}/attendance/", {f"s_{cast.member_a.pk}": "absent"})
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_a_council_is_ticked_per_member_unit_with_who_attended(cast, client_for):
    body = make_body(org=cast.comm_a)
    seat1, seat2 = make_seat(body=body), make_seat(body=body)
    meeting = make_meeting(org=cast.comm_a, kind=MeetingKind.COUNCIL, body=body)
    c = client_for(cast.comm_a_sec)
    html = c.get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    assert f'name="a_{seat1.pk}"' in html and "实际参会人" in html
    c.post(
        f"/meetings/{meeting.pk}/attendance/",
        {"version": meeting.version, f"a_{seat1.pk}": "李副校长", f"s_{seat2.pk}": "absent"},
    )
    rows = {a.seat_id: (a.status, a.attendee) for a in Attendance.objects.filter(meeting=meeting)}
    assert rows == {seat1.pk: (P, "李副校长"), seat2.pk: (A, "")}
    html = c.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "通报批评" in html and seat2.name in html and "李副校长" in html


def test_another_community_cannot_open_or_post_the_tick_list(cast, client_for):
    meeting = make_meeting(org=cast.branch_a)
    c = client_for(cast.comm_b_sec)
    assert c.get(f"/meetings/{meeting.pk}/attendance/").status_code == 404
    assert c.post(f"/meetings/{meeting.pk}/attendance/", {}).status_code == 404
    assert c.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_the_tick_list_costs_the_same_queries_for_5_and_50_attendees(cast, client_for):
    meeting = make_meeting(org=cast.branch_a)
    c = client_for(cast.comm_a_sec)
    for _ in range(4):
        make_member(org=cast.branch_a)
    url = f"/meetings/{meeting.pk}/attendance/"
    c.get(url)
    n5 = count_queries(lambda: c.get(url))
    for _ in range(45):
        make_member(org=cast.branch_a)
    assert count_queries(lambda: c.get(url)) == n5
    assert c.get(url).content.decode().count('class="list-group-item') == 50


# ---- attachments ---------------------------------------------------------------------------
def test_an_attachment_is_uploaded_and_served_only_through_the_view(cast, client_for, media):
    meeting = make_meeting(org=cast.branch_a)
    c = client_for(cast.comm_a_sec)
    r = c.post(
        f"/meetings/{meeting.pk}/attach/",
        {"file": SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 test")},
    )
    assert r.status_code == 302
    row = MeetingFile.objects.get(meeting=meeting)
    assert row.name == "签到表.pdf" and row.size == 13
    assert AuditEntry.objects.filter(object_id=str(row.pk), action="create").exists()
    r = c.get(f"/meetings/files/{row.pk}/")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == b"%PDF-1.4 test"
    assert "attachment" in r["Content-Disposition"]
    assert f"/meetings/files/{row.pk}/" in c.get(f"/meetings/{meeting.pk}/").content.decode()


def test_an_outsider_gets_a_404_for_the_file(cast, client_for, media):
    meeting = make_meeting(org=cast.branch_a)
    from dangjian.meetings.services import meeting_attach as meeting_file_add

    row = meeting_file_add(
        meeting=meeting, upload=SimpleUploadedFile("机密.pdf", b"secret"), acting_user=None
    )
    for who in (cast.comm_b_sec, cast.outsider, cast.member_user):
        assert client_for(who).get(f"/meetings/files/{row.pk}/").status_code == 404
    r = client_for(cast.comm_b_sec).post(
        f"/meetings/{meeting.pk}/attach/", {"file": SimpleUploadedFile("x.txt", b"x")}
    )
    assert r.status_code == 404 and MeetingFile.objects.count() == 1


def test_the_list_shows_leave_waiting_for_a_decision(cast, client):
    import datetime as dt

    from dangjian.meetings import services as meeting_services
    from tests.meetings.factories import make_meeting

    soon = make_meeting(org=cast.branch_a, date=dt.date.today() + dt.timedelta(days=5))
    meeting_services.leave_request(
        meeting=soon, member=cast.member_a, reason="出差", acting_user=cast.member_user
    )
    client.force_login(cast.comm_a_sec)
    text = client.get("/meetings/").content.decode()
    assert "1 人请假待批" in text
