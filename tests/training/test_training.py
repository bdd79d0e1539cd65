"""Training records: one course design for skills training and party school courses — a course
at its boundaries (days, hours, topic, level), who may record it, attendance as ticks (members
of the organisation only, completion, two people ticking at once), residents by name, the DB
rule "a member or a resident, never both", the pages, the ledger read back, a member's own
record, the API, and the list's query count at 1 and 10 rows."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.training import selectors, services
from dangjian.training.models import Attendance, Course, Level
from tests.factories import make_member


def _course(cast, **kw):
    kw.setdefault("level", Level.SKILLS)
    kw.setdefault("topic", "家政服务技能培训")
    kw.setdefault("start", dt.date(2026, 4, 1))
    kw.setdefault("days", 3)
    return services.course_create(
        acting_user=kw.pop("user", cast.comm_a_sec), org=kw.pop("org", cast.comm_a), **kw
    )


# ---- a course at its boundaries ---------------------------------------------------------------
def test_a_course_of_one_day_is_recorded_and_audited(cast):
    c = _course(cast, days=1, hours=Decimal("0.5"))
    assert c.days == 1 and c.hours == Decimal("0.5")
    assert AuditEntry.objects.filter(action="create", object_id=str(c.pk)).exists()


@pytest.mark.parametrize(
    ("kw", "field", "message"),
    [
        ({"days": 0}, "days", "培训天数至少 1 天。"),
        ({"hours": Decimal(0)}, "hours", "学时须大于 0。"),
        ({"topic": "  "}, "topic", "请填写培训内容。"),
        ({"level": "nonsense"}, "level", "请选择培训类别。"),
        ({"start": None}, "start", "请填写开始日期。"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(cast, kw, field, message):
    with pytest.raises(ValidationError) as exc:
        _course(cast, **kw)
    assert exc.value.message_dict[field] == [message]
    assert not Course.objects.exists()


def test_another_community_cannot_record_a_course_for_community_a(cast):
    with pytest.raises(PermissionDenied):
        _course(cast, user=cast.comm_b_sec)
    assert not Course.objects.exists()


def test_the_database_refuses_a_course_of_zero_days(cast):
    c = _course(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=c.pk).update(days=0)


# ---- attendance -----------------------------------------------------------------------------
def test_ticking_members_and_completion_replaces_the_previous_ticks(cast):
    c = _course(cast)
    m2 = make_member(org=cast.branch_a_2)
    c = services.attendance_set(
        c, acting_user=cast.comm_a_sec, version=c.version, member_ids=[cast.member_a.pk, m2.pk]
    )
    c = services.attendance_set(
        c,
        acting_user=cast.comm_a_sec,
        version=c.version,
        member_ids=[m2.pk],
        completed_ids=[m2.pk, cast.member_a.pk],  # a completion of someone not ticked is ignored
    )
    rows = list(c.attendances.values_list("member_id", "completed"))
    assert rows == [(m2.pk, True)]
    assert c.version == 3


def test_two_people_ticking_at_once_the_second_is_told_to_reload(cast):
    c = _course(cast)
    stale = c.version
    services.attendance_set(
        c, acting_user=cast.comm_a_sec, version=stale, member_ids=[cast.member_a.pk]
    )
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.attendance_set(c, acting_user=cast.comm_a_sec, version=stale, member_ids=[])
    assert c.attendances.filter(member=cast.member_a).exists()  # nothing lost


def test_only_members_of_the_organisation_may_be_ticked(cast):
    c = _course(cast)
    with pytest.raises(ValidationError) as exc:
        services.attendance_set(
            c, acting_user=cast.comm_a_sec, version=c.version, member_ids=[cast.member_b.pk]
        )
    assert "在册党员" in exc.value.message_dict["members"][0]
    assert not Attendance.objects.exists()


def test_a_resident_is_added_by_name_and_an_empty_name_is_refused(cast):
    c = _course(cast)
    a = services.attendance_add_resident(c, acting_user=cast.comm_a_sec, name=" 王大姐 ")
    assert a.resident_name == "王大姐" and a.member_id is None
    with pytest.raises(ValidationError, match="请填写居民姓名"):
        services.attendance_add_resident(c, acting_user=cast.comm_a_sec, name="  ")
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "member", "name"),
    [
        ("resident", True, "王大姐"),  # a resident row naming a member
        ("member", False, ""),  # a member row without a member
        ("resident", False, ""),  # a resident without a name
        ("", False, "王大姐"),  # neither kind
    ],
)
def test_the_database_holds_a_member_or_a_resident_never_both_nor_neither(cast, kind, member, name):
    c = _course(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(
            course=c, kind=kind, member=cast.member_a if member else None, resident_name=name
        )


def test_a_member_is_on_a_course_once(cast):
    c = _course(cast)
    Attendance.objects.create(course=c, kind="member", member=cast.member_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(course=c, kind="member", member=cast.member_a)


def test_removing_an_attendance_is_audited(cast):
    c = _course(cast)
    a = services.attendance_add_resident(c, acting_user=cast.comm_a_sec, name="王大姐")
    services.attendance_remove(a, acting_user=cast.comm_a_sec)
    assert not Attendance.objects.exists()
    assert AuditEntry.objects.filter(action="delete").exists()


def test_member_days_counts_completed_courses_of_a_year_for_the_party_school_rules(cast):
    c1 = _course(cast, level=Level.COUNTY, days=20, start=dt.date(2026, 3, 1))
    c2 = _course(cast, level=Level.COUNTY, days=5, start=dt.date(2025, 12, 31))
    for c in (c1, c2):
        services.attendance_set(
            c,
            acting_user=cast.comm_a_sec,
            version=c.version,
            member_ids=[cast.member_a.pk],
            completed_ids=[cast.member_a.pk],
        )
    assert selectors.member_days([cast.member_a.pk], year=2026, level=Level.COUNTY) == {
        cast.member_a.pk: (1, 20)
    }


# ---- pages ----------------------------------------------------------------------------------
def test_the_list_filters_by_level_and_period(cast, client_for):
    _course(cast, topic="电工技能")
    _course(cast, level=Level.COMMUNITY, topic="党史学习")
    _course(cast, topic="去年的培训", start=dt.date(2025, 5, 1))
    c = client_for(cast.comm_a_sec)
    page = c.get(f"/training/?org={cast.comm_a.pk}&year=2026&level=skills").content.decode()
    assert "电工技能" in page and "党史学习" not in page and "去年的培训" not in page


def test_list_page_queries_do_not_grow_with_rows(cast, client_for, django_assert_max_num_queries):
    c = client_for(cast.comm_a_sec)
    _course(cast)
    url = f"/training/?org={cast.comm_a.pk}&year=2026"
    with CaptureQueriesContext(connection) as one:
        assert c.get(url).status_code == 200
    for i in range(10):
        x = _course(cast, topic=f"第{i}期")
        services.attendance_add_resident(x, acting_user=cast.comm_a_sec, name="王大姐")
    with django_assert_max_num_queries(len(one)):
        c.get(url)


def test_a_secretary_records_a_course_ticks_members_and_adds_a_resident(cast, client_for):
    c = client_for(cast.comm_a_sec)
    r = c.post(
        f"/training/new/?org={cast.comm_a.pk}",
        {"level": "skills", "topic": "面点制作", "start": "2026-05-01", "days": "2"},
    )
    course = Course.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/training/{course.pk}/"
    r = c.post(
        f"/training/{course.pk}/attend/",
        {"version": course.version, "members": [cast.member_a.pk], "completed": [cast.member_a.pk]},
    )
    c.post(f"/training/{course.pk}/residents/", {"name": "王大姐"})
    page = c.get(f"/training/{course.pk}/").content.decode()
    assert "张三" in page and "王大姐" in page and "已结业" in page
    record = c.get(f"/training/member/{cast.member_a.pk}/").content.decode()
    assert "面点制作" in record


def test_a_course_of_zero_days_shows_the_message_and_saves_nothing(cast, client_for):
    r = client_for(cast.comm_a_sec).post(
        f"/training/new/?org={cast.comm_a.pk}",
        {"level": "skills", "topic": "面点制作", "start": "2026-05-01", "days": "0"},
    )
    assert r.status_code == 200 and "培训天数至少 1 天。" in r.content.decode()
    assert not Course.objects.exists()


def test_the_ledger_reads_back_with_who_completed(cast, client_for):
    x = _course(cast, topic="养老护理培训")
    services.attendance_set(
        x,
        acting_user=cast.comm_a_sec,
        version=x.version,
        member_ids=[cast.member_a.pk],
        completed_ids=[cast.member_a.pk],
    )
    services.attendance_add_resident(x, acting_user=cast.comm_a_sec, name="王大姐")
    r = client_for(cast.comm_a_sec).get(f"/training/export/?org={cast.comm_a.pk}&year=2026")
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert "培训台帐" in rows[0][0]
    assert rows[2][2] == "养老护理培训" and rows[2][7] == 2 and rows[2][8] == 1
    assert rows[2][9] == "张三" and "王大姐" in rows[2][10]
    assert AuditEntry.objects.filter(action="export", field="training.course").exists()


def test_a_member_sees_their_own_record_not_the_organisations_list(cast, client_for):
    x = _course(cast, topic="电工技能")
    services.attendance_set(
        x, acting_user=cast.comm_a_sec, version=x.version, member_ids=[cast.member_a.pk]
    )
    c = client_for(cast.member_user)
    r = c.get("/training/", follow=True)
    assert "电工技能" in r.content.decode()
    assert c.get(f"/training/{x.pk}/").status_code == 404
    assert c.get(f"/training/export/?org={cast.comm_a.pk}").status_code == 404


# ---- API ------------------------------------------------------------------------------------
def test_the_api_records_a_course_and_its_attendance(cast, client_for):
    c = client_for(cast.comm_a_sec)
    r = c.post(
        "/api/v1/training/",
        json.dumps(
            {"org": cast.comm_a.pk, "level": "skills", "topic": "电脑入门", "start": "2026-05-01"}
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pk, version = r.json()["id"], r.json()["version"]
    r = c.post(
        f"/api/v1/training/{pk}/attendance",
        json.dumps(
            {
                "version": version,
                "member_ids": [cast.member_a.pk],
                "completed_ids": [cast.member_a.pk],
                "residents": ["王大姐"],
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    detail = c.get(f"/api/v1/training/{pk}").json()
    assert {a["name"] for a in detail["attendances"]} == {"张三", "王大姐"}
    assert detail["n_people"] == 2 and detail["n_done"] == 1
    bad = c.post(
        "/api/v1/training/",
        json.dumps(
            {
                "org": cast.comm_a.pk,
                "level": "skills",
                "topic": "x",
                "start": "2026-05-01",
                "days": 0,
            }
        ),
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["detail"] == "培训天数至少 1 天。"
