"""On a phone-sized window: the street secretary decides a model community (confirming the
dialog), and no awards page scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.awards import services
from dangjian.awards.models import ModelCommunityDecision

from ..conftest import login

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_a_street_secretary_decides_on_a_phone(
    cast, only_inspected, give_scores, live_server, phone
):
    year = timezone.localdate().year
    give_scores(cast.comm_a, 90)
    rnd = services.round_open(
        acting_user=cast.street_sec,
        org=cast.street_a,
        year=year,
        title="东城街道优秀党务工作者评选",
        nominate_by=dt.date(year + 1, 1, 31),
    )
    n = services.nominate(
        acting_user=cast.comm_a_sec,
        rnd=rnd,
        community=cast.comm_a,
        member=cast.member_a,
        citation="长期坚持为居民服务，带头讲党课。" * 5,
    )
    login(phone, live_server, "street_a_sec")
    phone.goto(f"{live_server.url}/awards/")
    assert "文化东路社区党委" in phone.locator("#models").inner_text()
    assert phone.evaluate(FITS)
    phone.goto(f"{live_server.url}/awards/models/{cast.comm_a.pk}/{year}/")
    assert phone.locator("#total").inner_text() == "90.0"
    assert phone.evaluate(FITS)
    phone.select_option("#id_stars", "5")
    phone.fill("#id_reason", "创建全国文明社区")
    phone.on("dialog", lambda d: d.accept())
    phone.click("#decide-form button")
    phone.wait_for_load_state()
    assert "创建全国文明社区" in phone.locator("#decision").inner_text()
    assert ModelCommunityDecision.objects.get().decided_stars == 5
    for path in (
        "/awards/rounds/",
        f"/awards/rounds/{rnd.pk}/",
        f"/awards/nominations/{n.pk}/",
        "/awards/rounds/new/",
    ):
        phone.goto(live_server.url + path)
        assert phone.evaluate(FITS), path
