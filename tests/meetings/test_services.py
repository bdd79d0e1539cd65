"""The meeting machinery's writes: attendance by tick list, leave, criticism notices, locking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.meetings import services
from dangjian.meetings.models import (
    Attendance,
    AttendanceStatus,
    Criticism,
    LeaveState,
    MeetingKind,
)
from dangjian.meetings.services import Mark
from tests.factories import make_member

from .factories import make_body, make_meeting, make_seat

pytestmark = pytest.mark.django_db
A, E, P = AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED, AttendanceStatus.PRESENT


def test_everybody_on_the_list_is_present_unless_marked(cast):
    other = make_member(org=cast.branch_a)
    meeting = make_meeting(org=cast.branch_a)
    counts = services.attendance_record(
        meeting=meeting,
        marks=[Mark(status=A, member_id=other.pk)],
        acting_user=cast.comm_a_sec,
    )
    assert counts == {"present": 1, "excused": 0, "absent": 1}
    rows = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    assert rows == {cast.member_a.pk: P, other.pk: A}
    assert AuditEntry.objects.filter(object_id=str(meeting.pk), field="attendance").exists()


def test_excused_leave_needs_a_reason(cast):
    meeting = make_meeting(org=cast.branch_a)
    with pytest.raises(ValidationError, match="请假须填写原因"):
        services.attendance_record(
            meeting=meeting, marks=[Mark(status=E, member_id=cast.member_a.pk)], acting_user=None
        )
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_a_member_of_another_branch_cannot_be_marked(cast):
    meeting = make_meeting(org=cast.branch_a)
    with pytest.raises(ValidationError, match="名单中没有"):
        services.attendance_record(
            meeting=meeting, marks=[Mark(status=P, member_id=cast.member_b.pk)], acting_user=None
        )


def test_a_group_meeting_lists_the_branch_members_living_in_its_corridor(cast):
    from dangjian.orgs.services import org_cover_places
    from tests.factories import make_place

    home = make_place(parent=cast.corridor_a, community=cast.comm_a, kind="household", name="101")
    neighbour = make_member(org=cast.branch_a, household=home)
    elsewhere = make_member(org=cast.branch_a)
    meeting = make_meeting(org=cast.group_a, kind=MeetingKind.GROUP)
    services.attendance_record(meeting=meeting, marks=[], acting_user=None)
    listed = set(Attendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    assert listed == {cast.member_a.pk, neighbour.pk, elsewhere.pk}  # no places covered: all
    org_cover_places(org=cast.group_a, places=[cast.corridor_a], acting_user=None)
    meeting2 = make_meeting(org=cast.group_a, kind=MeetingKind.GROUP)
    services.attendance_record(meeting=meeting2, marks=[], acting_user=None)
    listed = set(Attendance.objects.filter(meeting=meeting2).values_list("member_id", flat=True))
    assert listed == {neighbour.pk}


def test_two_secretaries_recording_at_once_the_second_is_told(cast):
    meeting = make_meeting(org=cast.branch_a)
    seen = meeting.version
    services.attendance_record(meeting=meeting, marks=[], acting_user=None, expected_version=seen)
    with pytest.raises(ConflictError, match="已被他人修改"):
        services.attendance_record(
            meeting=meeting,
            marks=[Mark(status=A, member_id=cast.member_a.pk)],
            acting_user=None,
            expected_version=seen,
        )
    assert Attendance.objects.get(meeting=meeting).status == P


def test_a_future_meeting_takes_leave_but_not_attendance(cast):
    meeting = make_meeting(org=cast.branch_a, date=dt.date.today() + dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="还没有召开"):
        services.attendance_record(meeting=meeting, marks=[], acting_user=None)
    leave = services.leave_request(
        meeting=meeting, member=cast.member_a, reason="住院", acting_user=cast.member_user
    )
    with pytest.raises(ValidationError, match="已经为这次会议请过假"):
        services.leave_request(
            meeting=meeting, member=cast.member_a, reason="住院", acting_user=cast.member_user
        )
    services.leave_decide(leave=leave, approve=True, acting_user=cast.comm_a_sec)
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED


def test_approved_leave_becomes_excused_absence(cast):
    meeting = make_meeting(org=cast.branch_a, date=dt.date.today())
    leave = services.leave_request(
        meeting=meeting, member=cast.member_a, reason="外地探亲", acting_user=cast.member_user
    )
    services.leave_decide(leave=leave, approve=True, acting_user=cast.comm_a_sec)
    services.attendance_record(meeting=meeting, marks=[], acting_user=None)
    row = Attendance.objects.get(meeting=meeting, member=cast.member_a)
    assert (row.status, row.reason) == (E, "外地探亲")


def test_refused_leave_is_not_excused(cast):
    meeting = make_meeting(org=cast.branch_a, date=dt.date.today())
    leave = services.leave_request(
        meeting=meeting, member=cast.member_a, reason="不想来", acting_user=cast.member_user
    )
    services.leave_decide(leave=leave, approve=False, answer="请准时参加", acting_user=None)
    services.attendance_record(
        meeting=meeting, marks=[Mark(status=A, member_id=cast.member_a.pk)], acting_user=None
    )
    assert Attendance.objects.get(meeting=meeting).status == A


def test_leave_cannot_be_asked_for_a_past_meeting(cast):
    meeting = make_meeting(org=cast.branch_a, date=dt.date(2026, 1, 5))
    with pytest.raises(ValidationError, match="已经召开"):
        services.leave_request(meeting=meeting, member=cast.member_a, reason="x", acting_user=None)


def test_a_unit_absent_without_leave_is_criticised_and_correction_withdraws(cast):
    body = make_body(org=cast.comm_a)
    seat = make_seat(body=body)
    meeting = make_meeting(org=cast.comm_a, kind=MeetingKind.COUNCIL, body=body)
    services.attendance_record(
        meeting=meeting, marks=[Mark(status=A, seat_id=seat.pk)], acting_user=None
    )
    notice = Criticism.objects.get(seat=seat)
    assert notice.year == 2026 and "无故缺席" in notice.text and notice.withdrawn_at is None
    services.attendance_record(
        meeting=meeting,
        marks=[Mark(status=E, seat_id=seat.pk, reason="抗洪值班")],
        acting_user=None,
    )
    notice.refresh_from_db()
    assert notice.withdrawn_at is not None and "请假" in notice.withdrawn_reason


def test_a_unit_on_excused_leave_is_not_criticised(cast):
    body = make_body(org=cast.comm_a)
    seat = make_seat(body=body)
    meeting = make_meeting(org=cast.comm_a, kind=MeetingKind.COUNCIL, body=body)
    services.attendance_record(
        meeting=meeting, marks=[Mark(status=E, seat_id=seat.pk, reason="出差")], acting_user=None
    )
    assert not Criticism.objects.exists()


def test_a_unit_that_joined_after_the_meeting_is_not_on_its_list(cast):
    body = make_body(org=cast.comm_a)
    seat = make_seat(body=body, joined_on=dt.date(2026, 6, 1))
    meeting = make_meeting(org=cast.comm_a, kind=MeetingKind.COUNCIL, body=body)
    with pytest.raises(ValidationError, match="名单中没有"):
        services.attendance_record(
            meeting=meeting, marks=[Mark(status=A, seat_id=seat.pk)], acting_user=None
        )


def test_a_council_meeting_needs_its_body_and_a_body_of_its_own_org(cast):
    with pytest.raises(ValidationError):
        make_meeting(org=cast.comm_a, kind=MeetingKind.COUNCIL)
    body_b = make_body(org=cast.comm_b)
    with pytest.raises(ValidationError, match="不属于本组织"):
        make_meeting(org=cast.comm_a, kind=MeetingKind.COUNCIL, body=body_b)


def test_a_member_with_a_history_of_meetings_is_listed_once(cast):
    from dangjian.meetings.selectors.attendees import expected_for

    for day in (1, 2, 3):
        m = make_meeting(org=cast.branch_a, date=dt.date(2026, 3, day))
        services.attendance_record(meeting=m, marks=[], acting_user=None)
    ids = list(expected_for(m).members.values_list("pk", flat=True))
    assert ids == [cast.member_a.pk]
