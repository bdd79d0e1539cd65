"""In a real browser, on a phone-sized window: a volunteer hands out an item and the stock drops."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dangjian.charity import services
from dangjian.charity.models import Item
from dangjian.orgs.models import PlaceKind
from tests.factories import make_place

from ..conftest import login

pytestmark = pytest.mark.browser


def test_a_volunteer_hands_out_an_item_on_a_phone_and_the_stock_drops(cast, live_server, phone):
    item = services.item_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="大米", unit="袋"
    )
    services.goods_in(
        acting_user=cast.comm_a_sec,
        item=item,
        quantity=3,
        date=timezone.localdate(),
        donor_kind="resident",
        donor_name="王阿姨",
    )
    hh = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="101室"
    )
    login(phone, live_server, "comm_a_sec")
    phone.goto(f"{live_server.url}/charity/?org={cast.comm_a.pk}")
    assert phone.locator(f"#item-{item.pk} .stock").inner_text() == "3"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.click("#goods-out")
    phone.select_option("#id_item", str(item.pk))
    phone.fill("#id_quantity", "2")
    phone.select_option("#id_household", str(hh.pk))
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.click("#save")
    phone.wait_for_load_state()
    assert "还剩 1 袋" in phone.content()
    assert phone.locator(f"#item-{item.pk} .stock").inner_text() == "1"
    assert Item.objects.get(pk=item.pk).stock == 1
    phone.click("#ledger")
    assert "101室" in phone.locator("#movements").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
