"""The page, the .xlsx of the statistics (read back), the API, and the national-system exports:
full ID numbers only for a changing grant, each exported number audited as a reveal."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dangjian.accounts.models import Grant
from dangjian.core import crypto
from dangjian.core.access import forget_scope
from dangjian.core.models import AuditEntry
from dangjian.members.models import EventKind, Member
from dangjian.members.selectors import register_counts, register_on
from tests.factories import make_member

from .conftest import D, S, event

QUERY = f"on={D.isoformat()}&since={S.isoformat()}"


def _xlsx(response):
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def viewer(cast):
    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    forget_scope(cast.outsider)
    return cast.outsider


def test_the_page_shows_the_tables_and_the_reconciliation(cast, history, client_for):
    r = client_for(cast.comm_a_sec).get(f"/partystats/?org={cast.branch_a_2.pk}&{QUERY}")
    assert r.status_code == 200
    page = r.content.decode()
    assert "文化东路离退休党支部党内统计（截至 2025-06-30）" in page
    assert "期初（2024-12-31）4 人 + 本期增加 3 人 − 本期减少 1 人 = 期末（2025-06-30）6 人" in page
    assert "相符" in page and "其中：回族" in page
    assert 'id="ps-national-members"' in page
    assert "甲稳定" not in page  # aggregates: nobody is named


def test_a_viewer_reads_the_statistics_but_is_offered_no_national_export(
    cast, history, client_for, viewer
):
    page = client_for(viewer).get(f"/partystats/?org={cast.comm_a.pk}").content.decode()
    assert 'id="table-gender"' in page and 'id="ps-national-members"' not in page


def test_a_bad_date_is_explained_and_the_default_shown(cast, client_for):
    r = client_for(cast.comm_a_sec).get("/partystats/?on=2025-13-01")
    assert r.status_code == 200 and "统计日期“2025-13-01”不正确" in r.content.decode()


@pytest.mark.parametrize("who", ["comm_b_sec", "outsider", "member_user"])
def test_others_get_404_for_community_a(cast, history, client_for, who):
    c = client_for(getattr(cast, who))
    for path in (
        f"/partystats/?org={cast.comm_a.pk}",
        f"/partystats/export/?org={cast.comm_a.pk}",
        f"/partystats/national/members/export/?org={cast.comm_a.pk}",
        f"/partystats/national/orgs/export/?org={cast.comm_a.pk}",
        f"/api/v1/partystats/?org={cast.comm_a.pk}",
    ):
        assert c.get(path).status_code == 404, path


def test_the_query_count_does_not_grow_with_the_register(cast, client_for):
    c = client_for(cast.comm_a_sec)
    url = f"/partystats/?org={cast.comm_a.pk}"
    c.get(url)  # warm the session and caches

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    for _i in range(3):
        make_member(org=cast.branch_a_2)
    small = count()
    for _i in range(12):
        m = make_member(org=cast.branch_a)
        event(m, EventKind.DEATH, m.joined_on.replace(year=m.joined_on.year + 2))
    assert count() == small


def test_the_workbook_reads_back_with_totals_that_tie_out(cast, history, client_for):
    wb = _xlsx(client_for(cast.comm_a_sec).get(f"/partystats/export/?org={cast.comm_a.pk}&{QUERY}"))
    expected = register_counts(register_on(user=cast.admin, org_path=cast.comm_a.path, on=D)).total
    assert expected == 7  # the six of the history and 张三
    assert wb.sheetnames[0] == "汇总与核对"
    summary = wb["汇总与核对"]
    assert summary["B2"].value == "文化东路社区党委"
    assert summary["D2"].value.date() == D
    rec = {row[0]: row[1] for row in summary.iter_rows(min_row=5, max_row=10, values_only=True)}
    assert rec["期初在册党员（起始日期当日）"] == 5
    assert rec["期末在册党员（统计日期当日）"] == 7
    assert rec["期初 + 增加 − 减少 = 期末"] == "相符"
    member_sheets = [n for n in wb.sheetnames if n.startswith("表")][:7]
    assert len(member_sheets) == 7
    for name in member_sheets:
        ws = wb[name]
        assert "A4:A5" in {str(r) for r in ws.merged_cells.ranges}  # the two-row header
        assert [c.value for c in ws[5]][2:] == ["男", "女", "正式党员", "预备党员"]
        rows = list(ws.iter_rows(min_row=6, values_only=True))
        total = next(r for r in rows if r[0] == "合计")
        body = [r for r in rows[: rows.index(total)] if not str(r[0]).startswith("其中")]
        assert total[1] == expected == sum(r[1] for r in body), name
    orgs = wb[wb.sheetnames[-1]]
    org_total = next(r for r in orgs.iter_rows(values_only=True) if r[0] == "合计")
    assert org_total[-1] == 4
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, object_id=str(cast.comm_a.pk)
    ).exists()


def test_the_api_gives_the_tables_as_json(cast, history, client_for):
    c = client_for(cast.comm_a_sec)
    data = c.get(f"/api/v1/partystats/?org={cast.branch_a_2.pk}&{QUERY}").json()
    assert data["register_total"] == 6
    assert data["reconciliation"] == {
        "start": 4,
        "added": 3,
        "removed": 1,
        "end": 6,
        "admitted": 1,
        "reconciles": True,
    }
    gender = next(t for t in data["tables"] if t["key"] == "gender")
    assert gender["total"] == {"total": 6, "male": 3, "female": 3, "full": 5, "probationary": 1}
    assert c.get("/api/v1/partystats/?on=nonsense").status_code == 400
    r = c.get("/api/v1/partystats/?on=2025-06-30&since=2025-07-01")
    assert r.status_code == 400 and r.json()["errors"] == {"since": ["起始日期应早于统计日期。"]}
    assert c.get(f"/api/v1/partystats/?org={cast.comm_b.pk}").status_code == 404


def test_the_national_member_export_carries_full_id_numbers_and_audits_each(
    cast, history, client_for
):
    before = AuditEntry.objects.count()
    wb = _xlsx(
        client_for(cast.comm_a_sec).get(
            f"/partystats/national/members/export/?org={cast.comm_a.pk}"
        )
    )
    ws = wb.active
    header = [c.value for c in ws[2]]
    assert header[:4] == ["姓名", "性别", "公民身份号码", "民族"]
    assert header[-1] == "党籍状态"
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    current = Member.objects.filter(org__path__startswith=cast.comm_a.path, state="active")
    assert set(rows) == set(current.values_list("name", flat=True))
    assert "甲后转出" not in rows and "甲期内去世" not in rows  # not on today's register
    stay = Member.objects.get(pk=history.stay.pk)
    assert rows["甲稳定"][2] == crypto.decrypt(stay.id_cipher)
    assert len(rows["甲稳定"][2]) == 18 and "*" not in rows["甲稳定"][2]
    assert rows["甲期内发展"][6] == "预备党员"
    assert rows["甲稳定"][-1] == "正常"
    reveals = AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL, field="id_number")
    assert set(reveals.values_list("object_id", flat=True)) == {
        str(pk) for pk in current.values_list("pk", flat=True)
    }
    assert reveals.filter(actor=cast.comm_a_sec).count() == len(rows)
    exports = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT)
    assert exports.count() == 1
    assert AuditEntry.objects.count() == before + len(rows) + 1


def test_the_national_org_export_lists_the_organisations(cast, client_for):
    import datetime as dt

    from dangjian.orgs.models import Office
    from dangjian.orgs.services import office_create

    office_create(
        acting_user=None,
        org=cast.branch_a_2,
        title=Office.Title.SECRETARY,
        holder_name="甲书记",
        term_start=dt.date(2024, 1, 1),
    )
    wb = _xlsx(
        client_for(cast.comm_a_sec).get(f"/partystats/national/orgs/export/?org={cast.comm_a.pk}")
    )
    rows = {r[0]: r for r in wb.active.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"文化东路社区党委", "文化东路第一楼栋党支部", "文化东路离退休党支部"}
    assert rows["文化东路离退休党支部"][1:6] == (
        "CA-B2",
        "党支部",
        "文化东路社区党委",
        "文化东路社区党委",
        "甲书记",
    )
    assert rows["文化东路社区党委"][2] == "党委（党工委）"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()


def test_a_viewer_gets_404_for_the_national_exports_and_reveals_nothing(
    cast, history, client_for, viewer
):
    c = client_for(viewer)
    before = AuditEntry.objects.count()
    for path in ("members", "orgs"):
        r = c.get(f"/partystats/national/{path}/export/?org={cast.comm_a.pk}")
        assert r.status_code == 404
    assert AuditEntry.objects.count() == before


def test_a_suspended_member_is_exported_with_the_standing_the_national_system_knows(
    cast, history, client_for
):
    event(history.stay, EventKind.LOST_CONTACT, history.stay.joined_on.replace(year=2026, month=1))
    wb = _xlsx(
        client_for(cast.comm_a_sec).get(
            f"/partystats/national/members/export/?org={cast.branch_a_2.pk}"
        )
    )
    rows = {r[0]: r for r in wb.active.iter_rows(min_row=3, values_only=True)}
    assert rows["甲稳定"][-1] == "停止党籍" and rows["甲期内转入"][-1] == "正常"


def test_the_exports_query_count_does_not_grow_with_the_register(cast, client_for):
    c = client_for(cast.comm_a_sec)
    urls = [
        f"/partystats/export/?org={cast.comm_a.pk}",
        f"/partystats/national/members/export/?org={cast.comm_a.pk}",
        f"/partystats/national/orgs/export/?org={cast.comm_a.pk}",
        f"/api/v1/partystats/?org={cast.comm_a.pk}",
    ]
    for url in urls:
        c.get(url)

    def counts() -> list[int]:
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                r = c.get(url)
                if r.streaming:
                    b"".join(r.streaming_content)
            out.append(len(ctx.captured_queries))
        return out

    for _i in range(2):
        make_member(org=cast.branch_a_2, categories=("retired",))
    small = counts()
    for _i in range(10):
        make_member(org=cast.branch_a, categories=("in_service", "difficulty"))
    assert counts() == small
