"""A resident with a phone (390 × 844 Chromium, mobile emulation, not logged in) scans the QR code
on the community's notice board, opens the public board, finds a published activity and rates it
— answering the arithmetic question — and the rating is counted once."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from dangjian.commitments.services_board import board_for
from dangjian.core.qr import svg_file
from dangjian.deeds import services as deeds
from dangjian.openness import services as openness
from dangjian.openness.models import ItemRating

pytestmark = pytest.mark.browser

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def published(cast):
    deed = deeds.deed_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        date=timezone.localdate(),
        title="社区广场义诊",
        place="社区广场",
        beneficiaries=60,
        members={cast.member_a.pk: "2"},
    )
    item = openness.item_publish(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        deed=deed,
        title="社区广场义诊",
        summary="县医院医生为居民量血压、测血糖。",
    )
    return board_for(cast.comm_a), item


def test_a_resident_scans_the_qr_opens_the_board_and_rates_an_activity(
    phone, live_server, client, published
):
    board, item = published
    poster = client.get(f"/open/{board.slug}/poster/")
    printed = re.search(r'<p class="addr">([^<]+)</p>', poster.content.decode())[1]
    # the QR code on the poster encodes exactly the address printed under it
    qr = client.get(f"/open/{board.slug}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content == svg_file(printed, title=board.org.name)
    assert printed.endswith(f"/open/{board.slug}/")

    # the phone opens that address (on the live server) and finds the activity
    phone.goto(f"{live_server.url}/open/{board.slug}/")
    assert phone.evaluate(OVERFLOW) <= 0
    phone.get_by_text("社区广场义诊").first.wait_for()
    phone.locator(f"a[href='/open/{board.slug}/item/{item.pk}/']").first.click()
    phone.wait_for_load_state()
    assert phone.evaluate(OVERFLOW) <= 0

    phone.locator("label[for=score-4]").click()
    phone.fill("#phone", "138 0013 8000")
    question = phone.locator(".challenge-question").inner_text()
    a, b = (int(x) for x in re.findall(r"\d+", question))
    phone.fill("#answer", str(a + b))
    phone.locator("#rate-item button").click()
    phone.wait_for_load_state()
    assert "谢谢" in phone.locator("body").inner_text()
    assert list(ItemRating.objects.values_list("item_id", "score")) == [(item.pk, 4)]

    # the same phone number again: refused, still one rating
    phone.goto(f"{live_server.url}/open/{board.slug}/item/{item.pk}/")
    phone.locator("label[for=score-1]").click()
    phone.fill("#phone", "13800138000")
    question = phone.locator(".challenge-question").inner_text()
    a, b = (int(x) for x in re.findall(r"\d+", question))
    phone.fill("#answer", str(a + b))
    phone.locator("#rate-item button").click()
    phone.wait_for_load_state()
    assert "只能评价一次" in phone.locator("body").inner_text()
    assert ItemRating.objects.count() == 1
