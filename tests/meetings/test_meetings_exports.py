"""The meeting ledger (.xlsx) and one meeting's minutes (.docx), read back."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.meetings import services
from dangjian.meetings.models import AttendanceStatus, MeetingKind
from tests.factories import make_member

from .factories import make_meeting
from .test_meetings_pages import BACKEND, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(db):
    def make(user) -> Client:
        c = Client()
        c.force_login(user, backend=BACKEND)
        return c

    return make


A, E = AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED


def _xlsx(response):
    raw = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(raw)).active


def _docx_text(response) -> str:
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


@pytest.fixture
def held(cast):
    """A general meeting of 文化东路第一楼栋党支部 with one absent and one on leave."""
    gone = make_member(org=cast.branch_a, name="王缺席")
    off = make_member(org=cast.branch_a, name="刘请假")
    meeting = make_meeting(
        org=cast.branch_a,
        date=dt.date(2026, 3, 15),
        topic="三月支部党员大会",
        place="社区三楼会议室",
        host="王书记",
        recorder="李委员",
        agenda="一、学习文件\n二、讨论发展对象",
        minutes="王书记传达了上级文件精神。",
        decisions="同意确定张某为发展对象",
    )
    services.attendance_record(
        meeting=meeting,
        marks=[
            services.Mark(status=A, member_id=gone.pk),
            services.Mark(status=E, member_id=off.pk, reason="住院治疗"),
        ],
        acting_user=None,
    )
    return meeting


def test_the_ledger_lists_the_meetings_of_the_period_with_counts(cast, client_for, held):
    make_meeting(
        org=cast.branch_a_2,
        date=dt.date(2026, 4, 1),
        topic="离退休支部党课",
        kind=MeetingKind.PARTY_LECTURE,
    )
    make_meeting(org=cast.branch_a, date=dt.date(2025, 12, 1), topic="去年的会")
    make_meeting(org=cast.branch_b, date=dt.date(2026, 3, 1), topic="乙社区的会")
    cancelled = make_meeting(org=cast.branch_a, date=dt.date(2026, 3, 2), topic="取消的会")
    services.meeting_update(meeting=cancelled, acting_user=None, cancelled=True)
    r = client_for(cast.comm_a_sec).get(
        f"/meetings/ledger/?org={cast.comm_a.pk}&date_from=2026-01-01&date_to=2026-12-31"
    )
    assert r.status_code == 200
    assert ".xlsx" in r["Content-Disposition"]
    ws = _xlsx(r)
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "文化东路社区党委会议记录台帐"
    assert rows[1][0] == "期间：2026-01-01 至 2026-12-31"
    assert rows[2] == [
        "序号", "日期", "会议类型", "主题", "地点", "主持人", "记录人",
        "应到", "实到", "请假", "缺席", "缺席人员", "决定事项",
    ]  # fmt: skip
    body = rows[3:]
    assert [r[3] for r in body] == ["三月支部党员大会", "离退休支部党课"]
    first = body[0]
    assert first[0] == 1 and first[1].date() == dt.date(2026, 3, 15)
    assert first[2:7] == ["支部党员大会", "三月支部党员大会", "社区三楼会议室", "王书记", "李委员"]
    assert first[7:12] == [3, 1, 1, 1, "王缺席"]
    assert first[12] == "同意确定张某为发展对象"
    assert ws.freeze_panes == "A4"
    assert ws.column_dimensions["D"].width == 30
    assert ws.cell(row=4, column=13).alignment.wrap_text
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == cast.comm_a_sec and "会议记录台帐" in entry.object_repr
    assert entry.changes["rows"] == 2


def test_the_ledger_of_one_kind_prints_those_meetings_on_their_own(cast, client_for, held):
    for kind, topic in (
        (MeetingKind.THEME_DAY, "三月主题党日"),
        (MeetingKind.ORG_LIFE, "年度组织生活会"),
        (MeetingKind.THEME_DAY, "四月主题党日"),
    ):
        make_meeting(org=cast.branch_a, kind=kind, date=dt.date(2026, 4, 10), topic=topic)
    make_meeting(org=cast.branch_b, kind=MeetingKind.THEME_DAY, topic="乙社区主题党日")
    c = client_for(cast.comm_a_sec)
    r = c.get(f"/meetings/ledger/?org={cast.comm_a.pk}&kind=theme_day&date_from=2026-01-01")
    ws = _xlsx(r)
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    assert ws.title == "主题党日会议记录台帐"
    assert rows[0][0] == "文化东路社区党委主题党日会议记录台帐"
    assert sorted(r[3] for r in rows[3:]) == ["三月主题党日", "四月主题党日"]
    assert {r[2] for r in rows[3:]} == {"主题党日"}
    r = c.get(f"/meetings/ledger/?org={cast.comm_a.pk}&kind=org_life")
    assert [r[3] for r in list(_xlsx(r).iter_rows(values_only=True))[3:]] == ["年度组织生活会"]
    assert (
        AuditEntry.objects.filter(action="export").order_by("pk").last().changes["kind"]
        == "org_life"
    )
    r = c.get(f"/meetings/ledger/?org={cast.comm_a.pk}&kind=nonsense")
    assert r.status_code == 200 and "spreadsheetml" not in r["Content-Type"]  # the form again


def test_the_ledger_without_an_organisation_asks_for_one(cast, client_for):
    r = client_for(cast.comm_a_sec).get("/meetings/ledger/")
    assert r.status_code == 200 and "导出会议记录台帐" in r.content.decode()
    assert not AuditEntry.objects.filter(action="export").exists()


def test_another_community_cannot_export_the_ledger(cast, client_for, held):
    r = client_for(cast.comm_b_sec).get(f"/meetings/ledger/?org={cast.comm_a.pk}")
    assert r.status_code == 404
    r = client_for(cast.comm_b_sec).get(f"/meetings/ledger/?org={cast.comm_b.pk}")
    assert "三月支部党员大会" not in str([c for c in _xlsx(r).iter_rows(values_only=True)])


def test_the_ledger_costs_the_same_queries_for_5_and_50_meetings(cast, client_for):
    c = client_for(cast.comm_a_sec)
    url = f"/meetings/ledger/?org={cast.comm_a.pk}"

    def add(start, n):
        for i in range(start, start + n):
            m = make_meeting(org=cast.branch_a, date=dt.date(2026, 1, 1) + dt.timedelta(days=i))
            services.attendance_record(
                meeting=m,
                marks=[services.Mark(status=A, member_id=cast.member_a.pk)],
                acting_user=None,
            )

    add(0, 5)
    c.get(url)
    n5 = count_queries(lambda: c.get(url))
    add(5, 45)
    assert count_queries(lambda: c.get(url)) == n5
    assert _xlsx(c.get(url)).max_row == 3 + 50


def test_the_minutes_are_a_word_file_in_the_filing_layout(cast, client_for, held):
    r = client_for(cast.comm_a_sec).get(f"/meetings/{held.pk}/minutes.docx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    text = _docx_text(r)
    assert text.splitlines()[0] == "文化东路第一楼栋党支部会议记录"
    for line in (
        "时间 | 2026年03月15日",
        "地点 | 社区三楼会议室",
        "主持人 | 王书记",
        "记录人 | 李委员",
        "应到人数 | 3",
        "实到人数 | 1",
        "请假人员及原因 | 刘请假（住院治疗）",
        "缺席人员 | 王缺席",
    ):
        assert line in text, line
    for heading in ("会议主题", "议程", "会议内容（记录）", "决定事项", "主持人（签字）"):
        assert heading in text
    assert "二、讨论发展对象" in text and "王书记传达了上级文件精神。" in text
    assert AuditEntry.objects.filter(action="export", object_id=str(held.pk)).exists()


def test_another_community_cannot_download_the_minutes(cast, client_for, held):
    for who in (cast.comm_b_sec, cast.outsider, cast.member_user):
        assert client_for(who).get(f"/meetings/{held.pk}/minutes.docx").status_code == 404
