"""Pages of the organisation tree. Thin: every read goes through selectors scoped to the user."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dangjian.core.access import get_visible_or_404

from .models import Organisation
from .selectors import org_roots_for, orgs_visible


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    return render(request, "orgs/list.html", {"roots": org_roots_for(user=request.user)})


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_visible_or_404(Organisation.objects.all(), request.user, pk=pk)
    children = orgs_visible(user=request.user).filter(parent=org)
    return render(
        request,
        "orgs/detail.html",
        {"org": org, "children": children, "ancestors": org.ancestors()},
    )


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """Buildings without a branch and corridors without a group, per community (to be built)."""
    return render(request, "orgs/list.html", {"roots": org_roots_for(user=request.user)})
