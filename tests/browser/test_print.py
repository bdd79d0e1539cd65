"""Printing a page gives its content only (issue 20, item 12): under the print media the meetings
list and the dues page of a secretary show their table, and no menu, sub-navigation tab, filter,
form control, pager or button."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.meetings.factories import make_meeting

from ..conftest import login

pytestmark = pytest.mark.browser

#: what is still visible on the printed page and should not be
ON_PAPER = """() => {
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility === "visible";
  const bad = [];
  const sel = "nav, .nav, .nav-link, .pagination, .breadcrumb, form[method=get], .btn, button, select, textarea, "
    + "input:not([type=hidden]):not([type=checkbox]):not([type=radio])";
  for (const el of document.querySelectorAll(sel)) {
    if (el.matches(".btn-check:checked + .btn")) continue;   // a chosen status, printed as a word
    if (shown(el)) bad.push(el.tagName.toLowerCase() + "." + [...el.classList].join(".") + " " + (el.innerText || el.name || "").trim().slice(0, 20));
  }
  return bad;
}"""


@pytest.mark.parametrize(("url", "table"), [("/meetings/", "#meeting-table"), ("/dues/", "#dues")])
def test_a_printed_list_is_its_table_without_tabs_filters_or_buttons(
    page, live_server, cast, url, table
):
    make_meeting(org=cast.branch_a, date=timezone.localdate(), user=cast.comm_a_sec)
    page.set_default_timeout(30_000)  # the first page of a fresh live server can be slow
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}{url}")
    page.wait_for_load_state()
    # on screen the filters and buttons are there ...
    assert page.evaluate(ON_PAPER)
    page.emulate_media(media="print")
    # ... on paper they are not, and the table is
    assert page.evaluate(ON_PAPER) == []
    assert page.locator(table).is_visible()
    assert page.locator(f"{table} tbody tr").first.is_visible()
    assert page.locator("h1").first.is_visible()


def test_a_printed_attendance_form_shows_the_chosen_status_not_the_controls(
    page, live_server, cast
):
    meeting = make_meeting(org=cast.branch_a, date=timezone.localdate(), user=cast.comm_a_sec)
    page.set_default_timeout(30_000)
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/attendance/")
    page.wait_for_load_state()
    line = page.locator(".tick-line").first
    page.emulate_media(media="print")
    # the member's name and the one chosen status (a preset 出席) print; the other choices,
    # the save button and the reason fields do not
    assert line.locator("b").is_visible()
    shown = [lb.inner_text() for lb in line.locator("label.btn").all() if lb.is_visible()]
    assert len(shown) == 1
    assert page.evaluate(ON_PAPER) == []
