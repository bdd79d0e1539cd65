"""Care pages: the list with its latest visits and aid, the holiday plan (recording a round of
homes at once), a visit on a member's page, the ledgers read back from the files, the aid
round from draft to payment — and query counts that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dangjian.care import services
from dangjian.care.models import AidRound, AidState, Recipient, Visit
from dangjian.core.models import AuditEntry
from tests.factories import make_member

from .conftest import last_holiday_before_today, make_recipient, next_holiday

D = dt.date


def _xlsx_rows(response):
    raw = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(raw)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_the_list_shows_reasons_latest_visits_and_the_coming_holiday(cast, client_for):
    r = make_recipient(cast.member_a, elderly=True, weak=True)
    services.visit_add(
        recipient=r,
        acting_user=None,
        kind="study",
        date=D(2026, 5, 8),
        visitors="支部书记",
        materials="学习材料",
    )
    make_recipient(cast.member_b)  # community B: never shown to A
    page = client_for(cast.comm_a_sec).get("/care/").content.decode()
    assert "张三" in page and "李四" not in page
    assert "年老" in page and "体弱多病" in page and "2026-05-08" in page
    assert next_holiday().brk.title in page


def test_filters_by_reason_and_state(cast, client_for):
    make_recipient(cast.member_a, elderly=True)
    p = make_recipient(
        make_member(org=cast.branch_a, name="赵项目"),
        hardship=True,
        has_project=True,
        project="养蜂",
    )
    c = client_for(cast.comm_a_sec)
    only = c.get("/care/", {"reason": "project"}).content.decode()
    assert "赵项目" in only and "张三" not in only
    services.recipient_end(p, acting_user=None, ended_on=D(2026, 6, 1), reason="生活好转")
    assert "赵项目" not in c.get("/care/").content.decode()
    assert "赵项目" in c.get("/care/", {"state": "ended"}).content.decode()


def test_putting_a_member_on_the_list_through_the_form(cast, client_for):
    c = client_for(cast.comm_a_sec)
    bad = c.post("/care/new/", {"member": cast.member_a.pk, "since": "2026-01-01"})
    assert bad.status_code == 200
    assert "请至少选择一项关爱原因" in bad.content.decode()
    assert not Recipient.objects.exists()
    ok = c.post("/care/new/", {"member": cast.member_a.pk, "since": "2026-01-01", "hardship": "on"})
    r = Recipient.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/care/{r.pk}/"
    # already on the list: no longer offered
    assert f'value="{cast.member_a.pk}"' not in c.get("/care/new/").content.decode()


def test_a_visit_on_the_members_page_and_its_withdrawal(cast, client_for):
    r = make_recipient(cast.member_a)
    c = client_for(cast.comm_a_sec)
    bad = c.post(
        f"/care/{r.pk}/visits/",
        {"visit-kind": "study", "visit-date": "2026-05-01", "visit-visitors": "书记"},
    )
    assert "请填写送学内容" in bad.content.decode() and not Visit.objects.exists()
    c.post(
        f"/care/{r.pk}/visits/",
        {
            "visit-kind": "study",
            "visit-date": "2026-05-01",
            "visit-visitors": "书记",
            "visit-materials": "新党章",
        },
    )
    v = Visit.objects.get()
    assert "新党章" in c.get(f"/care/{r.pk}/").content.decode()
    confirm = c.get(f"/care/visits/{v.pk}/withdraw/")
    assert "确认撤销" in confirm.content.decode() and Visit.objects.exists()
    c.post(f"/care/visits/{v.pk}/withdraw/")
    assert not Visit.objects.exists()


def test_the_holiday_plan_records_a_round_of_homes_at_once(cast, client_for):
    nxt = next_holiday()
    a = make_recipient(cast.member_a)
    b = make_recipient(make_member(org=cast.branch_a_2, name="钱慰问"))
    c = client_for(cast.comm_a_sec)
    page = c.get("/care/holidays/").content.decode()
    assert nxt.brk.title in page and "已走访 0 / 2" in page
    brk, on = last_holiday_before_today()
    # the coming holiday cannot be visited before today's date; check the round with a past one
    # (the plan page posts the same form)
    r = c.post(
        "/care/holidays/",
        {
            "kind": "holiday",
            "holiday": brk.key,
            "date": on.isoformat(),
            "visitors": "社区党委书记、网格员",
            "gift": "米、油",
            "money": "200",
            "recipients": [a.pk, b.pk],
        },
    )
    assert r.status_code == 302
    assert Visit.objects.filter(holiday=brk.key, holiday_on=brk.start).count() == 2
    assert {v.money for v in Visit.objects.all()} == {Decimal("200.00")}
    ledger = c.get("/care/visits/", {"kind": "holiday"}).content.decode()
    assert "共 2 次，慰问金合计 400.00 元。" in ledger


def test_the_holiday_plan_refuses_a_round_with_nobody_ticked(cast, client_for):
    make_recipient(cast.member_a)
    brk, on = last_holiday_before_today()
    r = client_for(cast.comm_a_sec).post(
        "/care/holidays/",
        {"kind": "holiday", "holiday": brk.key, "date": on.isoformat(), "visitors": "书记"},
    )
    assert r.status_code == 200 and "请至少选择一名关爱对象" in r.content.decode()
    assert not Visit.objects.exists()


def test_the_plan_cannot_tick_another_communitys_member(cast, client_for):
    theirs = make_recipient(cast.member_b)
    brk, on = last_holiday_before_today()
    r = client_for(cast.comm_a_sec).post(
        "/care/holidays/",
        {
            "kind": "holiday",
            "holiday": brk.key,
            "date": on.isoformat(),
            "visitors": "书记",
            "recipients": [theirs.pk],
        },
    )
    assert r.status_code == 200 and "请从列表中选择" in r.content.decode()
    assert not Visit.objects.exists()


def test_the_ledgers_read_back(cast, client_for):
    r = make_recipient(cast.member_a, hardship=True, has_project=True, project="种植木耳")
    brk, on = last_holiday_before_today()
    services.visit_add(
        recipient=r,
        acting_user=None,
        kind="holiday",
        holiday=brk.key,
        date=on,
        visitors="书记",
        money=Decimal("300"),
    )
    c = client_for(cast.comm_a_sec)
    rows = _xlsx_rows(c.get("/care/export/"))
    assert rows[0][0].startswith("关爱对象名册")
    head = rows[1]
    (zhang,) = [row for row in rows[2:] if row[0] == "张三"]
    assert zhang[head.index("关爱原因")] == "生活困难"
    assert zhang[head.index("发展项目")] == "种植木耳"
    assert zhang[head.index("最近节日慰问")].date() == on
    visits = _xlsx_rows(c.get("/care/visits/export/", {"year": on.year}))
    (v,) = visits[2:]
    assert v[visits[1].index("节日")] == brk.title and v[visits[1].index("慰问金（元）")] == 300
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 2


def test_an_aid_round_from_draft_to_payment_and_its_sheet(cast, client_for):
    project = make_recipient(
        make_member(org=cast.branch_a, name="赵养殖"), has_project=True, project="养鸡"
    )
    plain = make_recipient(make_member(org=cast.branch_a_2, name="钱困难"))
    elderly = make_recipient(
        make_member(org=cast.branch_a, name="孙年老"), hardship=False, elderly=True
    )
    c = client_for(cast.comm_a_sec)
    form = c.get("/care/aid/new/").content.decode()
    # those in difficulty are ticked, the elderly-only member is offered but not ticked
    assert f'value="{project.pk}" ' in form and "孙年老" in form
    assert f'value="{elderly.pk}" checked' not in form.replace('" id', '"').replace("  ", " ")
    bad = c.post("/care/aid/new/", {"title": "春节互助金", "fund": "-5", "recipients": [plain.pk]})
    assert bad.status_code == 200 and not AidRound.objects.exists()
    r = c.post(
        "/care/aid/new/",
        {"title": "春节互助金", "fund": "900", "recipients": [project.pk, plain.pk]},
    )
    rnd = AidRound.objects.get()
    assert r["Location"] == f"/care/aid/{rnd.pk}/"
    page = c.get(f"/care/aid/{rnd.pk}/").content.decode()
    assert "600.00" in page and "300.00" in page
    g = rnd.grants.get(recipient=plain)
    refused = c.post(f"/care/aid/grants/{g.pk}/", {"amount": "350"})
    assert "请写明调整理由" in refused.content.decode()
    c.post(f"/care/aid/grants/{g.pk}/", {"amount": "350", "reason": "家中有病人"})
    rnd.refresh_from_db()
    c.post(f"/care/aid/{rnd.pk}/pay/", {"paid_on": "2026-11-20", "version": rnd.version})
    rnd.refresh_from_db()
    assert rnd.state == AidState.PAID and rnd.paid_on == D(2026, 11, 20)
    rows = _xlsx_rows(c.get(f"/care/aid/{rnd.pk}/export/"))
    head = rows[1]
    assert "领取人签字" in head
    body = {row[1]: row for row in rows[2:]}
    assert body["赵养殖"][head.index("份数")] == 2
    assert body["钱困难"][head.index("发放金额（元）")] == 350
    assert body["钱困难"][head.index("调整理由")] == "家中有病人"
    assert body["合计"][head.index("发放金额（元）")] == 950


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url", ["/care/", "/care/holidays/", "/care/visits/", "/care/aid/", "/api/v1/care/"]
)
def test_query_counts_do_not_grow_with_the_rows(cast, client_for, url):
    def add(n):
        for _ in range(n):
            r = make_recipient(org=cast.branch_a)
            services.visit_add(
                recipient=r, acting_user=None, kind="other", date=D(2026, 5, 1), visitors="书记"
            )
            services.aid_round_create(
                acting_user=None,
                org=cast.comm_a,
                title="互助金",
                fund=Decimal("10"),
                recipients=[r],
            )

    c = client_for(cast.comm_a_sec)
    add(5)
    _queries(c, url)  # warm: the session and the user's scope are read once
    few = _queries(c, url)
    add(45)
    assert _queries(c, url) == few


def test_the_longest_unvisited_come_first_never_visited_at_the_top(cast, client_for):
    old = make_recipient(make_member(org=cast.branch_a, name="钱早访"))
    services.visit_add(
        recipient=old, acting_user=None, kind="other", date=D(2025, 3, 1), visitors="书记"
    )
    recent = make_recipient(make_member(org=cast.branch_a, name="孙近访"))
    services.visit_add(
        recipient=recent, acting_user=None, kind="other", date=D(2026, 5, 1), visitors="书记"
    )
    make_recipient(make_member(org=cast.branch_a, name="李未访"))
    page = client_for(cast.comm_a_sec).get("/care/", {"sort": "visited"}).content.decode()
    assert page.index("李未访") < page.index("钱早访") < page.index("孙近访")
