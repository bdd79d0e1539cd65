"""Pages of volunteer service: a community's teams and members' hours for a year, one team's
services (its deeds) with a form to record one (tick who came, give the hours once), and the
ledger. A member's hours are those of all their deeds, and the pages say so."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.forms import parse_date
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.deeds.selectors import deeds_visible
from dangjian.members.models import Member, State
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation
from dangjian.orgs.selectors.communities import community_for

from . import selectors, services
from .models import Team, TeamKind


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() else timezone.localdate().year


def _community(request: HttpRequest) -> Organisation | None:
    return community_for(user=request.user, raw=request.GET.get("org", ""))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    year = _year(request)
    if community is None:
        return render(request, "volunteering/home.html", {"community": None, "year": year})
    return render(
        request,
        "volunteering/home.html",
        {
            "community": community,
            "year": year,
            "teams": selectors.teams_with_totals(user=request.user, community=community, year=year),
            "members": selectors.member_hours(user=request.user, community=community, year=year),
            "ranked": selectors.rankings_enabled(community, "members"),
            "kinds": TeamKind.choices,
            "can_change": scope_for(request.user).reaches_path(community.path, CHANGE),
            "is_staff": scope_for(request.user).is_staff_role,
        },
    )


@login_required
@require_POST
def team_create(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("org", "")
    community = get_visible_or_404(
        Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS)),
        request.user,
        CHANGE,
        pk=raw if raw.isdigit() else 0,
    )
    try:
        services.team_create(
            acting_user=request.user,
            community=community,
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", ""),
            leader=request.POST.get("leader", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已登记服务队。"))
    return redirect(f"{reverse('volunteering:home')}?org={community.pk}")


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One team's services with who served (secretaries; a member sees their own hours on the
    home page, not the names of everyone else)."""
    if not scope_for(request.user).is_staff_role:
        raise Http404
    team = get_visible_or_404(Team.objects.select_related("community"), request.user, pk=pk)
    can_change = scope_for(request.user).reaches_path(team.community.path, CHANGE)
    form_data: dict[str, Any] = {}
    if request.method == "POST":
        if not can_change:
            raise Http404
        form_data = request.POST
        ticked = request.POST.getlist("member")
        hours = request.POST.get("hours", "")
        try:
            services.service_record(
                acting_user=request.user,
                team=team,
                date=parse_date(request.POST.get("date")),
                title=request.POST.get("title", ""),
                place=request.POST.get("place", ""),
                hours={int(m): hours for m in ticked if m.isdigit()},
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已登记志愿服务。"))
            return redirect("volunteering:team", pk=team.pk)
    page = Paginator(deeds_visible(user=request.user, team=team), 50).get_page(
        request.GET.get("page")
    )
    members = (
        Member.objects.changeable_by(request.user)
        .filter(org__path__startswith=team.community.path, state=State.ACTIVE)
        .order_by("org__path", "name")[:300]
        if can_change
        else ()
    )
    return render(
        request,
        "volunteering/team.html",
        {
            "team": team,
            "page": page,
            "members": members,
            "can_change": can_change,
            "form": form_data,
            "ticked": {int(m) for m in form_data.getlist("member") if m.isdigit()}
            if form_data
            else set(),
            "today": timezone.localdate(),
        },
    )


@login_required
def export(request: HttpRequest) -> FileResponse:
    """志愿服务台帐: members' hours of the year (.xlsx), for secretaries."""
    community = _community(request)
    if community is None or not scope_for(request.user).is_staff_role:
        raise Http404
    year = _year(request)
    rows = selectors.member_hours(user=request.user, community=community, year=year)
    fh, count = write_table(
        sheet=_("志愿服务台帐"),
        title=_("%(c)s %(y)d 年党员志愿服务时长（按全部实事与服务记录合计）")
        % {"c": community.name, "y": year},
        columns=[
            (_("党员"), 12),
            (_("所在支部"), 26),
            (_("实事与服务（次）"), 12),
            (_("时长（小时）"), 12),
        ],
        rows=(
            [r["member__name"], r["member__org__name"], r["services"], float(r["hours"])]
            for r in rows
        ),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="volunteering.hours",
        changes={"rows": count, "year": year},
        scope_path=community.path,
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('志愿服务台帐')}-{year}.xlsx")


app_name = "volunteering"
urlpatterns = [
    path("", home, name="home"),
    path("teams/new/", team_create, name="team_create"),
    path("teams/<int:pk>/", team_detail, name="team"),
    path("export/", export, name="export"),
]
