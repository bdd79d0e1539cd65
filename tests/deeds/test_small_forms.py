"""A deed's “修改” form on its page: a mistake brings the same page back (400) with the message
beside the field and the typed values kept, and nothing is saved."""

from __future__ import annotations

import datetime as dt
import html

from django.urls import reverse

from dangjian.deeds import services


def test_a_bad_edit_comes_back_on_the_page_with_the_message_beside_the_field(cast, client_for):
    deed = services.deed_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        date=dt.date(2026, 5, 1),
        title="帮独居老人修水管",
        members=[cast.member_a.pk],
        today=dt.date(2026, 6, 1),
    )
    c = client_for(cast.comm_a_sec)
    r = c.post(
        reverse("deeds:edit", args=[deed.pk]),
        {"version": deed.version, "date": "2026-05-01", "title": "", "place": "三号楼下"},
    )
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    field = page.split('id="field-title"')[1].split('id="field-')[0]
    assert "此项必须填写。" in field
    assert 'value="三号楼下"' in page
    assert '<details class="card card-body mb-3" open>' in page
    deed.refresh_from_db()
    assert (deed.title, deed.place) == ("帮独居老人修水管", "")
