"""The “登记一件还没登记过的事” form on a commitment's page: a mistake brings the same page back
(400) with the message beside the field and what was typed kept; nothing is saved."""

from __future__ import annotations

import html

from django.urls import reverse

from dangjian.commitments.models import State
from dangjian.deeds.models import Deed

from .factories import draft, put_in


def test_a_bad_evidence_comes_back_beside_the_field_with_the_text_kept(cast, client_for):
    c = put_in(draft(cast), State.PUBLISHED)
    r = client_for(cast.branch_sec).post(
        reverse("commitments:evidence", args=[c.pk]),
        {"date": "2026年13月40日", "text": "代买药品 2 次"},
    )
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    form = page.split('id="evidence-record"')[1].split("</form>")[0]
    date_field = form.split('id="field-date"')[1].split('id="field-')[0]
    assert "请按“年-月-日”填写日期" in date_field
    assert "代买药品 2 次</textarea>" in form
    assert not c.deeds.exists() and not Deed.objects.exists()


def test_a_refusal_of_the_service_is_shown_on_the_form(cast, client_for):
    c = put_in(draft(cast), State.EVALUATING)
    r = client_for(cast.member_user).post(
        reverse("commitments:evidence", args=[c.pk]), {"date": "2026-06-01", "text": "清理楼道"}
    )
    assert r.status_code == 400
    form = html.unescape(r.content.decode()).split('id="evidence-record"')[1].split("</form>")[0]
    assert "公开示诺后、评诺之前" in form and "清理楼道</textarea>" in form
    assert not Deed.objects.exists()


def test_a_void_of_a_burst_without_a_reason_comes_back_on_that_burst(cast, client_for):
    import datetime as dt

    from django.utils import timezone

    from dangjian.commitments.models import Commitment, Rating

    c = put_in(draft(cast), State.PUBLISHED)
    Commitment.objects.filter(pk=c.pk).update(year=timezone.localdate().year)
    start = timezone.now() - dt.timedelta(hours=2)
    ids = []
    for i in range(5):
        r = Rating.objects.create(
            commitment=c, tier="resident", score=100, resident_key=f"k{i}", resident_addr=f"a{i}"
        )
        Rating.objects.filter(pk=r.pk).update(at=start + dt.timedelta(minutes=i))
        ids.append(r.pk)
    r = client_for(cast.comm_a_sec).post(
        reverse("commitments:board_void", args=[cast.comm_a.pk]),
        {"rating": ids, "reason": "", "year": timezone.localdate().year},
    )
    assert r.status_code == 400
    burst = html.unescape(r.content.decode()).split('id="burst-c-1"')[1].split("</form>")[0]
    assert "请写明作废原因。" in burst.split('id="reason-field-c-1"')[1]
    assert not Rating.objects.filter(voided_at__isnull=False).exists()
