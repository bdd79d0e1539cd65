"""Second factor (TOTP): an administrator can be required to use it; once paired it is asked at
every login; nothing but the login pages is reachable before it; the API is not a way round."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts import services
from dangjian.accounts.models import ApiToken, Profile
from dangjian.core.models import AuditEntry

from .clients import login_through_page, totp_code


def _require(user: User) -> None:
    services.profile_set_require_2fa(user=user, required=True, acting_user=None)


def _password_login(cast, username: str = "admin") -> Client:
    c = Client()
    assert login_through_page(c, username, cast.password).status_code == 302
    return c


def _pair(c: Client, user: User) -> TOTPDevice:
    """Go through the setup page as the user would and confirm a code."""
    assert c.get("/accounts/otp/setup/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    r = c.post("/accounts/otp/setup/", {"token": totp_code(device), "next": "/orgs/"})
    assert r.status_code == 302 and r["Location"] == "/orgs/"
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_user_without_a_second_factor_goes_straight_in(cast):
    c = _password_login(cast, "comm_a_sec")
    assert c.get("/").status_code == 200


def test_a_required_user_is_sent_to_setup_then_reaches_pages_after_confirming_a_code(cast):
    _require(cast.admin)
    c = _password_login(cast)
    r = c.get("/orgs/?x=1")
    assert r.status_code == 302
    assert r["Location"] == "/accounts/otp/?next=%2Forgs%2F%3Fx%3D1"
    r = c.get(r["Location"])
    assert r.status_code == 302 and r["Location"].startswith("/accounts/otp/setup/")
    page = c.get(r["Location"])
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code, drawn on the server
    _pair(c, cast.admin)
    assert c.get("/orgs/").status_code == 200
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CREATE, actor=cast.admin, content_type__model="totpdevice"
    ).exists()


def test_a_wrong_code_gets_the_chinese_error_and_does_not_let_in(cast):
    _require(cast.admin)
    c = _password_login(cast)
    c.get("/accounts/otp/setup/")
    r = c.post("/accounts/otp/setup/", {"token": "000000"})
    device = TOTPDevice.objects.get(user=cast.admin)
    if totp_code(device) == "000000":  # one chance in a million
        pytest.skip("the right code happened to be 000000")
    assert r.status_code == 200
    assert "动态口令不正确，请确认手机时间准确后重试。" in r.content.decode()
    assert not TOTPDevice.objects.get(user=cast.admin).confirmed
    assert c.get("/orgs/").status_code == 302


def test_a_code_that_is_not_six_digits_is_explained(cast):
    _require(cast.admin)
    c = _password_login(cast)
    c.get("/accounts/otp/setup/")
    r = c.post("/accounts/otp/setup/", {"token": "12ab"})
    assert "请输入 6 位数字。" in r.content.decode()


def test_a_code_typed_with_a_space_is_accepted(cast):
    _require(cast.admin)
    c = _password_login(cast)
    c.get("/accounts/otp/setup/")
    device = TOTPDevice.objects.get(user=cast.admin)
    code = totp_code(device)
    r = c.post("/accounts/otp/setup/", {"token": f"{code[:3]} {code[3:]}"})
    assert r.status_code == 302


def test_a_user_with_a_paired_authenticator_must_verify_at_every_login(cast):
    c = _password_login(cast, "comm_a_sec")
    device = _pair(c, cast.comm_a_sec)  # paired of their own accord, not required
    c.post("/accounts/logout/")

    c = _password_login(cast, "comm_a_sec")
    r = c.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/otp/?")
    page = c.get("/accounts/otp/")
    assert page.status_code == 200 and "输入动态口令" in page.content.decode()

    wrong = c.post("/accounts/otp/", {"token": "000000", "next": "/"})
    if totp_code(device, steps_ahead=1) != "000000":
        assert "动态口令不正确或已过期" in wrong.content.decode()
        assert c.get("/").status_code == 302
        # Right after a wrong code the device makes the user wait a moment; they are told so.
        hurried = c.post("/accounts/otp/", {"token": totp_code(device, steps_ahead=1)})
        assert "输错次数较多，请等 1 秒后再输入。" in hurried.content.decode()
        assert c.get("/").status_code == 302
    # A code is accepted once only; the next period's code is within the allowed drift.
    # Let the throttle lapse (instead of sleeping a second).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    r = c.post("/accounts/otp/", {"token": totp_code(device, steps_ahead=1), "next": "/"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert c.get("/").status_code == 200


def test_a_code_cannot_be_used_twice(cast):
    c = _password_login(cast, "comm_a_sec")
    device = _pair(c, cast.comm_a_sec)
    used = totp_code(device)
    c.post("/accounts/logout/")
    c = _password_login(cast, "comm_a_sec")
    r = c.post("/accounts/otp/", {"token": used})
    assert r.status_code == 200 and c.get("/").status_code == 302


def test_a_password_alone_cannot_pair_a_new_authenticator(cast):
    """Someone who stole the password of a paired account must not get round the code."""
    c = _password_login(cast, "comm_a_sec")
    _pair(c, cast.comm_a_sec)
    c.post("/accounts/logout/")
    thief = _password_login(cast, "comm_a_sec")
    r = thief.get("/accounts/otp/setup/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/otp/?")
    assert TOTPDevice.objects.filter(user=cast.comm_a_sec).count() == 1


@pytest.mark.parametrize(
    "path", ["/accounts/", "/accounts/tokens/", "/accounts/password/", "/audit/", "/members/"]
)
def test_before_the_second_factor_nothing_but_the_login_pages_is_reachable(cast, path):
    _require(cast.admin)
    c = _password_login(cast)
    r = c.get(path)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/otp/?")


def test_before_the_second_factor_a_token_cannot_be_issued(cast):
    _require(cast.admin)
    c = _password_login(cast)
    c.post("/accounts/tokens/", {"name": "绕过"})
    assert not ApiToken.objects.exists()


def test_a_browser_session_without_the_second_factor_does_not_reach_the_api(cast):
    _require(cast.admin)
    c = _password_login(cast)
    assert c.get("/api/v1/members/").status_code == 401
    _pair(c, cast.admin)
    assert c.get("/api/v1/members/").status_code == 200


def test_a_bearer_token_of_a_required_user_works_without_a_code(cast):
    """By design: tokens are issued to other systems, which cannot type a code."""
    _require(cast.admin)
    _token, key = services.token_issue(user=cast.admin, name="统计系统", acting_user=None)
    r = Client().get("/api/v1/members/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert r.status_code == 200


def test_the_otp_page_does_not_redirect_off_site(cast):
    _require(cast.admin)
    c = _password_login(cast)
    c.get("/accounts/otp/setup/")
    device = TOTPDevice.objects.get(user=cast.admin)
    r = c.post(
        "/accounts/otp/setup/", {"token": totp_code(device), "next": "https://evil.example/"}
    )
    assert r.status_code == 302 and r["Location"] == "/"


def test_the_command_requires_and_releases_the_second_factor(cast):
    assert not Profile.objects.filter(user=cast.comm_a_sec).exists()
    out = StringIO()
    call_command("require-2fa", "comm_a_sec", stdout=out)
    assert Profile.objects.get(user=cast.comm_a_sec).require_2fa
    assert "comm_a_sec" in out.getvalue()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, content_type__model="profile")
    assert entry.changes == {"require_2fa": {"before": False, "after": True}}

    c = _password_login(cast, "comm_a_sec")
    assert c.get("/").status_code == 302

    call_command("require-2fa", "comm_a_sec", "--off", stdout=StringIO())
    assert not Profile.objects.get(user=cast.comm_a_sec).require_2fa
    assert c.get("/").status_code == 200


def test_the_command_refuses_an_unknown_user(cast):
    with pytest.raises(CommandError, match="没有用户名为"):
        call_command("require-2fa", "nobody", stdout=StringIO())


def test_the_account_page_makes_a_missing_profile(cast):
    c = _password_login(cast, "comm_b_sec")
    r = c.get("/accounts/")
    assert r.status_code == 200 and "未启用" in r.content.decode()
    assert Profile.objects.filter(user=cast.comm_b_sec).exists()
