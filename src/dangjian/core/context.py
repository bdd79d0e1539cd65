"""Template context shared by every page: who is logged in and where they may go."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .access import scope_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    return {"scope": scope, "is_staff_role": scope.is_staff_role}
