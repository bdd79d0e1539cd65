"""What "fits a 390 px phone" means, measured in the browser, for every phone test (issue 20):
nothing scrolls sideways, no visible table column is narrower than two characters of its own
font, and every button and button-like link can be reached without scrolling sideways.

``assert_fits(page, url)`` opens a page and fails with the list of what does not fit. With
``DANGJIAN_PHONE_SHOTS=/some/folder`` it also keeps a full-page picture of every page it opens."""

from __future__ import annotations

import os
import re
from pathlib import Path

#: what the page lays out wider than the phone, as [[what, how wide]]: the document itself,
#: visible table columns narrower than two characters, buttons and links out of reach (also
#: those in a ``.table-responsive`` box: a button one must scroll a table sideways to find is
#: out of reach for an older secretary).
MEASURE = """() => {
  const W = window.innerWidth, bad = [];
  const sw = document.documentElement.scrollWidth;
  if (sw > W) {
    // name the widest thing that sticks out, so the message says where to look
    let worst = null;
    for (const el of document.querySelectorAll("main *")) {
      const r = el.getBoundingClientRect();
      if (r.right > W + 1 && (!worst || r.right > worst[1])) worst = [el, r.right];
    }
    const what = worst ? `${worst[0].tagName.toLowerCase()}${worst[0].id ? "#" + worst[0].id : ""}`
      + `${worst[0].className && typeof worst[0].className === "string" ? "." + worst[0].className.trim().split(/\\s+/).join(".") : ""}`
      + ` "${(worst[0].innerText || "").trim().slice(0, 20)}"` : "";
    bad.push([`document ${what}`.trim(), sw]);
  }
  const shown = (el) => el.offsetParent !== null && el.getClientRects().length > 0;
  for (const t of document.querySelectorAll("table")) {
    if (!shown(t)) continue;
    for (const row of t.querySelectorAll("tr")) {
      for (const cell of row.children) {
        if (!shown(cell) || cell.colSpan > 1) continue;
        const s = getComputedStyle(cell);
        const inner = cell.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
        if (inner < 2 * parseFloat(s.fontSize) - 0.5)
          bad.push([`${t.id || "table"} column "${cell.innerText.trim().slice(0, 12)}" (${s.fontSize})`, inner]);
      }
    }
  }
  for (const b of document.querySelectorAll("button, a.btn, input[type=submit]")) {
    if (!shown(b)) continue;
    const r = b.getBoundingClientRect();
    if (r.left < -1 || r.right > W + 1) bad.push([`button "${b.innerText.trim()}"`, r.right]);
  }
  return bad;
}"""


def misfits(page) -> list[list]:
    """What does not fit on the page as it is now (empty when everything fits)."""
    return page.evaluate(MEASURE)


def assert_fits(page, url: str, *, row: str | None = None) -> None:
    """Open ``url`` and fail, naming each thing that sticks out, unless it all fits the phone.
    ``row``: a text the page must show (so a filled list is measured, not an empty one)."""
    r = page.goto(url)
    assert r is not None and r.status == 200, f"{url}: HTTP {r.status if r else '—'}"
    assert "/accounts/login/" not in page.url, f"{url}: sent to the login page"
    if row is not None:
        assert row in page.locator("main").inner_text(), f"{url}: {row!r} is not on the page"
    shots = os.environ.get("DANGJIAN_PHONE_SHOTS")  # a folder: keep a picture of each page
    if shots:
        name = re.sub(r"[^\w]+", "_", url.split("//", 1)[-1].split("/", 1)[-1]).strip("_")
        page.screenshot(path=str(Path(shots) / f"{name or 'home'}.png"), full_page=True)
    bad = misfits(page)
    assert not bad, f"{url} does not fit a {page.viewport_size['width']} px phone:\n" + "\n".join(
        f"  {what}: {width:.0f} px" for what, width in bad
    )
