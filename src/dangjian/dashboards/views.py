"""The dashboard page: figures of one organisation for one year, as charts with their tables,
and the organisations below it to drill down to."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.core.dbrouter import replica_ok

from . import charts, selectors

YEARS_BACK = 10


def year_from(raw: str | int | None) -> int:
    """The year asked for, within the last ten years (a bad value is the current year)."""
    today = timezone.localdate()
    raw = str(raw or "")
    year = int(raw) if raw.isdigit() else today.year
    return year if today.year - YEARS_BACK <= year <= today.year else today.year


@login_required
@require_GET
@replica_ok
def home(request: HttpRequest) -> HttpResponse:
    org = selectors.org_for(user=request.user, raw=request.GET.get("org", ""))
    year = year_from(request.GET.get("year"))
    today = timezone.localdate()
    d = selectors.dashboard(user=request.user, org=org, year=year, today=today)
    return render(
        request,
        "dashboards/home.html",
        {
            "title": org.name,
            "d": d,
            "charts": charts.charts(d),
            "years": list(range(today.year, today.year - YEARS_BACK - 1, -1)),
            "child_links": [(c, charts.dashboard_url(c, year)) for c in d.children],
            "crumbs": [(o, charts.dashboard_url(o, year)) for o in d.breadcrumb],
        },
    )
