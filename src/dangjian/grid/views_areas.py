"""Pages of grid areas and their people (SPEC §8, issue 16 item 1).

* ``grid:home`` — ``/grid/?org=<community>``: the community's areas with residents, cadres,
  liaisons and shortfall badges; ``?org=<street/town/county>``: one row per community. A grid
  cadre without a grant sees the areas they are responsible for.
* ``grid:area`` — one area: its figures, its people now and before; the secretary adds and ends
  duties there.

Need-to-know: a changing grant reaching the community, or (read only) the area's own cadre.
Anyone else gets a 404, the same as for a missing page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.core.forms import add_service_errors
from dangjian.members.models import Member
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place

from . import selectors_areas as sel
from . import services_areas as services
from .access import duty_area_paths
from .forms_areas import DutyForm, EndDutyForm
from .models import AreaDuty, DutyRole

PAGE_SIZE = 50


def _org(request: HttpRequest) -> Organisation | None:
    """The community, street/town or county asked for — one the user changes, else 404 — or,
    when none is asked for, the top-most such organisation of the user's grants."""
    raw = request.GET.get("org", "").strip()
    user = request.user
    if raw:
        org = Organisation.objects.filter(pk=int(raw) if raw.isdigit() else 0).first()
        if org is None or not sel.reaches_org(user=user, org=org):
            raise Http404
        return org
    scope = scope_for(user)
    if scope.everything:
        return Organisation.objects.filter(parent__isnull=True).order_by("path").first()
    if scope.change_paths:
        for org in Organisation.objects.filter(path__in=scope.change_paths).order_by("path"):
            if sel.reaches_org(user=user, org=org):
                return org
    return None


def org_url(org: Organisation) -> str:
    return f"{reverse('grid:home')}?org={org.pk}"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    org = _org(request)
    ctx: dict = {"rules": sel.rule_info(), "today": today}
    if org is None:
        # a grid cadre without a grant: their own areas, read only
        if not duty_area_paths(request.user, today):
            raise Http404
        qs = sel.area_list(user=request.user)
        page = Paginator(sel.with_figures(qs.select_related("community"), on=today), PAGE_SIZE)
        page = page.get_page(request.GET.get("page"))
        rows = sel.figures(list(page.object_list), on=today)
        ctx.update(level="mine", org=None, page=page, rows=rows, total=sel.totals(rows))
        return render(request, "grid/areas.html", ctx)
    if org.kind in COMMUNITY_KINDS:
        qs = sel.area_list(user=request.user, org=org)
        page = Paginator(sel.with_figures(qs.select_related("community"), on=today), PAGE_SIZE)
        page = page.get_page(request.GET.get("page"))
        rows = sel.figures(list(page.object_list), on=today)
        summary = sel.community_figures(user=request.user, org=org, on=today)
        ctx.update(level="community", org=org, page=page, rows=rows, total=sel.totals(summary))
        return render(request, "grid/areas.html", ctx)
    communities = sel.community_figures(user=request.user, org=org, on=today)
    page = Paginator(communities, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx.update(
        level="upper",
        org=org,
        page=page,
        rows=list(page.object_list),
        total=sel.totals(communities),
    )
    return render(request, "grid/areas.html", ctx)


def _area(request: HttpRequest, pk: int, *, change: bool = False) -> Place:
    qs = (sel.areas_changeable if change else sel.areas_visible)(user=request.user)
    area = qs.select_related("community").filter(pk=pk).first()
    if area is None:
        raise Http404
    return area


def _members(area: Place):  # noqa: ANN202 - a queryset of members
    return (
        Member.objects.filter(subtree_q("org__path", area.community.path))
        .only("pk", "name")
        .order_by("name", "pk")
    )


def _detail(request: HttpRequest, area: Place, *, form: DutyForm | None = None) -> HttpResponse:
    today = timezone.localdate()
    can_change = sel.may_change_area(user=request.user, area=area)
    figs = sel.figures(Place.objects.filter(pk=area.pk), on=today)[0]
    duties = list(sel.area_duties(user=request.user, area=area))
    current = [d for d in duties if d.since <= today and (d.until is None or d.until >= today)]
    others = [d for d in duties if d not in current]
    if can_change and form is None:
        form = DutyForm(members=_members(area), initial={"since": today, "role": DutyRole.CADRE})
    return render(
        request,
        "grid/areas_detail.html",
        {
            "area": area,
            "f": figs,
            "current": current,
            "others": others,
            "can_change": can_change,
            "form": form if can_change else None,
            "rules": sel.rule_info(),
            "today": today,
            "back": org_url(area.community) if can_change else reverse("grid:home"),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _area(request, pk))


@login_required
@require_POST
def duty_add(request: HttpRequest, pk: int) -> HttpResponse:
    area = _area(request, pk, change=True)
    form = DutyForm(request.POST, members=_members(area))
    if form.is_valid():
        d = form.cleaned_data
        try:
            duty = services.duty_assign(
                acting_user=request.user,
                area=area,
                role=d["role"],
                since=d["since"],
                until=d.get("until"),
                username=d.get("username", ""),
                member=d.get("member"),
                name=d.get("name", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已安排 %(n)s 为%(r)s。") % {"n": duty.name, "r": duty.get_role_display()},
            )
            return redirect("grid:area", pk=area.pk)
    return _detail(request, area, form=form)


def _duty(request: HttpRequest, pk: int) -> AreaDuty:
    duty = (
        AreaDuty.objects.changeable_by(request.user)
        .select_related("area__community", "user")
        .filter(pk=pk)
        .first()
    )
    # a cadre reaches their area's duties but may not change them: the same 404 as for others
    if duty is None or not scope_for(request.user).reaches_path(duty.area.community.path, CHANGE):
        raise Http404
    return duty


@login_required
def duty_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Ending a duty: a page that asks first (GET), then the end itself (POST)."""
    duty = _duty(request, pk)
    today = timezone.localdate()
    if request.method == "POST":
        form = EndDutyForm(request.POST)
        if form.is_valid():
            try:
                services.duty_end(
                    duty,
                    acting_user=request.user,
                    until=form.cleaned_data["until"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("%(n)s 的片区职责已结束，仍保留在片区的记录中。") % {"n": duty.name}
                )
                return redirect("grid:area", pk=duty.area_id)
    else:
        form = EndDutyForm(initial={"version": duty.version, "until": today})
    return render(
        request,
        "grid/areas_end.html",
        {"duty": duty, "form": form},
        status=400 if form.errors else 200,
    )
