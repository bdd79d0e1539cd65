"""In a real browser, on a phone-sized window: a community's accountant records spending, sees
the balance drop, and nothing on the ledger, the rules table or the assets scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.funds import services
from dangjian.funds.models import Entry

from ..conftest import login

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_an_accountant_records_spending_on_a_phone_and_the_balance_drops(
    cast, cats, live_server, phone
):
    today = timezone.localdate()
    services.ledger_settings(
        acting_user=cast.comm_a_sec, org=cast.comm_a, opening_balance="1000", forbid_overdraft=True
    )
    services.asset_create(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        name="台式电脑",
        value="4800",
        acquired_on=today - dt.timedelta(days=100),
        venue="党员电教室",
        custodian="王会计",
    )
    login(phone, live_server, "comm_a_sec")
    phone.goto(f"{live_server.url}/funds/?org={cast.comm_a.pk}")
    assert phone.locator("#closing").inner_text() == "1000.00"
    assert phone.evaluate(FITS)
    phone.click("#new-entry")
    phone.check("#id_direction_1")  # 支出
    phone.fill("#id_date", today.isoformat())
    phone.select_option("#id_category", str(cats[("out", "慰问")].pk))
    phone.fill("#id_amount", "1200")
    phone.fill("#id_summary", "慰问困难党员")
    assert phone.evaluate(FITS)
    phone.click("#save")
    phone.wait_for_load_state()
    assert "余额不足" in phone.content()  # the ledger forbids overdrafts
    phone.fill("#id_amount", "300")
    phone.click("#save")
    phone.wait_for_load_state()
    assert phone.locator("#closing").inner_text() == "700.00"
    assert "慰问困难党员" in phone.locator("#entries").inner_text()
    assert Entry.objects.count() == 1
    for path in (f"/funds/rules/?org={cast.street_a.pk}", f"/funds/assets/?org={cast.comm_a.pk}"):
        phone.goto(live_server.url + path)
        assert phone.evaluate(FITS), path
