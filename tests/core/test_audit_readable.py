"""The audit trail reads as plain Chinese (issue 20, item 10): field names are the models'
verbose names, linked records their names, choices their labels; filters by who, kind of record,
organisation, action and dates, and a search; the same in the .xlsx export. Linked names cost one
query per linked model, not per row."""

from __future__ import annotations

import io

import openpyxl
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member


def _rows(response) -> str:
    text = response.content.decode()
    return text[text.index('id="audit-table"') :]


def _move(cast, n: int = 1) -> None:
    """``n`` audited changes of 张三's organisation and status (ids and choice values)."""
    for _i in range(n):
        audit.record(
            action=AuditEntry.Action.UPDATE,
            obj=cast.member_a,
            acting_user=cast.branch_sec,
            changes={
                "org": {"before": cast.branch_a.pk, "after": cast.branch_a_2.pk},
                "status": {"before": "probationary", "after": "full"},
                "phone": {"before": "13800000000", "after": "13900000000"},
            },
        )


def test_changes_show_chinese_field_names_linked_names_and_choice_labels(cast, client_for):
    _move(cast)
    page = _rows(client_for(cast.comm_a_sec).get("/audit/?action=update"))
    assert "所在党组织" in page and "党员身份" in page and "联系电话" in page
    assert "文化东路第一楼栋党支部 → 文化东路离退休党支部" in page
    assert "预备党员 → 正式党员" in page
    assert "probationary" not in page and "<b>org</b>" not in page
    assert "党员" in page  # the kind of record


def test_a_linked_record_outside_the_readers_scope_is_shown_by_its_number(cast, client_for):
    audit.record(
        action=AuditEntry.Action.UPDATE,
        obj=cast.member_a,
        acting_user=cast.branch_sec,
        changes={"org": {"before": cast.branch_a.pk, "after": cast.branch_b.pk}},
    )
    page = _rows(client_for(cast.comm_a_sec).get("/audit/?action=update"))
    assert "迎宾路第一党支部" not in page and f"编号 {cast.branch_b.pk}" in page


def test_filters_narrow_by_action_who_kind_organisation_dates_and_search(cast, client_for):
    _move(cast)
    c = client_for(cast.street_sec)
    ct = ContentType.objects.get_for_model(Member).pk
    today = timezone.localdate().isoformat()
    assert "所在党组织" in _rows(c.get("/audit/?action=update&who=branch_a"))
    assert "所在党组织" not in _rows(c.get("/audit/?action=update&who=comm_b"))
    assert "所在党组织" in _rows(c.get(f"/audit/?action=update&ct={ct}"))
    assert "所在党组织" in _rows(c.get(f"/audit/?action=update&org={cast.comm_a.pk}"))
    assert "所在党组织" not in _rows(c.get(f"/audit/?action=update&org={cast.comm_a2.pk}"))
    assert "所在党组织" in _rows(c.get(f"/audit/?action=update&start={today}&end={today}"))
    assert "没有记录" in _rows(c.get("/audit/?action=update&end=2000-01-01"))
    assert "所在党组织" in _rows(c.get("/audit/?q=13900000000"))
    assert "张三" in _rows(c.get("/audit/?q=张三"))
    assert "没有记录" in _rows(c.get("/audit/?q=没有这样的内容"))


def test_filters_never_widen_the_readers_scope(cast, client_for):
    c = client_for(cast.comm_a_sec)
    for query in (f"org={cast.comm_b.pk}", "org=abc", "action=nonsense", "start=not-a-date"):
        assert "没有记录" in _rows(c.get(f"/audit/?{query}")), query
    page = c.get("/audit/").content.decode()
    assert "迎宾路社区党总支" not in page  # not offered as an organisation to filter on


def test_the_list_costs_the_same_queries_for_few_and_many_rows(cast, client_for):
    c = client_for(cast.comm_a_sec)
    _move(cast, 3)
    c.get("/audit/")  # warm the content-type cache
    with CaptureQueriesContext(connection) as few:
        c.get("/audit/")
    _move(cast, 40)
    with CaptureQueriesContext(connection) as many:
        r = c.get("/audit/")
    assert _rows(r).count("文化东路离退休党支部") >= 40
    assert len(many) == len(few)


def test_the_export_is_readable_filtered_and_audited(cast, client_for):
    _move(cast)
    c = client_for(cast.comm_a_sec)
    before = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count()
    r = c.get("/audit/?action=update&export=xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    text = "\n".join(
        str(v) for row in wb.active.iter_rows(values_only=True) for v in row if v is not None
    )
    assert "所在党组织：文化东路第一楼栋党支部 → 文化东路离退休党支部" in text
    assert "党员身份：预备党员 → 正式党员" in text
    assert "新增" not in text  # filtered to changes
    assert "李四" not in text
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("id")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == before + 1
    assert entry.actor_id == cast.comm_a_sec.pk and entry.field == "core.auditentry"


def test_an_outsiders_export_holds_no_one_elses_entries(cast, client_for):
    _move(cast)
    r = client_for(cast.outsider).get("/audit/?export=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert len(rows) == 2  # the title and the header
