"""Logging out clears what the browser keeps of this site: the HTTP cache, and the storage —
the member app's service-worker caches, its offline queue in localStorage, the worker itself —
so the next person to pick up the phone finds nothing of the member (issue 19, item 5)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

CLEAR_SITE_DATA = '"cache", "storage"'


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
