"""In a real browser: the community records a household's difficulty, pairs an in-service
member checked in to the community with it, records the help given — and the help shows in the
household's history and counts as a deed of the member (one record)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dangjian.checkin import services as checkin
from dangjian.deeds.models import Deed
from dangjian.households.models import Difficulty
from dangjian.orgs.models import PlaceKind
from tests.factories import make_member, make_place

from ..conftest import login

pytestmark = pytest.mark.browser


@pytest.fixture
def household(cast):
    return make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="302室"
    )


@pytest.fixture
def checked_in(cast):
    worker = make_member(org=cast.branch_b, name="司徒晓峰")  # works elsewhere, lives here
    return checkin.check_in(
        acting_user=cast.comm_a_sec, member=worker, community=cast.comm_a, employer="迎宾路小学"
    )


def test_a_difficulty_a_pairing_and_the_help_given_show_in_the_history(
    cast, live_server, page, household, checked_in
):
    page.set_default_timeout(30_000)  # a loaded machine; each step is well under a second
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/households/{household.pk}/")

    page.click("summary:has-text('登记一类困难')")
    page.select_option("#add-form #id_kind", "alone")
    page.fill("#add-form #id_note", "腿脚不便，需上门")
    page.click("#add-form button")
    page.wait_for_load_state()
    assert Difficulty.objects.filter(household=household, kind="alone").exists()

    page.click("summary:has-text('安排在职党员结对')")
    page.select_option("#pair-form #id_checkin", str(checked_in.pk))
    page.click("#pair-form button")
    expect(page.locator("#pairings")).to_contain_text("司徒晓峰")

    page.click("summary:has-text('记录一次帮扶')")
    page.fill("#help-form #id_title", "上门代买药品、打扫卫生")
    page.check(f"#help-form input[name=members][value='{checked_in.member_id}']")
    page.click("#help-form button")
    help_entry = page.locator("#history .history-help")
    expect(help_entry).to_contain_text("上门代买药品、打扫卫生")
    expect(help_entry).to_contain_text("司徒晓峰")

    deed = Deed.objects.get()
    assert deed.household == household
    assert list(deed.participants.values_list("member_id", flat=True)) == [checked_in.member_id]
