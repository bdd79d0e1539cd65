"""Readable for older eyes (issue 20, item 6): every visible text on the main pages reaches WCAG AA
contrast against what is really behind it, and on a phone the text is large and the buttons are
big enough to tap.

The check is done in the page, on computed colours (the equivalent of axe-core's
``color-contrast`` rule, without an npm install): for every visible element that holds text
(a text node of its own, or the value of a form control) it takes the text colour, walks up the
ancestors to the first opaque background, blending the translucent ones on the way (and the
elements' ``opacity``), and compares the two with the WCAG formula. AA is 4.5:1, and 3:1 for
large text (24 px, or 18.66 px bold). Text over a background image cannot be judged this way and
is listed separately, so a new gradient does not slip through unnoticed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dangjian.commitments.services_board import board_for
from tests.meetings.factories import make_meeting

from ..conftest import login

pytestmark = pytest.mark.browser

#: ``bad``: (element, ratio, needed, text) of every text below AA on the page; ``checked``: how
#: many elements were looked at
BELOW_AA = r"""() => {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, under) => {  // top blended over an opaque colour
    const a = top.a;
    return {r: top.r * a + under.r * (1 - a), g: top.g * a + under.g * (1 - a),
            b: top.b * a + under.b * (1 - a), a: 1};
  };
  const lum = (c) => {
    const ch = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  const ratio = (x, y) => {
    const [l1, l2] = [lum(x), lum(y)].sort((p, q) => q - p);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  const opacityAbove = (el) => {  // product of the opacities of el and its ancestors
    let o = 1;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity);
    return o;
  };
  // the colour behind el: the backgrounds from el upwards, translucent ones blended, to the first
  // opaque one (the canvas is white)
  const background = (el) => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage && s.backgroundImage !== "none" && !s.backgroundImage.startsWith("url(")) {
        return {image: true};
      }
      const c = parse(s.backgroundColor);
      if (c && c.a > 0) {
        const a = c.a * opacityAbove(e);
        layers.push({...c, a});
        if (a >= 1) break;
      }
    }
    let bg = {r: 255, g: 255, b: 255, a: 1};
    for (const l of layers.reverse()) bg = over(l, bg);
    return bg;
  };
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility !== "visible" || el.getClientRects().length === 0) return false;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return false;   // .visually-hidden and the like
    return opacityAbove(el) > 0.01;
  };
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += "#" + el.id;
    if (el.classList.length) d += "." + [...el.classList].join(".");
    const p = el.parentElement;
    if (p) d = (p.tagName.toLowerCase() + (p.classList.length ? "." + [...p.classList].join(".") : "")) + " > " + d;
    return d;
  };
  const bad = [];
  const seen = new Set();
  const check = (el, text) => {
    if (seen.has(el) || !visible(el)) return;
    seen.add(el);
    const s = getComputedStyle(el);
    const bg = background(el);
    if (bg.image) { bad.push([describe(el), 0, 0, "text over a background image: " + text]); return; }
    let fg = parse(s.color);
    if (!fg) return;
    fg = over({...fg, a: fg.a * opacityAbove(el)}, bg);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(s.fontWeight, 10) >= 700);
    const need = large ? 3 : 4.5;
    const r = ratio(fg, bg);
    if (r + 0.005 < need) bad.push([describe(el), Math.round(r * 100) / 100, need, text.slice(0, 30)]);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.textContent.trim();
    const el = n.parentElement;
    if (!t || !el || ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "OPTION"].includes(el.tagName)) continue;
    if (el.closest("svg")) continue;   // chart labels: checked by their own fill below
    check(el, t);
  }
  for (const el of document.querySelectorAll("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea")) {
    const t = el.tagName === "SELECT" ? (el.selectedOptions[0] || {}).text || "" : el.value;
    if (t && t.trim()) check(el, t.trim());
  }
  // SVG chart labels: their fill against the page behind the chart
  for (const el of document.querySelectorAll("svg text")) {
    if (!visible(el) || !el.textContent.trim()) continue;
    const fill = parse(getComputedStyle(el).fill);
    if (!fill) continue;
    const bg = background(el.closest("svg"));
    if (bg.image) continue;
    const r = ratio(over(fill, bg), bg);
    if (r + 0.005 < 4.5) bad.push(["svg text", Math.round(r * 100) / 100, 4.5, el.textContent.trim().slice(0, 30)]);
  }
  return {bad, checked: seen.size};
}"""

#: buttons, links styled as buttons and form controls on a phone that are under 44 px tall
SMALL_TARGETS = """() => {
  const bad = [];
  for (const b of document.querySelectorAll(".btn, button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select")) {
    if (b.getClientRects().length === 0 || getComputedStyle(b).visibility !== "visible") continue;
    const h = b.getBoundingClientRect().height;
    if (h < 43.5) bad.push(`${b.tagName.toLowerCase()}.${[...b.classList].join(".")} ${Math.round(h)}px: ${(b.tagName === "SELECT" ? b.name : b.innerText || b.name || "").trim().slice(0, 20)}`);
  }
  return bad;
}"""


def _below_aa(pg, url: str) -> list[str]:
    pg.set_default_timeout(30_000)  # the first page of a fresh live server can be slow
    response = pg.goto(url)
    pg.wait_for_load_state()
    assert response.ok, f"{url}: {response.status}"
    found = pg.evaluate(BELOW_AA)
    assert found["checked"] >= 5, f"{url}: almost no text to check"
    return [f"{url}: {d} {r}:1 < {n}:1 «{t}»" for d, r, n, t in found["bad"]]


@pytest.fixture
def pages(cast):
    """The main pages, with something in them: a meeting of the branch, the public board."""
    meeting = make_meeting(org=cast.branch_a, date=timezone.localdate(), user=cast.comm_a_sec)
    board = board_for(cast.comm_a)
    secretary = [
        "/",
        "/members/",
        "/meetings/",
        f"/meetings/{meeting.pk}/",
        "/dues/",
        "/commitments/",
        "/dashboards/",  # the charts' labels and legends
    ]
    return secretary, f"/open/{board.slug}/"


def test_every_text_on_the_main_pages_reaches_wcag_aa(page, live_server, cast, pages):
    secretary, board = pages
    failures = _below_aa(page, f"{live_server.url}/accounts/login/")
    failures += _below_aa(page, f"{live_server.url}{board}")
    login(page, live_server, "comm_a_sec")
    for url in secretary:
        failures += _below_aa(page, f"{live_server.url}{url}")
    assert not failures, "below WCAG AA:\n" + "\n".join(failures)


def test_the_members_pages_on_a_phone_reach_aa_with_large_text_and_targets(
    phone, live_server, cast, pages
):
    _, board = pages
    failures = _below_aa(phone, f"{live_server.url}{board}")
    login(phone, live_server, "member_a")
    failures += _below_aa(phone, f"{live_server.url}/m/")
    assert not failures, "below WCAG AA:\n" + "\n".join(failures)


def test_a_secretarys_lists_on_a_phone_have_large_text_and_big_buttons(phone, live_server, cast):
    phone.set_default_timeout(30_000)
    login(phone, live_server, "comm_a_sec")
    small = []
    for url in ("/", "/meetings/", "/members/"):
        phone.goto(f"{live_server.url}{url}")
        assert phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
        small += [f"{url}: {b}" for b in phone.evaluate(SMALL_TARGETS)]
    assert not small, "tap targets under 44 px:\n" + "\n".join(small)


def test_the_check_finds_what_the_menu_used_to_be(page):
    """The checker itself: the old menu text (55 % white on the party red, 2.86:1) is caught, a
    disabled button faded to 65 % is caught, white on the party red and large grey text pass."""
    page.set_content(
        """<body style="margin:0">
        <nav style="background:#b71c1c"><a id="old" style="color:rgba(255,255,255,.55)">会议</a>
          <a id="new" style="color:#fff">会议</a></nav>
        <div style="background:rgba(0,0,0,.05)"><span id="faded" style="color:#6c757d;opacity:.65">已交</span>
          <span id="big" style="color:#767676;font-size:24px">标题</span></div></body>"""
    )
    found = {d.split("#")[-1] for d, *_ in page.evaluate(BELOW_AA)["bad"]}
    assert found == {"old", "faded"}
