"""The second factor in a real browser: an administrator required to use it pairs an
authenticator from the QR page (typing the key by hand, as with a phone that cannot scan),
and on the next login is asked for the code."""

from __future__ import annotations

import base64
import time

import pytest
from django_otp.oath import TOTP

from dangjian.accounts import services

from ..conftest import login

pytestmark = pytest.mark.browser


def _code(secret: str, *, steps_ahead: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", ""))
    t = TOTP(key, step=30, t0=0, digits=6, drift=0)
    t.time = time.time() + steps_ahead * 30
    return f"{t.token():06d}"


def test_a_required_administrator_pairs_an_authenticator_and_is_asked_at_the_next_login(
    real_password_hashing, cast, live_server, page
):
    services.profile_set_require_2fa(user=cast.admin, required=True, acting_user=None)
    login(page, live_server, "admin")
    assert "/accounts/otp/setup/" in page.url
    assert page.locator("#otp-qr svg").count() == 1
    page.click("summary")
    secret = page.locator("#otp-secret").inner_text()

    page.fill("#id_token", "000000" if _code(secret) != "000000" else "111111")
    page.click("button[type=submit]")
    assert "动态口令不正确" in page.locator(".invalid-feedback").inner_text()
    time.sleep(1.1)  # after a wrong code the device waits a second before checking another

    page.fill("#id_token", _code(secret))
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "动态口令已启用" in page.content()
    assert "/accounts/otp" not in page.url

    page.click("text=退出")
    page.wait_for_load_state()
    login(page, live_server, "admin")
    assert "/accounts/otp/" in page.url and "setup" not in page.url
    page.fill("#id_token", _code(secret, steps_ahead=1))
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/otp" not in page.url
    assert page.locator("h1").first.inner_text() == "我负责的组织"
