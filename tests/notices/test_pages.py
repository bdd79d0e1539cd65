"""Pages of notices: the secretary's list (filters, constant queries, export), posting with
errors beside the field, withdrawing with a confirmation, and the member's page — with no read
receipt, no confirm button, no unread counter."""

from __future__ import annotations

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.notices.models import Audience, Notice

from .conftest import TODAY, days, post


def test_the_list_shows_the_notices_of_what_the_user_sees(cast, client_for, notice):
    post(cast, org=cast.comm_b, user=cast.comm_b_sec, title="乙社区通知")
    page = client_for(cast.comm_a_sec).get("/notices/").content.decode()
    assert "甲社区全体党员通知" in page and "乙社区通知" not in page
    assert 'id="create-notice"' in page and "显示中" in page
    page_b = client_for(cast.comm_b_sec).get("/notices/").content.decode()
    assert "乙社区通知" in page_b and "甲社区全体党员通知" not in page_b


def test_the_list_filters_by_state_and_audience(cast, client_for):
    post(cast, title="将来的通知", publish_on=days(5))
    post(cast, title="公开栏公告", audience=Audience.PUBLIC)
    c = client_for(cast.comm_a_sec)
    pending = c.get("/notices/?state=pending").content.decode()
    assert "将来的通知" in pending and "公开栏公告" not in pending
    public = c.get("/notices/?audience=public").content.decode()
    assert "公开栏公告" in public and "将来的通知" not in public


def test_a_plain_member_and_an_anonymous_visitor_get_no_list(cast, client_for, client):
    assert client_for(cast.member_user).get("/notices/").status_code == 404
    assert client.get("/notices/").status_code == 302


def test_list_queries_do_not_grow_with_rows(cast, client_for, django_assert_max_num_queries):
    c = client_for(cast.comm_a_sec)
    post(cast, to_org=cast.branch_a, category="retired")
    with CaptureQueriesContext(connection) as one:
        assert c.get("/notices/").status_code == 200
    for i in range(12):
        post(cast, title=f"通知{i}", to_org=cast.branch_a_2 if i % 2 else None)
        post(cast, title=f"公告{i}", audience=Audience.PUBLIC, org=cast.branch_a)
    with django_assert_max_num_queries(len(one)):
        assert "公告11" in c.get("/notices/").content.decode()


def test_posting_a_notice(cast, client_for):
    c = client_for(cast.comm_a_sec)
    form = c.get("/notices/new/").content.decode()
    assert "文化东路社区党委" in form and "迎宾路社区党总支" not in form
    r = c.post(
        "/notices/new/",
        {
            "org": cast.comm_a.pk,
            "audience": "members",
            "to_org": cast.branch_a.pk,
            "category": "retired",
            "title": "离退休党员学习通知",
            "body": "请按时学习。",
            "publish_on": TODAY.isoformat(),
        },
    )
    n = Notice.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/notices/{n.pk}/"
    assert (n.to_org, n.category, n.created_by) == (cast.branch_a, "retired", cast.comm_a_sec)
    detail = c.get(r["Location"]).content.decode()
    assert "离退休党员学习通知" in detail and "data-confirm" in detail


def test_a_too_long_body_is_shown_beside_the_field_and_the_text_is_kept(cast, client_for):
    body = "字" * 5001
    r = client_for(cast.comm_a_sec).post(
        "/notices/new/",
        {
            "org": cast.comm_a.pk,
            "audience": "members",
            "title": "长通知",
            "body": body,
            "publish_on": TODAY.isoformat(),
        },
    )
    page = r.content.decode()
    assert r.status_code == 200 and not Notice.objects.exists()
    assert body in page and "长通知" in page  # values kept, nothing cut
    field = page.split('id="field-body"')[1].split('id="field-')[0]
    assert "5000" in field and "invalid-feedback" in field and "is-invalid" in field
    assert "maxlength" not in field


def test_a_to_org_outside_the_subtree_is_refused_on_the_form(cast, client_for):
    r = client_for(cast.street_sec).post(
        "/notices/new/",
        {
            "org": cast.comm_a.pk,
            "audience": "members",
            "to_org": cast.comm_a2.pk,
            "title": "x",
            "body": "y",
            "publish_on": TODAY.isoformat(),
        },
    )
    assert r.status_code == 200 and not Notice.objects.exists()
    assert "is-invalid" in r.content.decode().split('id="field-to_org"')[1].split('id="field-')[0]


def test_editing_and_withdrawing(cast, client_for, notice):
    c = client_for(cast.comm_a_sec)
    assert c.get(f"/notices/{notice.pk}/edit/").status_code == 200
    r = c.post(
        f"/notices/{notice.pk}/edit/",
        {
            "version": 1,
            "audience": "members",
            "title": "改过的标题",
            "body": "正文",
            "publish_on": days(-1).isoformat(),
        },
    )
    assert r.status_code == 302
    notice.refresh_from_db()
    assert (notice.title, notice.version) == ("改过的标题", 2)
    r = c.post(f"/notices/{notice.pk}/withdraw/", {"version": 2, "withdraw_on": TODAY.isoformat()})
    notice.refresh_from_db()
    assert r.status_code == 302 and notice.withdraw_on == TODAY
    page = c.get(f"/notices/{notice.pk}/").content.decode()
    assert "已撤下" in page and 'id="withdraw"' not in page and 'id="edit-notice"' not in page


def test_a_withdraw_refused_says_why_and_changes_nothing(cast, client_for, notice):
    c = client_for(cast.comm_a_sec)
    r = c.post(
        f"/notices/{notice.pk}/withdraw/",
        {"version": 1, "withdraw_on": TODAY.isoformat()},
        follow=True,
    )
    assert "晚于发布日期" in r.content.decode()
    notice.refresh_from_db()
    assert notice.withdraw_on is None and notice.version == 1


def test_the_export_reads_back_and_is_audited(cast, client_for, notice, public):
    r = client_for(cast.comm_a_sec).get(f"/notices/export/?org={cast.comm_a.pk}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[1][0] == "发布日期"
    titles = {row[6] for row in rows[2:]}
    assert titles == {"甲社区全体党员通知", "甲社区垃圾分类公告"}
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, field="notices.notice"
    ).exists()


def test_the_member_page_shows_their_notices_and_no_read_receipt(cast, client_for, notice):
    post(cast, to_org=cast.branch_a_2, title="离退休支部的通知")
    r = client_for(cast.member_user).get("/notices/mine/")
    page = r.content.decode()
    assert r.status_code == 200 and "甲社区全体党员通知" in page and "测试正文" in page
    assert "离退休支部的通知" not in page
    mine = page.split('id="my-notices"')[1]
    for nag in ("已读", "未读", "确认", "回执", "<button", "<form"):
        assert nag not in mine, nag


def test_a_user_without_a_member_record_gets_an_explanation(cast, client_for):
    page = client_for(cast.comm_a_sec).get("/notices/mine/").content.decode()
    assert 'id="no-member"' in page and "关联党员档案" in page
