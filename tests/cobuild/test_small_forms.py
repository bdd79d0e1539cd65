"""The booking form on each shared resource: a mistake or a clash brings the resources page back
(400) with the message on that resource's form and what was typed kept; nothing is booked."""

from __future__ import annotations

import html

from django.urls import reverse

from dangjian.cobuild import services
from dangjian.cobuild.models import Booking

from .factories import unit


def _hall(cast):
    return services.resource_create(
        acting_user=cast.comm_a_sec, unit=unit(cast), kind="venue", name="礼堂"
    )


def test_a_booking_without_an_end_comes_back_beside_the_field(cast, client_for):
    hall = _hall(cast)
    r = client_for(cast.comm_a_sec).post(
        reverse("cobuild:booking_create", args=[hall.pk]),
        {"day": "2026-12-01", "start": "09:00", "end": "", "purpose": "党课"},
    )
    assert r.status_code == 400
    form = html.unescape(r.content.decode()).split(f'id="booking-{hall.pk}"')[1].split("</form>")[0]
    assert "此项必须填写。" in form.split(f'id="booking-{hall.pk}-end"')[1].split("</div>")[0]
    assert 'value="2026-12-01"' in form and 'value="党课"' in form and 'value="09:00"' in form
    assert not Booking.objects.exists()


def test_a_clash_is_named_on_the_form_of_the_resource(cast, client_for):
    hall = _hall(cast)
    c = client_for(cast.comm_a_sec)
    url = reverse("cobuild:booking_create", args=[hall.pk])
    c.post(url, {"day": "2026-12-01", "start": "09:00", "end": "11:00", "purpose": "党课"})
    r = c.post(url, {"day": "2026-12-01", "start": "10:00", "end": "12:00", "purpose": "讲座"})
    assert r.status_code == 400
    form = html.unescape(r.content.decode()).split(f'id="booking-{hall.pk}"')[1].split("</form>")[0]
    assert "与已有预约冲突" in form and 'value="讲座"' in form
    assert Booking.objects.count() == 1


def test_an_agreement_without_pledges_comes_back_beside_the_field(cast, client_for):
    school = unit(cast)
    r = client_for(cast.comm_a_sec).post(
        reverse("cobuild:agreement_create", args=[school.pk]),
        {
            "title": "2026 年共建协议",
            "signed_on": "2026-01-05",
            "starts_on": "2026-01-05",
            "ends_on": "2026-12-31",
            "unit_pledges": "",
        },
    )
    assert r.status_code == 400
    form = html.unescape(r.content.decode()).split('id="agreement-form"')[1].split("</form>")[0]
    assert "此项必须填写。" in form.split('id="field-unit_pledges"')[1].split('id="field-')[0]
    assert 'value="2026 年共建协议"' in form
    assert not school.agreements.exists()
