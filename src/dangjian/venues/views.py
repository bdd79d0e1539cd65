"""Pages of venues (一厅一校四室) and office space: a community's six venues with their areas and
whether they may be booked (bookings are co-building's), its office floor area; above a community,
the office-space band table of seed 001."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit, rules
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for, subtree_q
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation
from dangjian.orgs.selectors.communities import community_for

from . import selectors, services
from .models import Kind, OfficeSpace, Venue


def _org(request: HttpRequest) -> Organisation | None:
    if not scope_for(request.user).is_staff_role:
        raise Http404
    raw = request.GET.get("org", "") or request.POST.get("org", "")
    if raw:
        return get_visible_or_404(
            Organisation.objects.all(), request.user, pk=raw if raw.isdigit() else 0
        )
    return community_for(user=request.user)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    if org is None:
        return render(request, "venues/home.html", {"org": None})
    context = {
        "org": org,
        "can_change": scope_for(request.user).reaches_path(org.path, CHANGE),
        "rule": rules.get("office.space_bands"),
    }
    if org.is_community:
        context |= {
            "venues": selectors.venues_of(org),
            "office": OfficeSpace.objects.filter(community=org).first(),
        }
    else:
        bands, missing = selectors.band_table(user=request.user, org=org)
        context |= {"bands": bands, "missing": missing}
    return render(request, "venues/home.html", context)


def _back(org: Organisation) -> HttpResponse:
    return redirect(f"{reverse('venues:home')}?org={org.pk}")


def _changeable_community(request: HttpRequest) -> Organisation:
    org = _org(request)
    if org is None or not org.is_community:
        raise Http404
    if not scope_for(request.user).reaches_path(org.path, CHANGE):
        raise Http404
    return org


def _say(request: HttpRequest, exc: Exception) -> None:
    text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text)


@login_required
@require_POST
def venue_save(request: HttpRequest) -> HttpResponse:
    org = _changeable_community(request)
    try:
        v = services.venue_save(
            acting_user=request.user,
            community=org,
            kind=request.POST.get("kind", ""),
            area_m2=request.POST.get("area_m2", ""),
            note=request.POST.get("note", ""),
            bookable=request.POST.get("bookable") == "on",
        )
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已保存：%(v)s。") % {"v": v.get_kind_display()})
    return _back(org)


@login_required
@require_POST
def office_save(request: HttpRequest) -> HttpResponse:
    org = _changeable_community(request)
    try:
        services.office_save(
            acting_user=request.user,
            community=org,
            floor_area_m2=request.POST.get("floor_area_m2", ""),
            in_transition=request.POST.get("in_transition") == "on",
        )
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已保存办公用房面积。"))
    return _back(org)


@login_required
def export(request: HttpRequest) -> FileResponse:
    """阵地和办公用房台帐 (.xlsx): every community under the organisation, its office floor area
    and band, and its six venues."""
    org = _org(request)
    if org is None:
        raise Http404
    communities = list(
        Organisation.objects.visible_to(request.user)
        .filter(subtree_q("path", org.path), kind__in=list(COMMUNITY_KINDS), is_active=True)
        .order_by("path")
    )
    offices = {o.community_id: o for o in OfficeSpace.objects.filter(community__in=communities)}
    have: dict[int, dict[str, Venue]] = {}
    for v in Venue.objects.filter(community__in=communities).select_related("resource"):
        have.setdefault(v.community_id, {})[v.kind] = v

    def office_text(o: OfficeSpace | None) -> str:
        if o is None:
            return _("未登记")
        return _("拆迁过渡中") if o.in_transition else str(o.floor_area_m2)

    fh, count = write_table(
        sheet=_("阵地和办公用房台帐"),
        title=_("%(o)s 阵地和办公用房台帐") % {"o": org.name},
        columns=[(_("社区"), 24), (_("办公服务用房（平方米）"), 14)]
        + [(f"{label}（{_('平方米')}）", 12) for _k, label in Kind.choices],
        rows=(
            [c.name, office_text(offices.get(c.pk))]
            + [
                float(have[c.pk][k].area_m2) if k in have.get(c.pk, {}) else _("未建")
                for k, _label in Kind.choices
            ]
            for c in communities
        ),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="venues.venue",
        changes={"rows": count},
        scope_path=org.path,
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('阵地和办公用房台帐')}.xlsx")


app_name = "venues"
urlpatterns = [
    path("", home, name="home"),
    path("save/", venue_save, name="save"),
    path("office/", office_save, name="office"),
    path("export/", export, name="export"),
]
