"""Forms for organisations, office holders and the places an organisation covers.

Every page here needs the right to change the organisation (or, for a new one, its parent):
anything else is a 404, the same as a missing organisation. Writes go through the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.access import CHANGE, get_visible_or_404
from dangjian.core.forms import add_service_errors

from .. import selectors, services
from ..forms import CoverForm, OfficeForm, OrgForm
from ..models import LEAF_KINDS, Office, Organisation


def _changeable_org(request: HttpRequest, pk: int) -> Organisation:
    return get_visible_or_404(
        Organisation.objects.select_related("parent"), request.user, action=CHANGE, pk=pk
    )


@login_required
def org_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new organisation under the one with ``pk``."""
    parent = _changeable_org(request, pk)
    if parent.kind in LEAF_KINDS:
        raise Http404
    form = OrgForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(
                parent=parent, acting_user=request.user, **form.data_without_version()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已建立“%(name)s”。") % {"name": org.name})
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "org": parent,
            "title": _("新建下级组织"),
            "subtitle": _("上级组织：%(name)s") % {"name": parent.name},
            "cancel_url": reverse("orgs:detail", args=[parent.pk]),
        },
    )


@login_required
def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _changeable_org(request, pk)
    title = _("修改组织信息：%(name)s") % {"name": org.name}
    form = OrgForm(request.POST or None, parent=org.parent, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_update(
                org,
                data=form.data_without_version(),
                acting_user=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "title": title, "cancel_url": reverse("orgs:detail", args=[org.pk])},
    )


@login_required
def office_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = _changeable_org(request, pk)
    form = OfficeForm(request.POST or None, user=request.user, org=org)
    if request.method == "POST" and form.is_valid():
        try:
            office = services.office_create(
                acting_user=request.user, org=org, **form.service_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已记录 %(title)s %(name)s。")
                % {"title": office.get_title_display(), "name": office.holder_name},
            )
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "title": _("记录任职"),
            "subtitle": org.name,
            "cancel_url": reverse("orgs:detail", args=[org.pk]),
        },
    )


@login_required
def office_edit(request: HttpRequest, pk: int) -> HttpResponse:
    office = get_visible_or_404(
        Office.objects.select_related("org", "member"), request.user, action=CHANGE, pk=pk
    )
    org = office.org
    form = OfficeForm(request.POST or None, user=request.user, org=org, instance=office)
    if request.method == "POST" and form.is_valid():
        try:
            services.office_update(
                office,
                data=form.service_data(),
                acting_user=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "title": _("修改任职：%(title)s %(name)s")
            % {"title": office.get_title_display(), "name": office.holder_name},
            "subtitle": org.name,
            "cancel_url": reverse("orgs:detail", args=[org.pk]),
        },
    )


@login_required
def org_cover(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick the places an organisation covers: a branch its buildings or grid, a group its
    corridors. Only places of the organisation's own community are offered."""
    org = _changeable_org(request, pk)
    community = org.community()
    if community is None:
        raise Http404
    candidates = selectors.cover_candidates(user=request.user, org=org, community=community)
    form = CoverForm(
        request.POST or None,
        candidates=candidates,
        initial={"places": list(org.places.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.org_set_places(
                org=org, places=list(form.cleaned_data["places"]), acting_user=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存覆盖区域。"))
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/cover.html",
        {
            "form": form,
            "org": org,
            "community": community,
            "title": _("覆盖区域：%(name)s") % {"name": org.name},
        },
    )
