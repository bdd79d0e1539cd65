"""The places tree of a community: community → grid → building → corridor → household."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.forms import add_service_errors

from .. import selectors, services
from ..forms import PlaceForm
from ..models import PLACE_CHILD_KIND, Organisation, Place, PlaceKind
from . import PAGE_SIZE


@login_required
def community_places(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole tree of a community's places down to corridors, with who covers each."""
    community = get_visible_or_404(Organisation.objects.all(), request.user, pk=pk)
    tree = selectors.place_tree(user=request.user, community=community)
    return render(
        request,
        "orgs/places.html",
        {
            "community": community,
            "tree": tree,
            "title": _("区域：%(name)s") % {"name": community.name},
            "can_change": scope_for(request.user).reaches_path(community.path, CHANGE),
        },
    )


@login_required
def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_visible_or_404(
        Place.objects.select_related("community", "parent"), request.user, pk=pk
    )
    ancestors = selectors.place_ancestors(place=place)
    page = Paginator(selectors.place_children(user=request.user, place=place), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    children = list(page.object_list)
    covering = selectors.covering_orgs(places=[*ancestors, place])
    child_counts = selectors.child_place_counts(places=children)
    child_covering = selectors.covering_orgs(places=children)
    child_kind = PLACE_CHILD_KIND.get(PlaceKind(place.kind))
    return render(
        request,
        "orgs/place_detail.html",
        {
            "place": place,
            "title": place.name,
            "ancestors": ancestors,
            "page": page,
            "rows": [
                (c, child_counts.get(c.pk, 0), child_covering.get(c.pk, [])) for c in children
            ],
            "covering": [(p, covering.get(p.pk, [])) for p in [*ancestors, place]],
            "child_kind": child_kind.label if child_kind else "",
            "can_change": scope_for(request.user).reaches_path(place.community.path, CHANGE),
        },
    )


def _render_form(request, form, *, title, subtitle, cancel_url):
    return render(
        request,
        "orgs/form.html",
        {"form": form, "title": title, "subtitle": subtitle, "cancel_url": cancel_url},
    )


@login_required
def place_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new place under the place ``pk``; its kind is the one that belongs under it."""
    parent = get_visible_or_404(
        Place.objects.select_related("community"), request.user, action=CHANGE, pk=pk
    )
    kind = PLACE_CHILD_KIND.get(PlaceKind(parent.kind))
    if kind is None:
        raise Http404  # nothing goes under a household
    form = PlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            place = services.place_create(
                parent=parent,
                community=parent.community,
                acting_user=request.user,
                kind=kind,
                **form.data_without_version(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加“%(name)s”。") % {"name": place.name})
            return redirect("orgs:place", pk=parent.pk)
    return _render_form(
        request,
        form,
        title=_("添加%(kind)s") % {"kind": kind.label},
        subtitle=_("上级区域：%(name)s") % {"name": parent.name},
        cancel_url=reverse("orgs:place", args=[parent.pk]),
    )


@login_required
def community_place_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The top place of a community (the community's own area), from which the tree grows."""
    community = get_visible_or_404(Organisation.objects.all(), request.user, action=CHANGE, pk=pk)
    if not community.is_community:
        raise Http404
    form = PlaceForm(request.POST or None, initial={"name": community.short_name or community.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.place_create(
                parent=None,
                community=community,
                acting_user=request.user,
                kind=PlaceKind.COMMUNITY,
                **form.data_without_version(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已建立社区区域。"))
            return redirect("orgs:places", pk=community.pk)
    return _render_form(
        request,
        form,
        title=_("建立社区区域"),
        subtitle=community.name,
        cancel_url=reverse("orgs:places", args=[community.pk]),
    )


@login_required
def place_edit(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_visible_or_404(
        Place.objects.select_related("community"), request.user, action=CHANGE, pk=pk
    )
    title = _("修改%(kind)s：%(name)s") % {"kind": place.get_kind_display(), "name": place.name}
    form = PlaceForm(request.POST or None, instance=place)
    if request.method == "POST" and form.is_valid():
        try:
            services.place_update(
                place,
                data=form.data_without_version(),
                acting_user=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:place", pk=place.pk)
    return _render_form(
        request, form, title=title, subtitle="", cancel_url=reverse("orgs:place", args=[place.pk])
    )
