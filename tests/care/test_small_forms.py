"""The small forms on an aid round's page (a member's amount, confirming the payment): a mistake
brings the same page back (400) with the message beside the field and what was typed kept."""

from __future__ import annotations

import html

from django.urls import reverse

from dangjian.care.models import AidRound, AidState
from tests.factories import make_member

from .conftest import make_recipient


def _round(cast, client):
    plain = make_recipient(make_member(org=cast.branch_a_2, name="钱困难"))
    client.post("/care/aid/new/", {"title": "春节互助金", "fund": "900", "recipients": [plain.pk]})
    return AidRound.objects.get()


def test_a_bad_payment_date_comes_back_beside_the_field(cast, client_for):
    c = client_for(cast.comm_a_sec)
    rnd = _round(cast, c)
    r = c.post(reverse("care:aid_pay", args=[rnd.pk]), {"paid_on": "2026-02-30x", "version": 1})
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    field = page.split('id="field-paid_on"')[1].split("</div></div>")[0]
    assert "请按“年-月-日”填写日期" in field and 'value="2026-02-30x"' in field
    rnd.refresh_from_db()
    assert rnd.state == AidState.DRAFT and rnd.paid_on is None


def test_an_adjusted_amount_without_a_reason_keeps_the_amount_typed(cast, client_for):
    c = client_for(cast.comm_a_sec)
    rnd = _round(cast, c)
    g = rnd.grants.get()
    before = g.amount
    r = c.post(reverse("care:aid_grant", args=[g.pk]), {"amount": "350", "version": rnd.version})
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    assert "请写明调整理由" in page and 'name="amount" value="350"' in page
    g.refresh_from_db()
    assert g.amount == before
