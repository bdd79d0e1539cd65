"""Pages that follow the organisation tree: the tree itself, an organisation, its warnings.

Thin: every read goes through selectors scoped to the user; an organisation outside the
user's scope is a 404, the same as a missing one.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dangjian.core.access import CHANGE, get_visible_or_404, scope_for

from .. import selectors
from ..models import LEAF_KINDS, Organisation
from . import PAGE_SIZE, orgs_from_query


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    """The user's top organisations, each a node that opens to its children."""
    roots = selectors.org_roots_for(user=request.user)
    return render(
        request,
        "orgs/list.html",
        {"nodes": selectors.tree_nodes(user=request.user, orgs=roots), "title": _("组织体系")},
    )


@login_required
def org_children(request: HttpRequest, pk: int) -> HttpResponse:
    """One level of the tree (loaded by htmx when a node is opened), 50 at a time."""
    org = get_visible_or_404(Organisation.objects.all(), request.user, pk=pk)
    page = Paginator(selectors.org_children(user=request.user, org=org), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "orgs/_children.html",
        {
            "org": org,
            "page": page,
            "nodes": selectors.tree_nodes(user=request.user, orgs=page.object_list),
        },
    )


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_visible_or_404(Organisation.objects.select_related("parent"), request.user, pk=pk)
    scope = scope_for(request.user)
    page = Paginator(selectors.org_children(user=request.user, org=org), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    current, past = selectors.org_offices(org=org)
    can_change = scope.reaches_path(org.path, CHANGE)
    # the organisation itself and its children in one go: counts and warnings for all at once
    me, *nodes = selectors.tree_nodes(user=request.user, orgs=[org, *page.object_list])
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "title": org.name,
            "ancestors": selectors.org_ancestors(user=request.user, org=org),
            "counts": me.counts,
            "page": page,
            "nodes": nodes,
            "offices": current,
            "past_offices": past,
            "places": list(org.places.select_related("parent").order_by("path")),
            "warnings": me.warnings,
            "can_change": can_change,
            "can_add_child": can_change and org.kind not in LEAF_KINDS,
            "is_community": org.is_community,
        },
    )


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    """Every structural warning in a subtree (?org=, default the user's organisations)."""
    orgs = orgs_from_query(request)
    kind = request.GET.get("kind") or None
    found = [w for org in orgs for w in selectors.warnings_in(user=request.user, org=org)]
    summary = selectors.warning_summary(found)
    if kind:
        found = [w for w in found if w.kind == kind]
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/warnings.html",
        {
            "orgs": orgs,
            "org": orgs[0] if len(orgs) == 1 else None,
            "page": page,
            "summary": summary,
            "kind": kind,
            "title": _("结构提醒"),
        },
    )
