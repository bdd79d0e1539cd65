"""Second factor: an account that must use TOTP cannot go anywhere until it has verified.

An account needs the second factor when an administrator required it (``Profile.require_2fa``)
or when the user paired an authenticator themselves (a confirmed device). Such an account,
logged in with its password only, reaches nothing but the pages needed to finish logging in.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse

# Only what finishing (or abandoning) the login needs. The rest of /accounts/ — password change,
# API tokens, roles — is behind the second factor: otherwise a stolen password alone could issue
# an API token and go round it.
EXEMPT_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/otp/",
    "/static/",
    "/healthz",
    "/readyz",
    "/i18n/",
)
API_PREFIX = "/api/"


class SecondFactorMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
            and needs_second_factor(user)
        ):
            if request.path.startswith(API_PREFIX):
                # The API is exempt from the second factor by design for Bearer tokens: a token
                # is a long random secret (stored hashed) that an administrator issues to another
                # system on the server (`dangjian issue-token`), or that a user issues on the
                # tokens page — which is itself behind the second factor. A machine cannot type
                # a TOTP code, and the token is already a possession factor. A *browser session*
                # that has not passed the second factor is a different matter: it must not reach
                # the API, so it counts as anonymous there (the API answers 401; token auth does
                # not look at the session and still works).
                request.user = AnonymousUser()
                return self.get_response(request)
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:otp')}?{query}")
        return self.get_response(request)


def needs_second_factor(user: Any) -> bool:
    from django_otp import user_has_device

    from .models import Profile

    # read the profile through the user (cached there), so the page's own use of it — the name
    # in the header — costs no second query
    try:
        required = user.profile.require_2fa
    except Profile.DoesNotExist:
        required = False
    if required:
        return True
    has_device = getattr(user, "_has_device", None)  # loaded with the user (accounts.backends)
    return has_device if has_device is not None else user_has_device(user, confirmed=True)


class IdleSessionMiddleware:
    """Idle sessions expire after ``SESSION_COOKIE_AGE``; activity renews them.

    Django's ``SESSION_SAVE_EVERY_REQUEST`` would renew them too, but by writing the session row on
    every request (three statements a page). Renewing at most once a minute keeps the idle limit
    within a minute of exact and spares the write on almost every page.
    """

    RENEW_EVERY_SECONDS = 60
    KEY = "_renewed_at"

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= self.RENEW_EVERY_SECONDS:
                session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return response
