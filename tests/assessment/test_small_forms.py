"""The “作废” form on each inspector's score: a void without a reason comes back on the same page
(400) with the message beside the reason, on that score's row; the score stays."""

from __future__ import annotations

import html

from django.urls import reverse
from django.utils import timezone

from dangjian.assessment import services


def test_a_void_without_a_reason_is_told_on_its_row(cast, client_for):
    today = timezone.localdate()
    s = services.inspector_score_add(
        acting_user=cast.street_sec,
        community=cast.comm_a,
        year=today.year,
        good="leadership",
        score="88.5",
        inspector="东城街道考核组",
        scored_on=today,
        note="",
    )
    r = client_for(cast.street_sec).post(
        reverse("assessment:inspector_score_void", args=[cast.comm_a.pk, today.year, s.pk]),
        {"reason": " ", "version": s.version},
    )
    assert r.status_code == 400
    row = html.unescape(r.content.decode()).split(f'id="score-{s.pk}"')[1].split("</tr>")[0]
    assert '<details class="small" open>' in row and "此项必须填写。" in row
    assert 'id="score-form"' in html.unescape(r.content.decode())  # the add form, fresh
    s.refresh_from_db()
    assert s.voided_at is None
