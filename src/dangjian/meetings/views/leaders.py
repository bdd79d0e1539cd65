"""Pages: county leaders linked to communities (县领导联系社区) — a community's leaders and, per
quarter, their supervision visits and the joint meetings they attended against rule
``council.county_leaders``; links added and ended (audited); a visit recorded as a meeting of
kind LEADER_VISIT; and a roll-up of the communities of a street or the county with the quarters
that fall short. Only for those holding a grant; everybody else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.forms import add_service_errors
from dangjian.core.services import ConflictError
from dangjian.orgs.models import COMMUNITY_KINDS

from .. import services_bodies as svc
from ..forms_bodies import EndForm, LeaderLinkForm, LeaderVisitForm
from ..models import LeaderLink
from ..selectors import bodies as bodies_sel
from ..selectors import leaders as sel
from .bodies import PER_PAGE, _year, _years, link_prefix


def _community(request: HttpRequest, pk, action: str = "view"):
    org = sel.org_or_404(user=request.user, pk=pk, action=action)
    if org.kind not in COMMUNITY_KINDS:
        raise Http404
    return org


def _current_leaders(community):
    return LeaderLink.objects.filter(community=community).order_by("until", "name")


@login_required
def leaders_page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("org", "")
    org = sel.org_or_404(user=request.user, pk=raw) if raw else bodies_sel.default_org(request.user)
    if org is None:
        raise Http404
    if org.kind not in COMMUNITY_KINDS:
        year = request.GET.get("year", "")
        return redirect(
            f"{reverse('meetings:leaders_rollup')}?org={org.pk}" + (f"&year={year}" if year else "")
        )
    year = _year(request)
    today = timezone.localdate()
    data = sel.community_leaders(user=request.user, community=org, year=year, today=today)
    can_change = scope_for(request.user).reaches_path(org.path, CHANGE)
    visit_form = None
    if can_change:
        visit_form = LeaderVisitForm(
            leaders=_current_leaders(org), initial={"date": today}, auto_id="visit_%s"
        )
    return render(
        request,
        "meetings/leaders/community.html",
        {
            "org": org,
            "year": year,
            "years": _years(),
            "data": data,
            "can_change": can_change,
            "visit_form": visit_form,
            "detail_prefix": link_prefix("meetings:detail"),
        },
    )


@login_required
def leaders_rollup(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("org", "")
    org = sel.org_or_404(user=request.user, pk=raw) if raw else bodies_sel.default_org(request.user)
    if org is None:
        raise Http404
    year = _year(request)
    rows = sel.leaders_rollup(user=request.user, org=org, year=year, today=timezone.localdate())
    if request.GET.get("short") == "1":
        rows = [r for r in rows if r.short]
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/leaders/rollup.html",
        {
            "org": org,
            "year": year,
            "years": _years(),
            "page": page,
            "rows": page.object_list,
            "short_only": request.GET.get("short") == "1",
            "numbers": sel.numbers_for([org.path])[org.path],
        },
    )


@login_required
def leader_link_create(request: HttpRequest, community_id: int) -> HttpResponse:
    org = _community(request, community_id, CHANGE)
    form = LeaderLinkForm(request.POST or None, initial={"since": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            link = svc.leader_link_add(community=org, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加联系县领导 %(name)s。") % {"name": link.name})
            return redirect(f"{reverse('meetings:leaders')}?org={org.pk}")
    return render(
        request,
        "meetings/leaders/form.html",
        {"form": form, "org": org, "title": _("添加联系县领导"), "form_id": "link-form"},
    )


@login_required
def leader_link_end(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_visible_or_404(
        LeaderLink.objects.select_related("community"), request.user, CHANGE, pk=pk
    )
    form = EndForm(
        request.POST or None, initial={"on": timezone.localdate(), "version": link.version}
    )
    form.fields["on"].label = _("联系结束日期")
    if request.method == "POST" and form.is_valid():
        try:
            svc.leader_link_end(
                link=link,
                until=form.cleaned_data["on"],
                acting_user=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ConflictError as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s 不再联系本社区。") % {"name": link.name})
            return redirect(f"{reverse('meetings:leaders')}?org={link.community_id}")
    return render(
        request,
        "meetings/leaders/form.html",
        {
            "form": form,
            "org": link.community,
            "title": _("结束联系：%(name)s") % {"name": link},
            "form_id": "link-end-form",
            "confirm": _("确定结束 %(name)s 对本社区的联系？") % {"name": link.name},
        },
    )


@login_required
def leader_visit_create(request: HttpRequest, community_id: int) -> HttpResponse:
    org = _community(request, community_id, CHANGE)
    form = LeaderVisitForm(
        request.POST or None,
        leaders=_current_leaders(org),
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = svc.leader_visit_record(
                community=org, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("已登记 %(d)s 的县领导督导。") % {"d": meeting.date.isoformat()}
            )
            return redirect(f"{reverse('meetings:leaders')}?org={org.pk}&year={meeting.date.year}")
    return render(
        request,
        "meetings/leaders/form.html",
        {"form": form, "org": org, "title": _("登记县领导督导"), "form_id": "visit-form"},
    )


urls = [
    path("leaders/", leaders_page, name="leaders"),
    path("leaders/rollup/", leaders_rollup, name="leaders_rollup"),
    path("leaders/<int:community_id>/links/new/", leader_link_create, name="leader_link_create"),
    path("leaders/links/<int:pk>/end/", leader_link_end, name="leader_link_end"),
    path("leaders/<int:community_id>/visit/", leader_visit_create, name="leader_visit_create"),
]
