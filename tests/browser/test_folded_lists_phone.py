"""Six lists fold on a phone (issue 23, item 2): the members list and the register, the funds'
ledgers, the annual reports, the party statistics, the criticisms and the study groups. On a
390 × 844 phone each fits as every list does (tests/browser/phone.py: nothing scrolls the page
sideways, no column under two characters, every button in reach) and more: no table scrolls
sideways inside its own ``.table-responsive`` box either, which ``assert_fits`` does not measure
(it looks at the page and at the buttons only). What a phone hides (``.hide-sm``) is said again
in grey under the row's name (``.fold``), so nothing is lost; on a desktop the table is as
it was: every column shown, no grey line.

The world is the one of test_list_pages_phone.py (the cast, one object of every area, long
names), built once for the module and flushed when it ends."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.conftest import login

from . import test_list_pages_phone as list_pages
from .phone import assert_fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

#: the world of test_list_pages_phone.py, served, and a phone per role logged in to it
served, phones = list_pages.served, list_pages.phones

PAGES = [
    "/members/",
    "/members/register/",
    "/funds/",
    "/funds/assets/",
    "/funds/rules/",
    "/reports/",
    "/reports/{community}/{year}/",
    "/partystats/?on={today}",  # today: the kinds added below count
    "/meetings/criticisms/",
    "/meetings/study/",
]

#: tables that scroll sideways inside their own box, as [[table, how far]]
SCROLL_BOXES = """() => [...document.querySelectorAll("main .table-responsive")]
  .filter((b) => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1)
  .map((b) => [(b.querySelector("table") || {}).id || "table", b.scrollWidth - b.clientWidth])"""

#: rows with a hidden cell that says something and no grey line saying it again, as
#: [[table, the hidden cell's text]]
LOST = """() => {
  const shown = (el) => el.offsetParent !== null && el.getClientRects().length > 0;
  const lost = [];
  for (const row of document.querySelectorAll("main table tbody tr")) {
    if (!shown(row)) continue;
    const fold = [...row.querySelectorAll(".fold")].some(shown);
    for (const cell of row.querySelectorAll(":scope > .hide-sm")) {
      const text = cell.textContent.trim();
      if (!shown(cell) && text && text !== "—" && !fold)
        lost.push([row.closest("table").id || "table", text.slice(0, 20)]);
    }
  }
  return lost;
}"""

#: on a desktop: a grey line shown, or a column hidden, as [[what, text]]
DESKTOP_CHANGED = """() => {
  const shown = (el) => el.offsetParent !== null && el.getClientRects().length > 0;
  const out = [];
  for (const f of document.querySelectorAll("main .fold")) if (shown(f)) out.push(["fold", f.textContent.trim().slice(0, 20)]);
  for (const c of document.querySelectorAll("main table .hide-sm")) if (!shown(c)) out.push(["hidden", c.textContent.trim().slice(0, 20)]);
  return out;
}"""


#: kinds of organisation the shared world has none of: with them the party statistics' table of
#: organisations has all its columns (five types, “党委（党工委）” … “单位党组织”), too many for a
#: phone side by side, and more rows (settings)
MORE_KINDS = ("unit_org", "grid_branch", "market_branch")


@pytest.fixture(scope="module", autouse=True)
def more_kinds(served, django_db_blocker):
    """More kinds of organisation under the community (flushed with the world)."""
    from dangjian.orgs.models import Organisation
    from tests.factories import make_org

    _server, ids = served
    with django_db_blocker.unblock():
        community = Organisation.objects.get(pk=ids["community"])
        for kind in MORE_KINDS:
            make_org(parent=community, kind=kind)


def _url(server, ids, path: str) -> str:
    today = timezone.localdate()
    return server.url + path.format(year=today.year, today=today.isoformat(), **ids)


@pytest.mark.parametrize("role", ["comm_a_sec", "street_a_sec"])
@pytest.mark.parametrize("path", PAGES)
def test_the_list_fits_a_phone_without_a_scroll_box_and_folds_what_it_hides(
    served, phones, role, path
):
    server, ids = served
    page = phones[role]
    url = _url(server, ids, path)
    assert_fits(page, url)
    assert page.locator("main table").count(), f"{url}: no table on the page"
    found = {"scrolls in its box": page.evaluate(SCROLL_BOXES), "not folded": page.evaluate(LOST)}
    assert found == {"scrolls in its box": [], "not folded": []}, url


@pytest.fixture(scope="module")
def desktop(browser, served):
    server, _ids = served
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    login(pg, server, "comm_a_sec")
    yield pg
    ctx.close()


@pytest.mark.parametrize("path", PAGES)
def test_on_a_desktop_every_column_shows_and_nothing_is_folded(served, desktop, path):
    server, ids = served
    url = _url(server, ids, path)
    r = desktop.goto(url)
    assert r is not None and r.status == 200, url
    assert desktop.evaluate(DESKTOP_CHANGED) == [], url
