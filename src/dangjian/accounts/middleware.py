"""Second factor: an account that must use TOTP cannot go anywhere until it has verified."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/api/")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and needs_second_factor(user)
            and not user.is_verified()
        ):
            return redirect(f"{reverse('accounts:otp')}?next={request.path}")
        return self.get_response(request)


def needs_second_factor(user) -> bool:
    from django_otp import user_has_device

    profile = getattr(user, "profile", None)
    required = bool(profile and profile.require_2fa)
    return required or user_has_device(user, confirmed=True)
