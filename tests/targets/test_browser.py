"""In a real browser on a phone-sized window: the street secretary opens the year's list (the
“met X of Y” of each row arrives by htmx), the letter with its progress and the sign form; the
community secretary records progress. Nothing scrolls sideways."""

from __future__ import annotations

import pytest

from dangjian.targets.models import ProgressNote

from ..conftest import login
from .conftest import TODAY, YEAR, draft, sign

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_the_letters_fit_a_phone_and_the_community_notes_progress(
    cast, secretary, live_server, phone
):
    letter = sign(cast, draft(cast), secretary)
    other = draft(cast, community=cast.comm_a2)
    login(phone, live_server, "street_a_sec")
    phone.goto(f"{live_server.url}/targets/?year={YEAR}")
    row = phone.locator(f"#row-{cast.comm_a.pk} .targets-met")
    row.wait_for()
    assert f"/ {letter.targets.count()} 项已达到" in row.inner_text()
    assert phone.evaluate(FITS)
    for path in (f"/targets/{letter.pk}/", f"/targets/{other.pk}/", f"/targets/{other.pk}/sign/"):
        phone.goto(live_server.url + path)
        assert phone.evaluate(FITS), path
    phone.context.clear_cookies()
    login(phone, live_server, "comm_a_sec")
    phone.goto(f"{live_server.url}/targets/{letter.pk}/")
    assert phone.evaluate(FITS)
    target = letter.targets.first()
    box = phone.locator(f"#target-{target.pk}")
    box.locator("summary").click()
    box.locator(f"#n{target.pk}_text").fill("社区自查：已完成")
    box.locator("button", has_text="记录").click()
    phone.wait_for_load_state()
    assert "社区自查：已完成" in phone.locator(f"#target-{target.pk}").inner_text()
    assert ProgressNote.objects.get().day == TODAY
