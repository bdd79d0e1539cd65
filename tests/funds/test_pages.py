"""The funds pages: the ledger with its balances, recording through the form (with Chinese
messages on bad input), voiding with confirmation, vouchers served after an access check, the
exports read back, the assets, and the query counts of the lists at two sizes."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.funds import services
from dangjian.funds.models import Asset, Entry, Voucher

from . import conftest as h


def _xlsx(response):
    raw = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(raw)).active.iter_rows(values_only=True))


@pytest.fixture
def books(cast, cats):
    y = h.LAST_YEAR
    services.ledger_settings(
        acting_user=cast.comm_a_sec, org=cast.comm_a, opening_balance="500", forbid_overdraft=False
    )
    h.record(
        cast,
        cats,
        direction="in",
        amount="60000",
        date=dt.date(y, 1, 5),
        summary="县财政拨付办公经费",
        purpose="office_activity",
        party="县财政局",
    )
    h.record(
        cast,
        cats,
        direction="out",
        amount="1200.50",
        date=dt.date(y, 2, 1),
        summary="购买打印纸",
        name="办公",
        voucher_no="记-001",
    )
    h.record(
        cast,
        cats,
        direction="out",
        amount="300",
        date=dt.date(y, 7, 1),
        summary="慰问老党员",
        name="慰问",
    )
    return y


def test_the_ledger_page_shows_balances_and_running_balance(cast, client_for, books):
    c = client_for(cast.comm_a_sec)
    page = c.get(
        f"/funds/?org={cast.comm_a.pk}&start={books}-02-01&end={books}-12-31"
    ).content.decode()
    assert 'id="opening">60500.00<' in page
    assert 'id="spending">1500.50<' in page
    assert 'id="closing">58999.50<' in page
    assert "购买打印纸" in page and "59299.50" in page  # the running balance after it
    assert "县财政拨付办公经费" not in page  # before the period


def test_a_plain_member_and_another_community_see_nothing(cast, client_for, books):
    assert "购买打印纸" not in client_for(cast.member_user).get("/funds/").content.decode()
    assert client_for(cast.member_user).get(f"/funds/?org={cast.comm_a.pk}").status_code == 404
    assert client_for(cast.comm_b_sec).get(f"/funds/?org={cast.comm_a.pk}").status_code == 404


def test_recording_through_the_form_with_a_voucher(cast, client_for, cats):
    c = client_for(cast.comm_a_sec)
    out = cats[("out", "活动")]
    r = c.post(
        f"/funds/entries/new/?org={cast.comm_a.pk}",
        {
            "direction": "out",
            "date": f"{h.LAST_YEAR}-04-01",
            "category": out.pk,
            "amount": "88.8",
            "summary": "七一活动横幅",
            "vouchers": [SimpleUploadedFile("发票.pdf", b"%PDF-1.4 test", "application/pdf")],
        },
    )
    assert r.status_code == 302
    e = Entry.objects.get()
    assert str(e.amount) == "88.80" and e.vouchers.count() == 1
    v = Voucher.objects.get()
    got = c.get(f"/funds/vouchers/{v.pk}/")
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment")
    assert client_for(cast.comm_b_sec).get(f"/funds/vouchers/{v.pk}/").status_code == 404
    detail = c.get(f"/funds/entries/{e.pk}/").content.decode()
    assert "七一活动横幅" in detail and "发票.pdf" in detail


def test_a_negative_amount_in_the_form_gets_a_chinese_message_and_nothing_changes(
    cast, client_for, cats
):
    r = client_for(cast.comm_a_sec).post(
        f"/funds/entries/new/?org={cast.comm_a.pk}",
        {
            "direction": "out",
            "date": f"{h.LAST_YEAR}-04-01",
            "category": cats[("out", "活动")].pk,
            "amount": "-20",
            "summary": "错",
        },
    )
    assert r.status_code == 200
    assert "不要填负数" in r.content.decode()
    assert not Entry.objects.exists()


def test_overdraft_refused_in_the_form(cast, client_for, cats):
    services.ledger_settings(
        acting_user=cast.comm_a_sec, org=cast.comm_a, opening_balance="10", forbid_overdraft=True
    )
    r = client_for(cast.comm_a_sec).post(
        f"/funds/entries/new/?org={cast.comm_a.pk}",
        {
            "direction": "out",
            "date": f"{h.LAST_YEAR}-04-01",
            "category": cats[("out", "活动")].pk,
            "amount": "20",
            "summary": "超支",
        },
    )
    assert "余额不足" in r.content.decode() and not Entry.objects.exists()


def test_void_asks_for_confirmation_then_voids(cast, client_for, books):
    c = client_for(cast.comm_a_sec)
    e = Entry.objects.get(summary="慰问老党员")
    page = c.get(f"/funds/entries/{e.pk}/void/").content.decode()
    assert "确认作废" in page
    assert Entry.objects.get(pk=e.pk).voided_at is None  # looking does nothing
    r = c.post(f"/funds/entries/{e.pk}/void/", {"reason": "重复登记"})
    assert r.status_code == 302
    assert Entry.objects.get(pk=e.pk).void_reason == "重复登记"
    assert (
        client_for(cast.comm_b_sec)
        .post(f"/funds/entries/{e.pk}/void/", {"reason": "x"})
        .status_code
        == 404
    )


def test_the_ledger_export_has_opening_and_closing_rows_and_is_audited(cast, client_for, books):
    y = books
    r = client_for(cast.comm_a_sec).get(
        f"/funds/export/?org={cast.comm_a.pk}&start={y}-02-01&end={y}-12-31"
    )
    rows = _xlsx(r)
    assert "收支台帐" in rows[0][0]
    assert rows[2][2] == "期初余额" and rows[2][8] == 60500
    assert rows[3][2] == "购买打印纸" and rows[3][7] == 1200.5 and rows[3][8] == 59299.5
    last = rows[-1]
    assert last[2] == "本期合计 / 期末余额" and last[7] == 1500.5 and last[8] == 58999.5
    assert rows[2][8] + (last[6] or 0) - last[7] == last[8]
    assert AuditEntry.objects.filter(action="export", field="funds.entry").exists()


def test_settings_page_sets_the_overdraft_rule(cast, client_for):
    c = client_for(cast.comm_a_sec)
    assert c.get(f"/funds/settings/?org={cast.comm_a.pk}").status_code == 200
    r = c.post(
        f"/funds/settings/?org={cast.comm_a.pk}",
        {"opening_balance": "800", "forbid_overdraft": "on", "version": "1"},
    )
    assert r.status_code == 302
    assert cast.comm_a.funds_ledger.forbid_overdraft


def test_assets_register_dispose_and_export_the_count_sheet(cast, client_for):
    c = client_for(cast.comm_a_sec)
    y = h.LAST_YEAR
    r = c.post(
        f"/funds/assets/new/?org={cast.comm_a.pk}",
        {
            "name": "台式电脑",
            "quantity": "2",
            "value": "9000",
            "acquired_on": f"{y}-03-01",
            "venue": "党员电教室",
            "custodian": "王会计",
            "code": "ZC-001",
        },
    )
    assert r.status_code == 302
    old = services.asset_create(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        name="旧投影仪",
        value="3000",
        acquired_on=dt.date(y - 3, 1, 1),
    )
    r = c.post(
        f"/funds/assets/{old.pk}/dispose/",
        {"disposed_on": f"{y}-06-30", "reason": "报废", "version": old.version},
    )
    assert r.status_code == 302
    page = c.get(f"/funds/assets/?org={cast.comm_a.pk}").content.decode().split('id="assets"')[1]
    assert "台式电脑" in page and "旧投影仪" not in page
    assert "旧投影仪" in c.get(f"/funds/assets/?org={cast.comm_a.pk}&show=all").content.decode()
    sheet = _xlsx(c.get(f"/funds/assets/count/?org={cast.comm_a.pk}&year={y}"))
    names = [row[1] for row in sheet[2:]]
    assert names == ["台式电脑"]
    before = _xlsx(c.get(f"/funds/assets/count/?org={cast.comm_a.pk}&year={y - 1}"))
    assert [row[1] for row in before[2:]] == ["旧投影仪"]
    register = _xlsx(c.get(f"/funds/assets/export/?org={cast.comm_a.pk}"))
    assert {row[1] for row in register[2:]} == {"台式电脑", "旧投影仪"}
    assert any(row[10] == "报废" for row in register[2:])


def test_an_asset_disposed_before_it_was_bought_is_refused(cast):
    a = services.asset_create(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        name="相机",
        value="2000",
        acquired_on=dt.date(h.LAST_YEAR, 5, 1),
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.asset_dispose(
            acting_user=cast.comm_a_sec,
            asset=a,
            disposed_on=dt.date(h.LAST_YEAR, 4, 1),
            reason="丢失",
        )
    assert "早于购置日期" in exc.value.message_dict["disposed_on"][0]
    assert Asset.objects.get(pk=a.pk).disposed_on is None


def test_lists_exports_and_api_take_a_fixed_number_of_queries(
    cast, client_for, books, cats, django_assert_max_num_queries
):
    y = books
    c = client_for(cast.comm_a_sec)
    o = cast.comm_a.pk
    urls = [
        f"/funds/?org={o}&year={y}",
        f"/funds/export/?org={o}&year={y}",
        f"/funds/assets/?org={o}&show=all",
        f"/funds/assets/export/?org={o}",
        f"/funds/assets/count/?org={o}&year={y}",
        f"/api/v1/funds/entries/?org={o}&start={y}-01-01&end={y}-12-31",
        f"/api/v1/funds/assets/?org={o}",
        f"/api/v1/funds/balance/?org={o}",
    ]
    services.asset_create(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        name="桌子",
        value="100",
        acquired_on=dt.date(y, 1, 1),
    )
    counts = []
    for u in urls:
        with CaptureQueriesContext(connection) as one:
            assert c.get(u).status_code == 200, u
        counts.append(len(one))
    for i in range(30):
        e = h.record(
            cast,
            cats,
            direction="out",
            amount=str(10 + i),
            date=dt.date(y, 8, 1 + i % 28),
            summary=f"支出{i}",
        )
        if i % 5 == 0:
            services.entry_void(acting_user=cast.comm_a_sec, entry=e, reason="录错")
        services.asset_create(
            acting_user=cast.comm_a_sec,
            org=cast.branch_a,
            name=f"椅子{i}",
            value="50",
            acquired_on=dt.date(y, 1, 1),
        )
    for u, n in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(n):
            assert c.get(u).status_code == 200
