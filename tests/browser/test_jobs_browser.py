"""In a real browser: a resident is registered as a job seeker with their consent, a resident
unit's offer is suggested, the seeker is referred and recorded as hired — and the offer's list
counts the hire."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.jobs import services
from dangjian.jobs.models import Outcome, Referral, Seeker
from tests.meetings.factories import make_unit

from ..conftest import login

pytestmark = pytest.mark.browser


@pytest.fixture
def offer(cast):
    today = timezone.localdate()
    unit = make_unit(community=cast.comm_a, name="文化东路物业公司")
    return services.offer_create(
        acting_user=cast.comm_a_sec,
        unit=unit,
        position="小区保洁员",
        category="cleaning",
        places=2,
        valid_from=today - dt.timedelta(days=10),
        valid_until=today + dt.timedelta(days=90),
    )


def test_a_seeker_with_consent_is_referred_to_a_unit_s_offer_and_hired(
    cast, live_server, page, offer
):
    page.set_default_timeout(30_000)  # a loaded machine; each step is well under a second
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/jobs/seekers/?org={cast.comm_a.pk}")
    page.click("#seeker-new")
    page.fill("#id_name", "王秀英")
    page.fill("#id_phone", "13912345678")
    page.check("input[name=skills][value=cleaning]")
    page.click("#jobs-form button")
    # without the date the resident agreed, nothing is registered
    expect(page.locator("#jobs-form")).to_contain_text("须经本人同意")
    assert not Seeker.objects.exists()
    page.fill("#id_consent_on", timezone.localdate().isoformat())
    page.click("#jobs-form button")

    expect(page.locator("#suggested")).to_contain_text("小区保洁员")
    assert "13912345678" not in page.content()  # masked until a logged reveal
    page.click("#suggested button:has-text('推荐')")
    expect(page.locator("#referrals")).to_contain_text("小区保洁员")

    form = page.locator(".outcome-form").first
    form.locator("select").select_option(Outcome.HIRED)
    form.locator("button").click()
    expect(page.locator("#referrals")).to_contain_text("已录用")
    ref = Referral.objects.get()
    assert (ref.offer_id, ref.seeker.name, ref.outcome) == (offer.pk, "王秀英", Outcome.HIRED)

    page.goto(f"{live_server.url}/jobs/?org={cast.comm_a.pk}")
    expect(page.locator("#offers tbody tr").first).to_contain_text("2 / 1 / 1")
