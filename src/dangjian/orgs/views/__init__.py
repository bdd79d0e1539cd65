"""Pages of the organisation and place trees: ``tree`` (navigation, warnings), ``coverage``,
``edit`` (organisations and offices) and ``places``."""

from __future__ import annotations

from django.http import HttpRequest

from dangjian.core.access import get_visible_or_404

from ..models import Organisation
from ..selectors import org_roots_for

PAGE_SIZE = 50


def orgs_from_query(request: HttpRequest) -> list[Organisation]:
    """The subtree a page is about: ``?org=<id>`` (404 if not the user's), else their roots."""
    raw = request.GET.get("org", "")
    if raw:
        return [
            get_visible_or_404(Organisation.objects.select_related("parent"), request.user, pk=raw)
        ]
    return org_roots_for(user=request.user)
