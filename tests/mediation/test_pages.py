"""Pages, documents and API of 信访、民事调解: the list (overdue first, no party's name or phone,
constant queries), the case page and its forms, the read audit, the 人民调解协议书 (.docx) and the
矛盾纠纷排查调处台帐 (.xlsx) read back, and need-to-know through UI, API and export: a secretary
of another community and a cadre of another area get 404."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from dangjian.accounts.services import token_issue
from dangjian.core import rules
from dangjian.core.models import AuditEntry
from dangjian.mediation import services
from dangjian.mediation.models import Case, Session

pytestmark = pytest.mark.django_db


def _body(r) -> bytes:
    return b"".join(r.streaming_content) if getattr(r, "streaming", False) else r.content


def _reads(case) -> int:
    return AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_id=str(case.pk)).count()


def _agreed(cast, case, text="钱测乙负责修好水管并赔偿 800 元"):
    return services.session_record(
        case,
        acting_user=cast.comm_a_sec,
        held_on=timezone.localdate(),
        venue="社区调解室",
        mediators=[m.pk for m in case.mediators.all()],
        agreed=text,
    )


def test_the_list_shows_overdue_first_and_no_party_name_or_phone(cast, client_for, open_case):
    today = timezone.localdate()
    days = rules.value("grid.case_deadline", "mediation", org=cast.comm_a)
    fresh = open_case()
    late = open_case(received_on=today - dt.timedelta(days=days + 1))
    r = client_for(cast.comm_a_sec).get(f"/mediation/?org={cast.comm_a.pk}")
    html = r.content.decode()
    assert r.status_code == 200
    assert html.index(late.number) < html.index(fresh.number)
    assert "已超期" in html
    for secret in ("赵测甲", "钱测乙", "138", "1111", "楼上漏水"):
        assert secret not in html
    r = client_for(cast.comm_a_sec).get("/mediation/?state=overdue")
    assert late.number in r.content.decode() and fresh.number not in r.content.decode()


def test_the_list_costs_the_same_queries_for_3_or_40_cases(
    cast, client_for, open_case, django_assert_max_num_queries
):
    c = client_for(cast.comm_a_sec)
    for _i in range(3):
        open_case()
    with django_assert_max_num_queries(14) as few:
        assert c.get("/mediation/").status_code == 200
    for _i in range(37):
        open_case()
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = c.get(f"/mediation/?org={cast.comm_a.pk}")
    assert r.status_code == 200 and r.content.decode().count("/mediation/") >= 30


def test_opening_a_case_writes_a_read_row_and_shows_masked_phones(cast, client_for, open_case):
    case = open_case()
    c = client_for(cast.comm_a_sec)
    r = c.get(f"/mediation/{case.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and "赵测甲" in html and "138****1111" in html
    assert "13800001111" not in html
    assert _reads(case) == 1
    entry = AuditEntry.objects.get(action=AuditEntry.Action.READ, object_id=str(case.pk))
    assert entry.actor == cast.comm_a_sec and "赵测甲" not in entry.object_repr
    r = c.post(f"/mediation/{case.pk}/reveal/")
    assert "13800001111" in r.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).count() == 1


def test_the_forms_of_the_case_page(cast, client_for, open_case):
    case = open_case()
    c = client_for(cast.comm_a_sec)
    today = timezone.localdate().isoformat()
    r = c.post(
        f"/mediation/{case.pk}/parties/", {"role": "respondent", "name": "李测丙", "phone": ""}
    )
    assert r.status_code == 302 and case.parties.count() == 3
    r = c.post(f"/mediation/{case.pk}/mediators/", {"me": "on"})
    assert r.status_code == 302 and case.mediators.count() == 2
    ids = [str(m.pk) for m in case.mediators.all()]
    r = c.post(
        f"/mediation/{case.pk}/sessions/",
        {"held_on": today, "venue": "调解室", "mediators": ids, "agreed": "修好水管"},
    )
    assert r.status_code == 302
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    r = c.post(f"/mediation/{case.pk}/follow-ups/", {"visited_on": tomorrow, "note": "回访"})
    assert r.status_code == 200 and "不能晚于今天" in r.content.decode()
    assert case.follow_ups.count() == 0
    r = c.post(
        f"/mediation/{case.pk}/close/",
        {"version": "1", "outcome": "failed", "closed_on": today},
    )
    assert "刷新页面" in r.content.decode()  # the session moved it to version 2
    r = c.post(
        f"/mediation/{case.pk}/close/",
        {"version": "2", "outcome": "success", "closed_on": today, "agreement": "修好水管"},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "closed" and case.outcome == "success"
    r = c.post(
        f"/mediation/{case.pk}/close/",
        {"version": "3", "outcome": "failed", "closed_on": today},
    )
    assert "不能再次了结" in r.content.decode()


def test_a_new_case_from_the_phone_form(cast, grid, client_for):
    c = client_for(grid.cadre_a)
    r = c.get(f"/mediation/new/?org={cast.comm_a.pk}&place={grid.home_a.pk}")
    html = r.content.decode()
    assert r.status_code == 200 and "101室" in html and "第二网格" not in html
    r = c.post(
        f"/mediation/new/?org={cast.comm_a.pk}&place={grid.home_a.pk}",
        {
            "kind": "petition",
            "category": "property",
            "place": grid.home_a.pk,
            "received_on": timezone.localdate().isoformat(),
            "summary": "物业费争议",
            "applicant_name": "吴测",
            "applicant_phone": "13700003333",
            "me_as_mediator": "on",
        },
    )
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/mediation/{case.pk}/"
    assert case.kind == "petition" and case.parties.get().name == "吴测"
    assert case.mediators.get().user == grid.cadre_a
    r = c.post(
        f"/mediation/new/?org={cast.comm_a.pk}",
        {"kind": "petition", "category": "property", "place": grid.grid_a2.pk, "summary": "x"},
    )
    assert r.status_code == 200 and Case.objects.count() == 1


def test_the_agreement_docx_reads_back(cast, client_for, open_case):
    case = open_case()
    c = client_for(cast.comm_a_sec)
    r = c.get(f"/mediation/{case.pk}/agreement.docx")
    assert r.status_code == 302  # nothing agreed yet
    _agreed(cast, case)
    r = c.get(f"/mediation/{case.pk}/agreement.docx")
    assert r.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(_body(r))).paragraphs)
    for expected in (
        "人民调解协议书",
        case.number,
        "申请人：赵测甲",
        "被申请人：钱测乙",
        "邻里纠纷",
        "楼上漏水",
        "钱测乙负责修好水管并赔偿 800 元",
        "调解员：孙调解",
        "文化东路社区党委",
    ):
        assert expected in text, expected
    assert "13800001111" not in text
    assert _reads(case) == 1


def test_the_ledger_xlsx_reads_back_filtered_by_area_and_period(cast, grid, client_for, open_case):
    today = timezone.localdate()
    a = open_case()
    _agreed(cast, a)
    services.followup_add(a, acting_user=cast.comm_a_sec, visited_on=today, note="已履行")
    b = open_case(place=grid.home_a2, kind="petition")
    old = open_case(received_on=dt.date(today.year - 1, 6, 1))
    c = client_for(cast.comm_a_sec)
    r = c.get(f"/mediation/export/?org={cast.comm_a.pk}")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(_body(r))).active
    rows = list(ws.iter_rows(values_only=True))
    assert "矛盾纠纷排查调处台帐" in rows[0][0] and rows[1][0] == "编号"
    numbers = [row[0] for row in rows[2:]]
    assert numbers == [a.number, b.number]  # this year's, not last year's
    row = rows[2]
    assert "赵测甲（申请人）" in row[5] and row[8] == 1 and row[14] == 1
    assert not any("13800001111" in str(v) for line in rows for v in line)
    r = c.get(f"/mediation/export/?org={cast.comm_a.pk}&area={grid.grid_a2.pk}")
    ws = load_workbook(io.BytesIO(_body(r))).active
    assert [row[0] for row in ws.iter_rows(min_row=3, values_only=True)] == [b.number]
    r = c.get(
        f"/mediation/export/?org={cast.comm_a.pk}&start={today.year - 1}-01-01"
        f"&end={today.year - 1}-12-31"
    )
    ws = load_workbook(io.BytesIO(_body(r))).active
    assert [row[0] for row in ws.iter_rows(min_row=3, values_only=True)] == [old.number]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 3


@pytest.fixture
def two_cases(cast, grid, open_case):
    a = open_case(place=grid.home_a)
    _agreed(cast, a)
    a2 = open_case(place=grid.home_a2, parties=[{"role": "applicant", "name": "郑测丁"}])
    return a, a2


@pytest.mark.parametrize("who", ["comm_b_sec", "cadre_a2", "outsider", "member_user"])
def test_others_get_404_for_the_case_page_forms_and_agreement(
    cast, grid, client_for, two_cases, who
):
    a, _a2 = two_cases
    user = getattr(grid, who, None) or getattr(cast, who)
    c = client_for(user)
    before = AuditEntry.objects.count()
    sessions = Session.objects.count()
    for url in (f"/mediation/{a.pk}/", f"/mediation/{a.pk}/agreement.docx"):
        assert c.get(url).status_code == 404, url
    today = timezone.localdate().isoformat()
    for url, data in (
        (f"/mediation/{a.pk}/reveal/", {}),
        (f"/mediation/{a.pk}/sessions/", {"held_on": today}),
        (f"/mediation/{a.pk}/close/", {"version": "2", "outcome": "failed", "closed_on": today}),
        (f"/mediation/{a.pk}/follow-ups/", {"visited_on": today, "note": "x"}),
        (f"/mediation/{a.pk}/parties/", {"role": "applicant", "name": "x"}),
    ):
        assert c.post(url, data).status_code == 404, url
    assert AuditEntry.objects.count() == before and Session.objects.count() == sessions
    assert (
        c.get(f"/mediation/new/?org={cast.comm_a.pk}&place={grid.home_a.pk}").status_code in (404,)
        or who == "cadre_a2"
    )


def test_a_cadre_sees_only_the_cases_of_their_area_in_list_export_and_api(
    cast, grid, client_for, two_cases
):
    a, a2 = two_cases
    c = client_for(grid.cadre_a2)
    html = c.get("/mediation/").content.decode()
    assert a2.number in html and a.number not in html
    assert c.get(f"/mediation/{a2.pk}/").status_code == 200
    r = c.get("/mediation/export/")
    ws = load_workbook(io.BytesIO(_body(r))).active
    assert [row[0] for row in ws.iter_rows(min_row=3, values_only=True)] == [a2.number]
    assert c.get(f"/mediation/export/?area={grid.grid_a.pk}").status_code == 404
    assert c.get(f"/mediation/?area={grid.grid_a.pk}").status_code == 404
    assert c.get(f"/mediation/export/?org={cast.comm_b.pk}").status_code == 404
    # the community's secretary reaches both, community B's neither
    html = client_for(cast.comm_a_sec).get("/mediation/").content.decode()
    assert a.number in html and a2.number in html
    html = client_for(cast.comm_b_sec).get("/mediation/").content.decode()
    assert a.number not in html and a2.number not in html
    r = client_for(cast.comm_b_sec).get("/mediation/export/")
    assert len(list(load_workbook(io.BytesIO(_body(r))).active.iter_rows(min_row=3))) == 0
    assert (
        client_for(cast.comm_b_sec).get(f"/mediation/export/?org={cast.comm_a.pk}").status_code
        == 404
    )
    assert client_for(cast.member_user).get("/mediation/").status_code == 404


def _api(user):
    from django.test import Client

    _token, key = token_issue(user=user, name="调解接口", acting_user=None)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_api_lists_shows_and_creates_within_reach(cast, grid, two_cases):
    a, a2 = two_cases
    c, auth = _api(grid.cadre_a)
    r = c.get("/api/v1/mediation/", **auth)
    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["number"] for i in items] == [a.number]
    assert "赵测甲" not in r.content.decode()
    r = c.get(f"/api/v1/mediation/{a.pk}", **auth)
    body = r.json()
    assert r.status_code == 200 and body["parties"][0]["phone"] == "138****1111"
    assert body["sessions"][0]["agreed"]
    assert _reads(a) == 1
    before = AuditEntry.objects.count()
    assert c.get(f"/api/v1/mediation/{a2.pk}", **auth).status_code == 404
    assert AuditEntry.objects.count() == before
    payload = {
        "place_id": grid.home_a.pk,
        "kind": "mediation",
        "category": "family",
        "received_on": timezone.localdate().isoformat(),
        "summary": "家庭矛盾",
        "parties": [{"name": "冯测", "role": "applicant", "phone": "13600004444"}],
    }
    r = c.post("/api/v1/mediation/", json.dumps(payload), content_type="application/json", **auth)
    assert r.status_code == 201, r.content
    payload["place_id"] = grid.home_a2.pk
    r = c.post("/api/v1/mediation/", json.dumps(payload), content_type="application/json", **auth)
    assert r.status_code == 404
    payload["place_id"] = grid.home_a.pk
    payload["received_on"] = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    r = c.post("/api/v1/mediation/", json.dumps(payload), content_type="application/json", **auth)
    assert r.status_code == 400 and "今天" in r.json()["detail"]
    assert Case.objects.count() == 3
    c, auth = _api(cast.comm_b_sec)
    assert c.get(f"/api/v1/mediation/{a.pk}", **auth).status_code == 404
    assert c.get("/api/v1/mediation/", **auth).json()["items"] == []
    assert c.get(f"/api/v1/mediation/?org={cast.comm_a.pk}", **auth).status_code == 404
