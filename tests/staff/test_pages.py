"""The staff roster's pages: a community's roster and staffing, a street's roll-up, adding,
changing and a worker leaving, the seconded-term reminder, the roster export read back — and a
secretary of another community gets nothing."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.staff import services
from dangjian.staff.models import Staff

TODAY = timezone.localdate()


def _worker(cast, **kw):
    data = {"name": "王社工", "kind": "institution", "post": "民政专干", "started_on": TODAY}
    data.update(kw)
    return services.staff_create(acting_user=cast.comm_a_sec, community=cast.comm_a, **data)


def test_the_roster_shows_workers_and_the_staffing_with_its_rule(cast, client_for):
    _worker(cast)
    _worker(cast, name="李协管", kind="public_welfare", sub_post="security_info", post="")
    page = client_for(cast.comm_a_sec).get(f"/staff/?org={cast.comm_a.pk}").content.decode()
    assert "王社工" in page and "李协管" in page and "治安信息员" in page
    assert "建制镇社区工作者配备" in page and "缺 1 名" in page  # admin: none of the one asked


def test_a_street_sees_each_community_and_the_rollup(cast, client_for):
    _worker(cast)
    page = client_for(cast.street_sec).get(f"/staff/?org={cast.street_a.pk}").content.decode()
    assert 'id="staffing-table"' in page
    assert "文化东路社区党委" in page and "团结路社区党总支" in page
    assert "迎宾路" not in page  # another street


def test_another_communitys_secretary_gets_nothing(cast, client_for):
    s = _worker(cast)
    other = client_for(cast.comm_b_sec)
    assert other.get(f"/staff/?org={cast.comm_a.pk}").status_code == 404
    assert other.get(f"/staff/{s.pk}/").status_code == 404
    assert other.get(f"/staff/export/?org={cast.comm_a.pk}").status_code == 404
    assert other.get(f"/api/v1/staff/?org={cast.comm_a.pk}").status_code == 404
    r = other.post(f"/staff/{s.pk}/leave/", {"left_on": TODAY.isoformat(), "version": s.version})
    assert r.status_code == 404 and Staff.objects.get(pk=s.pk).left_on is None
    assert client_for(cast.member_user).get("/staff/").status_code == 404


def test_adding_a_party_member_takes_the_name_from_their_record(cast, client_for):
    r = client_for(cast.comm_a_sec).post(
        f"/staff/new/?org={cast.comm_a.pk}",
        {"member": cast.member_a.pk, "name": "", "kind": "admin", "started_on": "2025-03-01"},
    )
    assert r.status_code == 302
    s = Staff.objects.get(community=cast.comm_a)
    assert s.member == cast.member_a and s.name == "张三"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "kind": "admin"}, "name", "请填写姓名"),
        (
            {"name": "甲", "kind": "admin", "sub_post": "social_security"},
            "sub_post",
            "只有公益性岗位",
        ),
        (
            {
                "name": "甲",
                "kind": "admin",
                "is_seconded": "on",
                "started_on": "2026-01-01",
                "seconded_until": "2026-12-31",
            },
            "seconded_until",
            "任期应为 2–3 年",
        ),
        (
            {"name": "甲", "kind": "admin", "seconded_until": "2028-01-01"},
            "is_seconded",
            "请勾选“下派干部”",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(cast, client_for, data, field, message):
    r = client_for(cast.comm_a_sec).post(f"/staff/new/?org={cast.comm_a.pk}", data)
    assert r.status_code == 200 and message in r.content.decode()
    assert not Staff.objects.filter(community=cast.comm_a).exists()


def test_a_member_of_another_community_cannot_be_linked(cast):
    with pytest.raises(Exception, match="只能关联本社区在册的党员"):
        _worker(cast, member=cast.member_b, name="")


def test_a_seconded_term_is_two_to_three_years_at_its_boundaries(cast):
    start = dt.date(2025, 1, 1)
    ok = _worker(cast, is_seconded=True, started_on=start, seconded_until=dt.date(2027, 1, 1))
    assert ok.seconded_until == dt.date(2027, 1, 1)
    _worker(
        cast, name="三年", is_seconded=True, started_on=start, seconded_until=dt.date(2028, 1, 1)
    )
    for until in (dt.date(2026, 12, 1), dt.date(2028, 2, 1)):
        with pytest.raises(Exception, match="任期应为"):
            _worker(cast, name="超出", is_seconded=True, started_on=start, seconded_until=until)


def test_a_seconded_term_ending_soon_is_a_todo_and_on_the_roster(cast, client_for):
    start = TODAY - dt.timedelta(days=700)
    _worker(
        cast,
        name="下派甲",
        is_seconded=True,
        started_on=start,
        seconded_until=TODAY + dt.timedelta(days=30),
    )
    _worker(
        cast,
        name="下派乙",
        is_seconded=True,
        started_on=TODAY,
        seconded_until=TODAY + dt.timedelta(days=800),
    )
    c = client_for(cast.comm_a_sec)
    page = c.get(f"/staff/?org={cast.comm_a.pk}").content.decode()
    banner = page[page.index('id="seconded-ending"') :]
    banner = banner[: banner.index("</div>")]
    assert "下派甲" in banner and "下派乙" not in banner
    assert "1 名下派干部任期将满" in c.get("/").content.decode()


def test_a_worker_leaves_with_confirmation_and_stays_in_the_history(cast, client_for):
    s = _worker(cast, started_on=TODAY - dt.timedelta(days=10))
    c = client_for(cast.comm_a_sec)
    assert "data-confirm" in c.get(f"/staff/{s.pk}/").content.decode()
    bad = c.post(
        f"/staff/{s.pk}/leave/",
        {"left_on": (TODAY - dt.timedelta(days=11)).isoformat(), "version": s.version},
    )
    assert bad.status_code == 400 and Staff.objects.get(pk=s.pk).left_on is None
    c.post(f"/staff/{s.pk}/leave/", {"left_on": TODAY.isoformat(), "version": s.version})
    s.refresh_from_db()
    assert s.left_on == TODAY
    page = c.get(f"/staff/?org={cast.comm_a.pk}").content.decode()
    assert "王社工" not in page[page.index('id="staff-table"') :]
    assert Staff.objects.filter(pk=s.pk).exists()


def test_two_secretaries_editing_one_worker_the_second_is_told(cast, client_for):
    s = _worker(cast)
    base = {"name": "王社工", "kind": "institution", "post": "", "version": s.version}
    c = client_for(cast.comm_a_sec)
    assert c.post(f"/staff/{s.pk}/", {**base, "post": "民政专干A"}).status_code == 302
    r = c.post(f"/staff/{s.pk}/", {**base, "post": "民政专干B"})
    assert r.status_code == 200 and "已被他人修改" in r.content.decode()
    s.refresh_from_db()
    assert s.post == "民政专干A"


def test_the_roster_export_reads_back_and_is_audited(cast, client_for):
    _worker(cast)
    _worker(cast, name="李协管", kind="public_welfare", sub_post="family_planning")
    r = client_for(cast.street_sec).get(f"/staff/export/?org={cast.street_a.pk}")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert {row[1] for row in rows} == {"王社工", "李协管"}
    assert any(row[3] == "计生" for row in rows)
    assert AuditEntry.objects.filter(action="export", field="staff.staff").exists()


def test_the_roster_page_costs_the_same_queries_for_3_and_30_workers(
    cast, client_for, django_assert_max_num_queries
):
    c = client_for(cast.comm_a_sec)
    for i in range(3):
        _worker(cast, name=f"甲{i}")
    c.get(f"/staff/?org={cast.comm_a.pk}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        c.get(f"/staff/?org={cast.comm_a.pk}")
    for i in range(27):
        _worker(cast, name=f"乙{i}")
    with django_assert_max_num_queries(len(few)):
        c.get(f"/staff/?org={cast.comm_a.pk}")


def test_the_api_lists_staff_and_staffing(cast, client_for):
    _worker(cast)
    c = client_for(cast.street_sec)
    rows = c.get(f"/api/v1/staff/?org={cast.comm_a.pk}").json()
    assert [r["name"] for r in rows] == ["王社工"] and rows[0]["is_party_member"] is False
    staffing = c.get(f"/api/v1/staff/staffing?org={cast.street_a.pk}").json()
    assert {s["community"] for s in staffing} == {"文化东路社区党委", "团结路社区党总支"}
    a = next(s for s in staffing if s["community"] == "文化东路社区党委")
    assert a["counts"]["institution"] == 1
    assert any(s["rule_id"] == "staff.other_town" for s in a["shortfalls"])
