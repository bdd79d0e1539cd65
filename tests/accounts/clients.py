"""Test clients for the accounts, core and API tests: logged in the quick way, or through the
real login page (which is what django-axes and the second factor watch)."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP

BACKEND = "dangjian.accounts.backends.ModelBackend"


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a test client with a session for ``user`` (no second factor)."""

    def make(user, **kwargs) -> Client:
        c = Client(**kwargs)
        c.force_login(user, backend=BACKEND)
        return c

    return make


def login_through_page(client: Client, username: str, password: str, *, next_url: str = ""):
    """Post the login form as a person would (``Client.login`` bypasses django-axes)."""
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def totp_code(device, *, steps_ahead: int = 0) -> str:
    """The code the user's authenticator shows now (or ``steps_ahead`` periods later — a code
    is accepted once only, and the device tolerates one period of clock drift)."""
    t = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    t.time = time.time() + steps_ahead * device.step
    return f"{t.token():0{device.digits}d}"
