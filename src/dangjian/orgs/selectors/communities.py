"""Which community a page is about."""

from __future__ import annotations

from typing import Any

from dangjian.orgs.models import COMMUNITY_KINDS, Organisation


def community_for(*, user: Any, raw: str = "") -> Organisation | None:
    """The community a page is about: the one asked for (``raw``: its id; one the user may not
    see is a 404), else the first the user is responsible for, else a member's own community."""
    from dangjian.core.access import ancestor_paths, get_visible_or_404, scope_for

    communities = Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS))
    if raw:
        return get_visible_or_404(communities, user, pk=raw if raw.isdigit() else 0)
    found = communities.visible_to(user).filter(is_active=True).order_by("path").first()
    member_path = scope_for(user).member_org_path
    if found is None and member_path:
        found = communities.filter(path__in=ancestor_paths(member_path)).order_by("-depth").first()
    return found
