"""The “五个好” assessment on a 390 px phone: a street secretary opens the street's table, taps a
community's total, taps an indicator's figure and sees the records that add up to it — no page
scrolls sideways, no column is squeezed, every button is in reach."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.assessment import services
from dangjian.assessment.indicators import all_indicators
from dangjian.core import rules

from ..conftest import login
from .phone import assert_fits, misfits

pytestmark = pytest.mark.browser


@pytest.fixture
def scored(cast, settings):
    w = {i.key: 0 for i in all_indicators()} | {"inspect.leadership": 1, "inspect.members": 1}
    settings.DANGJIAN_RULES = {"default": {"assess.weights": w}}
    rules.reset_cache()
    today = timezone.localdate()
    for community, good, score, who in (
        (cast.comm_a, "leadership", "88", "东城街道党工委“五个好”考核组（第一组）"),
        (cast.comm_a, "leadership", "70.5", "东城街道党工委“五个好”考核组（第二组）"),
        (cast.comm_a, "members", "55", "东城街道党工委考核组"),
        (cast.comm_a2, "members", "95", "东城街道党工委考核组"),
    ):
        services.inspector_score_add(
            acting_user=cast.street_sec,
            community=community,
            year=today.year,
            good=good,
            score=score,
            inspector=who,
            scored_on=today,
            note="现场查阅台帐、入户走访",
        )
    yield
    settings.DANGJIAN_RULES = None
    rules.reset_cache()


def test_a_street_secretary_drills_from_the_table_to_the_records_on_a_phone(
    cast, live_server, phone, scored
):
    phone.set_default_timeout(30_000)
    login(phone, live_server, "street_a_sec")
    assert_fits(phone, f"{live_server.url}/assessment/")
    table = phone.locator("#assessment-table")
    assert "文化东路社区党委" in table.inner_text() and "团结路社区党总支" in table.inner_text()
    assert misfits(phone) == []

    phone.locator(f"#community-{cast.comm_a.pk} a.total").click()
    phone.wait_for_load_state()
    assert phone.locator("#total").inner_text() == "67.3"  # (15.9 + 11) of 40, on 100
    assert misfits(phone) == []

    figure = phone.locator('[id="line-inspect.leadership"] a.figure')
    shown = figure.inner_text()
    assert shown == "158.5/200"
    figure.click()
    phone.wait_for_load_state()
    assert phone.locator("#figure").inner_text() == shown
    points = [t.split("/") for t in phone.locator("td.record-points").all_inner_texts()]
    assert len(points) == 2
    earned = sum(Decimal(a) for a, _b in points)
    out_of = sum(Decimal(b) for _a, b in points)
    assert f"{earned.normalize():f}/{out_of.normalize():f}" == shown
    assert misfits(phone) == []

    phone.locator("a", has_text="考核组现场打分").last.click()  # where these records are entered
    phone.wait_for_load_state()
    assert "东城街道党工委考核组" in phone.locator("#scores-table").inner_text()
    phone.locator("#scores-table summary").first.click()  # the void form opens in its row
    assert phone.locator(".void-form").first.is_visible()
    assert misfits(phone) == []
