"""The coverage view (纵向到底、横向到边): buildings without a branch, corridors without a group."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import selectors
from . import orgs_from_query


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """Per community: counts and the gap lists; for a street or above, a roll-up table of its
    communities with a link down to each one's gaps. ``?org=`` picks the subtree."""
    orgs = orgs_from_query(request)
    reports = [selectors.coverage_for(user=request.user, org=org) for org in orgs]
    return render(
        request,
        "orgs/coverage.html",
        {"reports": reports, "title": _("覆盖情况"), "single_org": len(orgs) == 1},
    )
