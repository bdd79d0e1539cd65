"""Money recorded once in the funds ledger shows on the deed it paid for (one fact, one place)."""

from __future__ import annotations

from django.utils import timezone

from dangjian.deeds import services as deeds

from .conftest import record


def test_a_deeds_page_lists_the_spending_that_paid_for_it(cast, cats, client_for):
    deed = deeds.deed_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        date=timezone.localdate(),
        title="为独居老人修理水管",
        members=[cast.member_a.pk],
    )
    record(cast, cats, amount="86.50", deed=deed, summary="购买水管配件")
    page = client_for(cast.comm_a_sec).get(f"/deeds/{deed.pk}/").content.decode()
    assert 'id="spending"' in page and "购买水管配件" in page and "86.50" in page


def test_a_deed_without_spending_shows_no_money_section(cast, client_for):
    deed = deeds.deed_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        date=timezone.localdate(),
        title="楼道清扫",
        members=[cast.member_a.pk],
    )
    assert (
        'id="spending"'
        not in client_for(cast.comm_a_sec).get(f"/deeds/{deed.pk}/").content.decode()
    )
