"""Pages of member development: the pipeline, the ledger export, a person's page and the forms
that record each step."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.development.models import Candidate, Stage
from dangjian.meetings.models import MeetingKind
from dangjian.members.models import Member, Status
from tests.factories import fake_id
from tests.meetings.factories import make_meeting

from .conftest import add_people
from .factories import make_candidate

D = dt.date


def today():
    return dt.date.today()


def test_the_pipeline_shows_each_person_in_their_stage_with_what_is_due(cast, client_for):
    make_candidate(
        org=cast.branch_a, name="钱逾期", applied_on=today() - dt.timedelta(days=60), talk=False
    )
    make_candidate(org=cast.branch_a, name="孙积极", upto=Stage.ACTIVIST, applied_on=D(2026, 1, 5))
    make_candidate(org=cast.branch_a, name="李预备", upto=Stage.PROBATIONARY)
    make_candidate(org=cast.branch_a, name="赵正式", upto=Stage.FULL)
    r = client_for(cast.comm_a_sec).get("/development/", {"org": cast.comm_a.pk})
    page = r.content.decode()
    assert r.status_code == 200
    applicants = page[page.index('id="col-applicant"') : page.index('id="col-activist"')]
    assert "钱逾期" in applicants and "逾期：" in applicants and "前谈话" in applicants
    activists = page[page.index('id="col-activist"') : page.index('id="col-candidate"')]
    assert "孙积极" in activists and "2027年2月24日起可列为发展对象" in activists
    assert "李预备" in page and "讨论转正" in page
    assert "赵正式" not in page  # full members have left the pipeline
    full = client_for(cast.comm_a_sec).get("/development/", {"stage": "full"}).content.decode()
    assert "赵正式" in full and "钱逾期" not in full


def test_the_pipeline_can_show_only_the_overdue(cast, client_for):
    make_candidate(
        org=cast.branch_a, name="钱逾期", applied_on=today() - dt.timedelta(days=60), talk=False
    )
    make_candidate(
        org=cast.branch_a, name="孙按时", applied_on=today() - dt.timedelta(days=5), talk=False
    )
    page = client_for(cast.comm_a_sec).get("/development/", {"overdue": "1"}).content.decode()
    assert "钱逾期" in page and "孙按时" not in page


def test_the_pipeline_searches_by_pinyin(cast, client_for):
    make_candidate(org=cast.branch_a, name="钱逾期")
    make_candidate(org=cast.branch_a, name="孙按时")
    page = client_for(cast.comm_a_sec).get("/development/", {"q": "qyq"}).content.decode()
    assert "钱逾期" in page and "孙按时" not in page


def test_an_applicant_is_registered_through_the_form(cast, client_for):
    birth = D(1996, 8, 8)
    number = fake_id(birth_date=birth, gender="F")
    data = {
        "org": cast.branch_a.pk,
        "name": "郑申请",
        "id_number": number,
        "gender": "F",
        "birth_date": "1996-08-08",
        "applied_on": "2026.3.5",
        "ethnicity": "汉族",
    }
    r = client_for(cast.comm_a_sec).post("/development/new/", data)
    c = Candidate.objects.get(name="郑申请")
    assert r.status_code == 302 and r["Location"] == f"/development/{c.pk}/"
    detail = client_for(cast.comm_a_sec).get(r["Location"]).content.decode()
    assert number not in detail and c.id_masked in detail and "2026-03-05" in detail


def test_an_under_age_applicant_is_refused_and_the_form_keeps_what_was_typed(cast, client_for):
    birth = D(2008, 6, 1)
    data = {
        "org": cast.branch_a.pk,
        "name": "郑少年",
        "id_number": fake_id(birth_date=birth, gender="M"),
        "gender": "M",
        "birth_date": "2008-06-01",
        "applied_on": "2026-05-31",
        "ethnicity": "汉族",
        "work_unit": "某中学",
    }
    r = client_for(cast.comm_a_sec).post("/development/new/", data)
    page = r.content.decode()
    assert r.status_code == 200 and "未满 18 周岁" in page and "某中学" in page
    assert not Candidate.objects.exists()


def test_a_late_talk_is_saved_and_its_warning_shown(cast, client_for):
    c = make_candidate(org=cast.branch_a, applied_on=D(2026, 3, 1), talk=False)
    client = client_for(cast.comm_a_sec)
    r = client.post(
        f"/development/{c.pk}/steps/talked/",
        {"date": "2026-04-01", "talked_by": "王书记", "version": c.version},
        follow=True,
    )
    page = r.content.decode()
    assert "已记录：谈话" in page and "晚了 1 天" in page
    assert Candidate.objects.get(pk=c.pk).talked_on == D(2026, 4, 1)


def test_a_blocked_step_shows_the_reason_and_changes_nothing(cast, client_for):
    c = make_candidate(org=cast.branch_a, upto=Stage.ACTIVIST, applied_on=D(2025, 6, 1))
    r = client_for(cast.comm_a_sec).post(
        f"/development/{c.pk}/steps/candidate/", {"date": "2026-03-01", "version": c.version}
    )
    page = r.content.decode()
    assert r.status_code == 200 and "起才能列为发展对象" in page
    assert Candidate.objects.get(pk=c.pk).stage == Stage.ACTIVIST


def test_the_meeting_select_offers_only_the_branch_general_meetings_of_that_branch(
    cast, client_for
):
    c = make_candidate(org=cast.branch_a, upto=Stage.PROBATIONARY)
    day = c.admitted_on.replace(year=c.admitted_on.year + 1)
    right = make_meeting(
        org=cast.branch_a, kind=MeetingKind.BRANCH_GENERAL, date=day, topic="一支部大会讨论转正"
    )
    make_meeting(
        org=cast.branch_a, kind=MeetingKind.BRANCH_COMMITTEE, date=day, topic="一支部支委会"
    )
    make_meeting(
        org=cast.branch_a_2, kind=MeetingKind.BRANCH_GENERAL, date=day, topic="离退休支部大会"
    )
    client = client_for(cast.comm_a_sec)
    form = client.get(f"/development/{c.pk}/steps/full/").content.decode()
    assert "一支部大会讨论转正" in form
    assert "一支部支委会" not in form and "离退休支部大会" not in form
    r = client.post(f"/development/{c.pk}/steps/full/", {"meeting": right.pk, "version": c.version})
    assert r.status_code == 302
    c.refresh_from_db()
    assert (c.stage, c.full_on, c.full_meeting) == (Stage.FULL, day, right)
    assert Member.objects.get(pk=c.member_id).status == Status.FULL
    page = client.get(f"/development/{c.pk}/").content.decode()
    assert "一支部大会讨论转正" in page and "转为正式党员" in page


def test_a_step_of_another_stage_is_not_offered(cast, client_for):
    c = make_candidate(org=cast.branch_a)
    r = client_for(cast.comm_a_sec).post(f"/development/{c.pk}/steps/full/", {"date": "2026-03-01"})
    assert r.status_code == 200 and "不能记录" in r.content.decode()
    assert Candidate.objects.get(pk=c.pk).stage == Stage.APPLICANT


def test_revealing_the_id_on_the_page_is_logged(cast, client_for):
    c = make_candidate(org=cast.branch_a)
    r = client_for(cast.comm_a_sec).post(f"/development/{c.pk}/reveal-id/", HTTP_HX_REQUEST="true")
    from dangjian.core import crypto

    assert crypto.decrypt(c.id_cipher) in r.content.decode()
    assert (
        AuditEntry.objects.filter(
            action="reveal", object_id=str(c.pk), actor=cast.comm_a_sec
        ).count()
        == 1
    )


def test_the_ledger_export_has_a_row_per_person_and_is_audited(cast, client_for):
    make_candidate(org=cast.branch_a, name="李预备", upto=Stage.PROBATIONARY)
    make_candidate(org=cast.branch_a, name="孙申请")
    r = client_for(cast.comm_a_sec).get("/development/export/", {"org": cast.comm_a.pk})
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert "发展党员工作台帐" in rows[0][0]
    assert rows[1][:3] == ("姓名", "性别", "出生日期")
    names = {row[0] for row in rows[2:]}
    assert names == {"李预备", "孙申请"}
    entry = AuditEntry.objects.get(action="export")
    assert entry.changes["rows"] == 2 and entry.scope_path == cast.comm_a.path


def test_another_community_sees_nothing(cast, client_for):
    c = make_candidate(org=cast.branch_a, name="钱保密")
    client = client_for(cast.comm_b_sec)
    assert client.get(f"/development/{c.pk}/").status_code == 404
    assert client.get(f"/development/{c.pk}/steps/talked/").status_code == 404
    assert client.post(f"/development/{c.pk}/reveal-id/").status_code == 404
    assert client.get("/development/", {"org": cast.comm_a.pk}).status_code == 404
    assert "钱保密" not in client.get("/development/").content.decode()
    r = client.get("/development/export/")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    assert len(list(wb.worksheets[0].iter_rows())) == 2  # title and headers only
    assert not AuditEntry.objects.filter(action="reveal").exists()


@pytest.mark.parametrize(
    "url", ["/development/", "/development/export/", "/development/?stage=all"]
)
def test_the_pipeline_costs_the_same_queries_for_5_and_50_people(
    cast, client_for, django_assert_num_queries, url
):
    client = client_for(cast.comm_a_sec)
    add_people(cast.branch_a, 5)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
        if getattr(r, "streaming", False):
            b"".join(r.streaming_content)
    n5 = len(ctx.captured_queries)
    add_people(cast.branch_a, 45, start=5)
    with django_assert_num_queries(n5):
        r = client.get(url)
        if getattr(r, "streaming", False):
            b"".join(r.streaming_content)
    assert r.status_code == 200
