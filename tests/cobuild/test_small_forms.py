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


# ---- the star decision on a unit's page and the new resource on the resources page ------------


def _written():
    from dangjian.cobuild.models import Resource, StarRating
    from dangjian.core.models import AuditEntry

    return StarRating.objects.count(), Resource.objects.count(), AuditEntry.objects.count()


def _other_than_the_proposal(school, year):
    from dangjian.cobuild.selectors import proposal_for

    proposed = proposal_for(unit=school, year=year).stars
    return proposed, (5 if proposed != 5 else 4)


def test_stars_other_than_proposed_without_a_reason_are_told_beside_the_reason(cast, client_for):
    school = unit(cast)
    proposed, other = _other_than_the_proposal(school, 2025)
    before = _written()
    r = client_for(cast.comm_a_sec).post(
        reverse("cobuild:stars_decide", args=[school.pk]),
        {"year": "2025", "stars": str(other), "reason": ""},
    )
    assert r.status_code == 400
    page = html.unescape(r.content.decode())
    form = page.split('id="decide"')[1].split("</form>")[0]
    reason = form.split('id="decide-reason"')[1].split("</div>")[0]
    assert f"评定星级与系统建议（{proposed} 星）不同，请写明调整理由。" in reason
    assert f'<option value="{other}" selected>' in form  # the stars chosen stay chosen
    assert 'name="year" value="2025"' in form and "2025 年星光榜" in page
    assert _written() == before


def test_stars_out_of_range_are_told_beside_the_stars_with_the_reason_kept(cast, client_for):
    school = unit(cast)
    before = _written()
    r = client_for(cast.comm_a_sec).post(
        reverse("cobuild:stars_decide", args=[school.pk]),
        {"year": "2025", "stars": "9", "reason": "共建成效突出"},
    )
    assert r.status_code == 400
    form = html.unescape(r.content.decode()).split('id="decide"')[1].split("</form>")[0]
    assert "星级为 1 到 5 星。" in form.split('id="decide-stars"')[1].split("</div>")[0]
    assert 'value="共建成效突出"' in form
    assert _written() == before


def test_the_proposal_confirmed_from_the_overview_still_goes_back_there(cast, client_for):
    from dangjian.cobuild.models import StarRating

    school = unit(cast)
    proposed, _other = _other_than_the_proposal(school, 2025)
    back = f"{reverse('cobuild:overview')}?org={cast.comm_a.pk}&year=2025"
    r = client_for(cast.comm_a_sec).post(
        reverse("cobuild:stars_decide", args=[school.pk]),
        {"year": "2025", "stars": str(proposed), "next": back},
    )
    assert r.status_code == 302 and r.url == back
    assert StarRating.objects.get(unit=school, year=2025).stars == proposed


def test_a_resource_without_a_name_is_told_beside_the_name_with_the_rest_kept(cast, client_for):
    school = unit(cast)
    unit(cast, name="乙社区卫生服务站")
    before = _written()
    r = client_for(cast.comm_a_sec).post(
        reverse("cobuild:resource_create"),
        {"unit": str(school.pk), "kind": "venue", "name": " ", "detail": "周六上午开放"},
    )
    assert r.status_code == 400
    form = html.unescape(r.content.decode()).split('id="resource-form"')[1].split("</form>")[0]
    name = form.split('id="resource-form-name"')[1].split("</div>")[0]
    assert "此项必须填写。" in name and "is-invalid" in name
    assert 'value="周六上午开放"' in form
    assert f'<option value="{school.pk}" selected>' in form
    assert _written() == before


def test_a_good_resource_is_registered_as_before(cast, client_for):
    from dangjian.cobuild.models import Resource

    school = unit(cast)
    r = client_for(cast.comm_a_sec).post(
        reverse("cobuild:resource_create"),
        {"unit": str(school.pk), "kind": "venue", "name": "礼堂"},
    )
    assert r.status_code == 302
    assert r.url == f"{reverse('cobuild:resources')}?org={cast.comm_a.pk}"
    assert Resource.objects.get().name == "礼堂"


def test_another_community_still_gets_404_for_the_stars_and_the_resource(cast, client_for):
    school = unit(cast)
    before = _written()
    other = client_for(cast.comm_b_sec)
    stars = other.post(
        reverse("cobuild:stars_decide", args=[school.pk]), {"year": "2025", "stars": "9"}
    )
    resource = other.post(
        reverse("cobuild:resource_create"), {"unit": str(school.pk), "kind": "venue", "name": ""}
    )
    assert (stars.status_code, resource.status_code) == (404, 404)
    assert _written() == before
