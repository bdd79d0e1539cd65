"""Pages of 督查与整改: the list and its filters (query count flat in rows), the detail with overdue
tasks first, the forms (record, add a task with the rule's default deadline, close with a
document, reopen), the evidence download, the 督查整改台帐 read back, the 待办 item of each level
and the API — and another street getting 404 throughout."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from dangjian.core.todos import todos_for
from dangjian.inspections import services, todos
from dangjian.inspections.models import FollowUp, Inspection

from .conftest import TODAY, record, task


def _body(r) -> bytes:
    return b"".join(r.streaming_content) if getattr(r, "streaming", False) else r.content


def _overdue_world(cast):
    """Community A: one overdue task (deadline yesterday), one due today, one overdue but
    closed. Community B (street B): one overdue task."""
    i = record(cast)
    late = task(cast, i, owner_name="甲逾期责任人", deadline=TODAY - dt.timedelta(days=1))
    task(cast, i, owner_name="甲今日责任人", deadline=TODAY)
    done = task(cast, i, owner_name="甲完成责任人", deadline=TODAY - dt.timedelta(days=5))
    services.followup_close(
        acting_user=cast.comm_a_sec, follow_up=done, version=1, on=TODAY, evidence="已整改"
    )
    ib = record(
        cast, by=cast.admin, inspecting=cast.street_b, inspected=cast.comm_b, findings=["乙问题"]
    )
    task(cast, ib, owner_name="乙责任人", deadline=TODAY - dt.timedelta(days=3), by=cast.admin)
    return i, late


# ---- list, detail --------------------------------------------------------------------------
def test_the_list_shows_the_streets_inspections_and_the_community_its_own(cast, client_for):
    i, _late = _overdue_world(cast)
    for who in (cast.street_sec, cast.comm_a_sec):
        page = client_for(who).get("/inspections/").content.decode()
        assert f"/inspections/{i.pk}/" in page and "迎宾路" not in page, who
        assert "逾期 1" in page
    assert "文化东路" not in client_for(cast.comm_b_sec).get("/inspections/").content.decode()
    assert "文化东路" not in client_for(cast.member_user).get("/inspections/").content.decode()


def test_the_list_filters_by_org_year_kind_and_state(cast, client_for):
    i, _ = _overdue_world(cast)
    quiet = record(cast, kind="onsite", findings=["小问题"])
    c = client_for(cast.street_sec)

    def ids(q):
        page = c.get(f"/inspections/?{q}").content.decode()
        return {x.pk for x in (i, quiet) if f'id="inspection-{x.pk}"' in page}

    assert ids("") == {i.pk, quiet.pk}
    assert ids("state=overdue") == {i.pk}
    assert ids("state=open") == {i.pk}
    assert ids("kind=onsite") == {quiet.pk}
    assert ids(f"year={i.date.year}") == {i.pk, quiet.pk}
    assert ids(f"year={i.date.year - 1}") == set()
    assert ids(f"org={cast.comm_a.pk}") == {i.pk, quiet.pk}
    assert ids(f"org={cast.comm_a2.pk}") == set()
    assert c.get(f"/inspections/?org={cast.comm_b.pk}").status_code == 404


@pytest.mark.parametrize("n", [1, 12])
def test_the_lists_query_count_does_not_grow_with_the_rows(
    cast, client_for, n, django_assert_max_num_queries
):
    for _ in range(n):
        i = record(cast)
        task(cast, i, owner_name="x", deadline=TODAY - dt.timedelta(days=1))
    c = client_for(cast.street_sec)
    c.get("/inspections/")  # session, scope
    with django_assert_max_num_queries(12):
        r = c.get("/inspections/")
    assert r.content.decode().count('id="inspection-') == n


def test_the_detail_shows_overdue_tasks_first(cast, client_for):
    i, late = _overdue_world(cast)
    page = client_for(cast.comm_a_sec).get(f"/inspections/{i.pk}/").content.decode()
    assert page.index("甲逾期责任人") < page.index("甲今日责任人") < page.index("甲完成责任人")
    assert "逾期未完成" in page and "已整改" in page
    # the community closes, the street edits and reopens
    assert f"/inspections/tasks/{late.pk}/close/" in page
    assert f"/inspections/tasks/{late.pk}/edit/" not in page
    street = client_for(cast.street_sec).get(f"/inspections/{i.pk}/").content.decode()
    assert f"/inspections/tasks/{late.pk}/edit/" in street and "重新打开" in street


def test_another_street_gets_404_everywhere(cast, client_for):
    i, late = _overdue_world(cast)
    c = client_for(cast.comm_b_sec)
    finding = i.findings.first()
    for url in (
        f"/inspections/{i.pk}/",
        f"/inspections/{i.pk}/edit/",
        f"/inspections/findings/{finding.pk}/tasks/new/",
        f"/inspections/tasks/{late.pk}/edit/",
        f"/inspections/tasks/{late.pk}/close/",
    ):
        assert c.get(url).status_code == 404, url
    assert (
        c.post(f"/inspections/tasks/{late.pk}/close/", {"on": TODAY, "evidence": "x"}).status_code
        == 404
    )
    assert FollowUp.objects.get(pk=late.pk).closed_on is None


# ---- forms ---------------------------------------------------------------------------------
def test_the_street_records_an_inspection_through_the_form(cast, client_for):
    c = client_for(cast.street_sec)
    assert c.get("/inspections/new/").status_code == 200
    r = c.post(
        "/inspections/new/",
        {
            "inspecting": cast.street_a.pk,
            "inspected": cast.comm_a.pk,
            "kind": "unannounced",
            "date": TODAY.isoformat(),
            "inspectors": "街道纪工委 周测试",
            "findings": "党员活动室未开放\n\n值班记录缺失\n",
        },
    )
    i = Inspection.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/inspections/{i.pk}/"
    assert [f.text for f in i.findings.all()] == ["党员活动室未开放", "值班记录缺失"]
    # another street's community is not a choice; the community itself cannot record
    r = c.post("/inspections/new/", {"inspecting": cast.street_a.pk, "inspected": cast.comm_b.pk})
    assert "所选组织不在您的负责范围内" in r.content.decode()
    assert client_for(cast.comm_a_sec).get("/inspections/new/").status_code == 404


def test_a_task_is_added_with_the_rules_default_deadline(cast, client_for):
    i = record(cast, day=dt.date(TODAY.year, 1, 10))
    f = i.findings.first()
    c = client_for(cast.street_sec)
    page = c.get(f"/inspections/findings/{f.pk}/tasks/new/").content.decode()
    assert f"{TODAY.year}-02-09" in page and "30 天" in page
    r = c.post(
        f"/inspections/findings/{f.pk}/tasks/new/",
        {"task": "建立活动记录本", "owner": cast.comm_a_sec.pk},
    )
    assert r.status_code == 302
    t = FollowUp.objects.get()
    assert (t.owner, t.deadline) == (cast.comm_a_sec, dt.date(TODAY.year, 2, 9))
    assert (
        client_for(cast.comm_a_sec).get(f"/inspections/findings/{f.pk}/tasks/new/").status_code
        == 404
    )


def test_the_community_closes_a_task_with_a_pdf_and_anyone_of_the_inspection_downloads_it(
    cast, client_for, visit
):
    c = client_for(cast.comm_a_sec)
    assert c.get(f"/inspections/tasks/{visit.task.pk}/close/").status_code == 200
    r = c.post(
        f"/inspections/tasks/{visit.task.pk}/close/",
        {
            "version": 1,
            "on": TODAY.isoformat(),
            "evidence": "已补齐活动记录",
            "file": SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 test"),
        },
    )
    assert r.status_code == 302
    t = FollowUp.objects.select_related("closure").get(pk=visit.task.pk)
    assert t.closed_on == TODAY and t.closure.file_name == "整改报告.pdf"
    url = f"/inspections/files/{t.closure.pk}/"
    assert url in c.get(f"/inspections/{visit.inspection.pk}/").content.decode()
    r = client_for(cast.street_sec).get(url)
    assert (
        r.status_code == 200
        and _body(r).startswith(b"%PDF")
        and "attachment" in r["Content-Disposition"]
    )
    assert client_for(cast.comm_b_sec).get(url).status_code == 404


def test_closing_with_a_photo_is_refused_on_the_form(cast, client_for, visit):
    r = client_for(cast.comm_a_sec).post(
        f"/inspections/tasks/{visit.task.pk}/close/",
        {
            "on": TODAY.isoformat(),
            "evidence": "见照片",
            "file": SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0000000"),
        },
    )
    assert r.status_code == 200 and "附件只收 PDF" in r.content.decode()
    assert FollowUp.objects.get(pk=visit.task.pk).closed_on is None


def test_the_street_reopens_a_closed_task(cast, client_for, visit):
    services.followup_close(
        acting_user=cast.comm_a_sec, follow_up=visit.task, version=1, on=TODAY, evidence="已整改"
    )
    url = f"/inspections/tasks/{visit.task.pk}/reopen/"
    assert client_for(cast.comm_a_sec).post(url, {"version": 2, "reason": "x"}).status_code == 404
    r = client_for(cast.street_sec).post(url, {"version": 2, "reason": "回访发现未整改到位"})
    assert r.status_code == 302
    assert FollowUp.objects.get(pk=visit.task.pk).closed_on is None


def test_the_street_edits_the_inspection_and_a_task(cast, client_for, visit):
    c = client_for(cast.street_sec)
    i = visit.inspection
    r = c.post(
        f"/inspections/{i.pk}/edit/",
        {"version": 1, "kind": "onsite", "date": i.date.isoformat(), "inspectors": "新的人员"},
    )
    assert r.status_code == 302 and Inspection.objects.get().inspectors == "新的人员"
    r = c.post(
        f"/inspections/tasks/{visit.task.pk}/edit/",
        {"version": 1, "task": "改后的任务", "owner_name": "吴测试", "deadline": TODAY.isoformat()},
    )
    assert r.status_code == 302 and FollowUp.objects.get().task == "改后的任务"
    r = c.post(f"/inspections/{i.pk}/findings/new/", {"text": "新增问题"})
    assert r.status_code == 302 and i.findings.count() == 3


# ---- the ledger ----------------------------------------------------------------------------
def test_the_ledger_has_one_row_per_task_of_the_period_and_org(cast, client_for):
    i, late = _overdue_world(cast)
    old = record(cast, day=dt.date(TODAY.year - 1, 6, 1), findings=["去年的问题"])
    task(cast, old, owner_name="去年责任人")
    r = client_for(cast.street_sec).get(f"/inspections/export/?org={cast.comm_a.pk}")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(_body(r)), read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    header, data = rows[1], rows[2:]
    assert header[0] == "督查日期" and "整改任务" in header and "整改情况" in header
    owners = {row[header.index("责任人")]: row for row in data}
    assert set(owners) == {"甲逾期责任人", "甲今日责任人", "甲完成责任人"}
    state = header.index("状态")
    assert owners["甲逾期责任人"][state] == "逾期未完成"
    assert owners["甲今日责任人"][state] == "整改中"
    assert owners["甲完成责任人"][state] == "逾期完成"
    assert owners["甲完成责任人"][header.index("整改情况")] == "已整改"
    assert owners["甲逾期责任人"][header.index("发现的问题")] == "楼道党小组活动记录不全"
    # last year's period, and another street's export
    r = client_for(cast.street_sec).get(
        f"/inspections/export/?start={TODAY.year - 1}-01-01&end={TODAY.year - 1}-12-31"
    )
    rows = list(
        load_workbook(io.BytesIO(_body(r)), read_only=True).active.iter_rows(values_only=True)
    )
    assert [row[8] for row in rows[2:]] == ["去年责任人"]
    r = client_for(cast.comm_b_sec).get("/inspections/export/")
    text = str(list(load_workbook(io.BytesIO(_body(r)), read_only=True).active.values))
    assert "甲逾期责任人" not in text and "乙责任人" in text
    assert (
        client_for(cast.comm_b_sec).get(f"/inspections/export/?org={cast.comm_a.pk}").status_code
        == 404
    )


@pytest.mark.parametrize("n", [1, 10])
def test_the_ledgers_query_count_does_not_grow_with_the_rows(
    cast, client_for, n, django_assert_max_num_queries
):
    for _ in range(n):
        task(cast, record(cast), owner_name="x")
    c = client_for(cast.street_sec)
    c.get("/inspections/")
    with django_assert_max_num_queries(8):
        r = c.get("/inspections/export/")
        _body(r)


# ---- 待办 ----------------------------------------------------------------------------------
def test_overdue_tasks_count_for_the_inspected_org_and_up_to_the_inspecting_one(cast):
    _overdue_world(cast)
    branch = record(cast, inspected=cast.branch_a, findings=["支部问题"])
    task(cast, branch, owner_name="支部责任人", deadline=TODAY - dt.timedelta(days=2))
    county = record(
        cast, by=cast.admin, inspecting=cast.county, inspected=cast.comm_a, findings=["县查"]
    )
    task(
        cast, county, owner_name="县查责任人", deadline=TODAY - dt.timedelta(days=2), by=cast.admin
    )

    def n(user, org):
        items = todos.todos(user=user, org=org, today=TODAY)
        return items[0].count if items else 0

    assert n(cast.branch_sec, cast.branch_a) == 1  # its own inspection by the street
    assert n(cast.comm_a_sec, cast.comm_a) == 3  # its own, its branch's, the county's
    # the street's two, and the county's of its community (the street lies between them)
    assert n(cast.street_sec, cast.street_a) == 3
    assert n(cast.admin, cast.county) == 1  # made by the county (not the streets')
    assert n(cast.admin, cast.street_b) == 1  # street B's own
    assert n(cast.comm_b_sec, cast.comm_b) == 1
    assert n(cast.comm_b_sec, cast.street_a) == 0  # out of reach
    assert n(cast.comm_a_sec, cast.comm_a2) == 0
    item = todos.todos(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)[0]
    assert item.label == "3 项督查整改任务逾期未完成" and "state=overdue" in item.url
    assert any(
        "督查整改" in t.label for t in todos_for(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)
    )


def test_a_task_due_today_is_not_overdue_yet(cast):
    i = record(cast)
    task(cast, i, owner_name="x", deadline=TODAY)
    assert todos.todos(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY) == []
    tomorrow = TODAY + dt.timedelta(days=1)
    assert todos.todos(user=cast.comm_a_sec, org=cast.comm_a, today=tomorrow)[0].count == 1


def test_the_todo_counts_in_one_query(cast, django_assert_num_queries):
    _overdue_world(cast)
    from dangjian.core.access import scope_for

    scope_for(cast.comm_a_sec)
    with django_assert_num_queries(1):
        todos.todos(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY)


# ---- API -----------------------------------------------------------------------------------
def _api(client_for, user):
    return client_for(user)


def test_the_api_lists_shows_and_closes(cast, client_for):
    i, late = _overdue_world(cast)
    c = client_for(cast.comm_a_sec)
    items = c.get("/api/v1/inspections/?state=overdue").json()["items"]
    assert [(x["id"], x["overdue"], x["inspected"]) for x in items] == [
        (i.pk, 1, "文化东路社区党委")
    ]
    d = c.get(f"/api/v1/inspections/{i.pk}").json()
    assert d["findings"][0]["tasks"][0]["owner"] == "甲逾期责任人"
    assert d["findings"][0]["tasks"][0]["overdue"] is True
    r = c.post(
        f"/api/v1/inspections/tasks/{late.pk}/close",
        {"on": TODAY.isoformat(), "evidence": "已整改到位", "version": 1},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["closed_on"] == TODAY.isoformat()
    r = c.post(
        f"/api/v1/inspections/tasks/{late.pk}/close",
        {"on": TODAY.isoformat(), "evidence": "again"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "已经完成" in r.json()["detail"]


def test_the_api_gives_another_street_the_404_of_a_missing_id(cast, client_for):
    i, late = _overdue_world(cast)
    c = client_for(cast.comm_b_sec)
    assert c.get(f"/api/v1/inspections/{i.pk}").status_code == 404
    assert c.get("/api/v1/inspections/987654/").status_code in (404,)
    r = c.post(
        f"/api/v1/inspections/tasks/{late.pk}/close",
        {"on": TODAY.isoformat(), "evidence": "x"},
        content_type="application/json",
    )
    assert r.status_code == 404
    names = {x["inspected"] for x in c.get("/api/v1/inspections/").json()["items"]}
    assert names == {"迎宾路社区党总支"}


@pytest.mark.parametrize("n", [1, 8])
def test_the_details_query_count_does_not_grow_with_the_tasks(
    cast, client_for, n, django_assert_max_num_queries
):
    i = record(cast)
    for k in range(n):
        t = task(cast, i, owner=cast.comm_a_sec, deadline=TODAY - dt.timedelta(days=k))
        if k % 2:
            services.followup_close(
                acting_user=cast.comm_a_sec, follow_up=t, version=1, on=TODAY, evidence="已整改"
            )
    c = client_for(cast.street_sec)
    c.get("/inspections/")
    with django_assert_max_num_queries(12):
        r = c.get(f"/inspections/{i.pk}/")
    assert r.content.decode().count('id="task-') == n
