"""Pages of mobile members: the list (warnings first), the ledger export, registering an
absence, the contact log and the return; what is not the user's is a 404 or absent."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.members.models import EventKind
from dangjian.mobility.models import ContactLog, Outbound, OutboundState
from tests.factories import make_member

from .conftest import add_outbounds, make_outbound

D = dt.date


def test_the_list_puts_the_expired_card_first_and_says_why(cast, client_for):

    fine = make_outbound(
        make_member(org=cast.branch_a, name="钱正常"),
        left_on=D(2026, 11, 1),
        card_no="A1",
        card_issued_on=D(2026, 11, 1),
        card_valid_until=D(2027, 5, 1),
    )
    expired = make_outbound(
        make_member(org=cast.branch_a, name="孙过期"),
        left_on=D(2026, 10, 1),
        card_no="A2",
        card_issued_on=D(2026, 1, 1),
        card_valid_until=D(2026, 11, 1),
    )
    page = client_for(cast.comm_a_sec).get("/mobility/").content.decode()
    assert page.index("孙过期") < page.index("钱正常")
    assert "活动证已于 2026-11-01 过期" in page
    only = client_for(cast.comm_a_sec).get("/mobility/", {"warn": "1"}).content.decode()
    assert "孙过期" in only and "钱正常" not in only
    by_name = client_for(cast.comm_a_sec).get("/mobility/", {"sort": "left_on"}).content.decode()
    assert by_name.index("钱正常") < by_name.index("孙过期")
    assert fine.pk != expired.pk


def test_returned_members_are_listed_only_when_asked(cast, client_for):
    from dangjian.mobility import services

    o = make_outbound(cast.member_a, left_on=D(2026, 6, 1))
    services.outbound_return(o, acting_user=None, returned_on=D(2026, 10, 1))
    c = client_for(cast.comm_a_sec)
    assert "张三" not in c.get("/mobility/").content.decode()
    assert "张三" in c.get("/mobility/", {"state": "returned"}).content.decode()
    assert "张三" in c.get("/mobility/", {"q": "zs", "state": "all"}).content.decode()


def test_the_ledger_export_reads_back_with_the_card_and_the_warning(cast, client_for):
    make_outbound(
        cast.member_a,
        left_on=D(2026, 3, 1),
        destination="江苏省苏州市",
        card_no="LD-88",
        card_issued_on=D(2026, 3, 1),
        card_valid_until=D(2026, 12, 10),
    )
    r = client_for(cast.comm_a_sec).get("/mobility/export/", {"org": cast.comm_a.pk})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][0].startswith("流动党员台帐（文化东路社区党委）")
    assert rows[1][:3] == ("姓名", "所在党组织", "外出日期")
    (row,) = rows[2:]
    assert row[0] == "张三" and row[3] == "江苏省苏州市" and row[8] == "LD-88"
    assert row[10].date() == D(2026, 12, 10)
    assert "活动证将于 2026-12-10 到期" in row[14] and "超过 6 个月" in row[14]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 1


def test_an_absence_is_registered_through_the_form_and_the_form_keeps_bad_input(cast, client_for):
    c = client_for(cast.comm_a_sec)
    data = {
        "member": cast.member_a.pk,
        "left_on": "2026.9.1",
        "destination": "广州市白云区",
        "work": "物流",
        "contact_name": "",
    }
    r = c.post("/mobility/new/", data)
    page = r.content.decode()
    assert r.status_code == 200 and "请选择结对联系的党员" in page and "广州市白云区" in page
    data["contact_member"] = ""
    data["contact_name"] = "志愿者赵"
    r = c.post("/mobility/new/", data)
    o = Outbound.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/mobility/{o.pk}/"
    assert cast.member_a.events.filter(kind=EventKind.GOING_OUT).exists()
    detail = c.get(r["Location"]).content.decode()
    assert "广州市白云区" in detail and "志愿者赵" in detail and "尚未办理流动党员活动证" in detail


def test_a_contact_is_added_on_the_detail_page(cast, client_for):
    o = make_outbound(cast.member_a, left_on=D(2026, 6, 1))
    c = client_for(cast.comm_a_sec)
    r = c.post(
        f"/mobility/{o.pk}/contacts/",
        {"date": "2026-11-20", "way": "wechat", "passed_on": "传达社区换届通知"},
        follow=True,
    )
    page = r.content.decode()
    assert "已添加联系记录" in page and "传达社区换届通知" in page
    r = c.post(f"/mobility/{o.pk}/contacts/", {"date": "2026-11-20", "way": "wechat"})
    assert r.status_code == 200 and "请至少写一项联系内容" in r.content.decode()
    assert ContactLog.objects.count() == 1


def test_the_card_is_renewed_and_the_return_is_recorded_through_the_pages(cast, client_for):
    o = make_outbound(cast.member_a, left_on=D(2026, 6, 1))
    c = client_for(cast.comm_a_sec)
    r = c.get(f"/mobility/{o.pk}/edit/")
    assert r.status_code == 200 and "广东省深圳市" in r.content.decode()
    r = c.post(
        f"/mobility/{o.pk}/edit/",
        {
            "destination": "广东省深圳市",
            "contact_name": "志愿者王",
            "card_no": "LD-NEW",
            "card_issued_on": "2026-11-20",
            "card_valid_until": "2027-05-20",
            "version": o.version,
        },
    )
    assert r.status_code == 302
    o.refresh_from_db()
    assert o.card_no == "LD-NEW"
    page = c.get(f"/mobility/{o.pk}/return/").content.decode()
    assert "data-confirm" in page
    r = c.post(f"/mobility/{o.pk}/return/", {"returned_on": "2026-11-22", "version": o.version})
    assert r.status_code == 302
    o.refresh_from_db()
    assert o.state == OutboundState.RETURNED


def test_another_community_gets_404s_and_empty_lists(cast, client_for):
    o = make_outbound(cast.member_a, left_on=D(2026, 6, 1), destination="甲社区外出地")
    c = client_for(cast.comm_b_sec)
    for url in (f"/mobility/{o.pk}/", f"/mobility/{o.pk}/edit/", f"/mobility/{o.pk}/return/"):
        assert c.get(url).status_code == 404
    r = c.post(
        f"/mobility/{o.pk}/contacts/", {"date": "2026-11-20", "way": "phone", "feedback": "x"}
    )
    assert r.status_code == 404
    assert (
        c.post(f"/mobility/{o.pk}/return/", {"returned_on": "2026-11-20", "version": 1}).status_code
        == 404
    )
    assert "甲社区外出地" not in c.get("/mobility/").content.decode()
    assert c.get("/mobility/", {"org": cast.comm_a.pk}).status_code == 404
    export = c.get("/mobility/export/")
    assert "张三".encode() not in b"".join(export.streaming_content)
    assert c.get("/mobility/new/").content.decode().count(f'value="{cast.member_a.pk}"') == 0
    assert not ContactLog.objects.exists() and Outbound.objects.get().state == OutboundState.OUT


def test_a_member_sees_their_own_absence_but_cannot_change_it(cast, client_for):
    o = make_outbound(cast.member_a, left_on=D(2026, 6, 1))
    c = client_for(cast.member_user)
    page = c.get(f"/mobility/{o.pk}/").content.decode()
    assert "广东省深圳市" in page and "contact-form" not in page
    assert c.get(f"/mobility/{o.pk}/edit/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/mobility/", "/mobility/?state=all&sort=valid", "/mobility/export/"]
)
def test_the_list_and_export_take_the_same_queries_for_5_and_50_rows(
    cast, client_for, django_assert_num_queries, url
):
    client = client_for(cast.comm_a_sec)
    add_outbounds(cast.branch_a, 5)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
        if getattr(r, "streaming", False):
            b"".join(r.streaming_content)
    n5 = len(ctx.captured_queries)
    add_outbounds(cast.branch_a_2, 45)
    with django_assert_num_queries(n5):
        r = client.get(url)
        if getattr(r, "streaming", False):
            body = b"".join(r.streaming_content)
    assert r.status_code == 200
    if url == "/mobility/":
        assert r.content.decode().count("/mobility/") >= 50
    elif "export" in url:
        wb = load_workbook(io.BytesIO(body), read_only=True)
        assert len(list(wb.active.iter_rows(values_only=True))) == 52
