"""In Chromium, with the Content-Security-Policy the settings send on every page: nothing is
blocked, and what used to be inline handlers (confirm before submitting, submit on change) still
works from site.js."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.checkin.models import CheckIn
from dangjian.checkin.services import check_in

from ..conftest import login

pytestmark = pytest.mark.browser

# Runs before any page script and outside the policy: every violation the browser reports.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    """The ``page``, with a list of console errors and CSP violations seen while using it."""
    problems: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)

    def on_console(m) -> None:
        # warnings too: Chromium warns of a Permissions-Policy feature it does not know
        if m.type == "error" or "Content Security Policy" in m.text or "Policy" in m.text:
            problems.append(f"console: {m.text} ({m.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def check() -> list[str]:
        return problems + [f"violation: {v}" for v in page.evaluate("window.__csp || []")]

    page.problems = check
    return page


def _visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.problems() == [], url


def test_pages_load_without_any_csp_violation(cast, live_server, watched):
    page = watched
    _visit(page, f"{live_server.url}/accounts/login/")
    login(page, live_server, "comm_a_sec")
    assert page.problems() == []
    for path in ["/", "/members/", "/meetings/", "/meetings/cadence/", f"/orgs/{cast.comm_a.pk}/"]:
        _visit(page, f"{live_server.url}{path}")
    # The navigation menu (Bootstrap's dropdown, positioned by script) still opens.
    page.click("nav >> text=党员管理")
    assert page.locator("nav >> text=党员信息库").is_visible()
    assert page.problems() == []


def test_the_api_docs_load_from_our_own_static_files(cast, live_server, watched):
    page = watched
    login(page, live_server, "comm_a_sec")
    _visit(page, f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=20_000)
    assert "社区党建工作平台 API" in page.locator(".swagger-ui .info").inner_text()
    assert page.problems() == []


def test_a_data_confirm_form_asks_first_and_submits_only_when_confirmed(cast, live_server, watched):
    page = watched
    c = check_in(
        acting_user=cast.comm_a_sec,
        member=cast.member_a,
        community=cast.comm_a,
        employer="县人民医院",
        on=timezone.localdate() - dt.timedelta(days=30),
    )
    login(page, live_server, "comm_a_sec")
    _visit(page, f"{live_server.url}/checkin/{c.pk}/")
    page.click("#end-checkin summary")
    page.fill("#end-checkin input[name=reason]", "调到外县工作")

    asked: list[str] = []

    def answer(dialog, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.click("#end-checkin button")
    page.wait_for_timeout(300)
    assert asked == ["解除后不能再记录实事和结对，确定解除吗？"]
    assert CheckIn.objects.get(pk=c.pk).ended_on is None  # "cancel" keeps it

    page.once("dialog", lambda d: answer(d, True))
    with page.expect_navigation():
        page.click("#end-checkin button")
    assert len(asked) == 2
    assert CheckIn.objects.get(pk=c.pk).ended_on is not None
    assert page.problems() == []


def test_a_data_autosubmit_select_submits_its_form(cast, live_server, watched):
    page = watched
    login(page, live_server, "comm_a_sec")
    _visit(page, f"{live_server.url}/meetings/leaders/?org={cast.comm_a.pk}")
    last_year = str(timezone.localdate().year - 1)
    with page.expect_navigation():
        page.select_option("#year-select", last_year)
    assert f"year={last_year}" in page.url and f"org={cast.comm_a.pk}" in page.url
    assert page.locator("#year-select").input_value() == last_year
    assert page.problems() == []


def test_the_server_header_gives_no_version(cast, live_server, page):
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert response.headers.get("server") == "dangjian"
