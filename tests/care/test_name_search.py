"""The care list and the visits ledger search their people as the member list does: pinyin,
initials, 繁體, either case, phone and whole ID numbers (``members.selectors.search_filter``)."""

from __future__ import annotations

import datetime as dt

from dangjian.care import services
from dangjian.care.selectors import recipients_visible, visits_visible
from tests.factories import make_member

from .conftest import make_recipient


def test_a_pinyin_query_finds_the_person_on_the_care_list_and_in_the_visits(cast):
    ouyang = make_recipient(make_member(org=cast.branch_a, name="歐陽秀英", phone="13912345678"))
    make_recipient(make_member(org=cast.branch_a, name="王秀英"))
    services.visit_add(
        recipient=ouyang, acting_user=None, kind="other", date=dt.date(2026, 5, 1), visitors="书记"
    )
    for q in ("ouyang", "OuYangXiu", "oyxy", "欧阳", "歐陽秀", "12345678"):
        assert [r.pk for r in recipients_visible(user=cast.comm_a_sec, q=q)] == [ouyang.pk], q
        assert [v.recipient_id for v in visits_visible(user=cast.comm_a_sec, q=q)] == [ouyang.pk], q
    assert len(recipients_visible(user=cast.comm_a_sec, q="xiuying")) == 2
    assert not recipients_visible(user=cast.comm_b_sec, q="ouyang").exists()
    assert not visits_visible(user=cast.comm_b_sec, q="ouyang").exists()
