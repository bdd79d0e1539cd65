"""The dashboard page: figures of one organisation for one year, as charts with their tables,
and the organisations below it to drill down to.

A wide organisation (a county, a big street or town: :func:`.snapshots.served_from_snapshot`)
is shown from the figures the worker kept ("数据截至 …", 重新统计); until there are any the page
waits for the first count, polling :func:`status`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.dbrouter import replica_ok

from . import charts, selectors, snapshots
from .selectors import Dashboard

YEARS_BACK = 10


def year_from(raw: str | int | None) -> int:
    """The year asked for, within the last ten years (a bad value is the current year)."""
    today = timezone.localdate()
    raw = str(raw or "")
    year = int(raw) if raw.isdigit() else today.year
    return year if today.year - YEARS_BACK <= year <= today.year else today.year


def _years(today: dt.date) -> list[int]:
    return list(range(today.year, today.year - YEARS_BACK - 1, -1))


def _figures(d: Dashboard, today: dt.date) -> dict[str, Any]:
    return {
        "title": d.org.name,
        "d": d,
        "charts": charts.charts(d),
        "years": _years(today),
        "child_links": [(c, charts.dashboard_url(c, d.year)) for c in d.children],
        "crumbs": [(o, charts.dashboard_url(o, d.year)) for o in d.breadcrumb],
    }


def _kept_figures(kept: snapshots.Kept, today: dt.date) -> dict[str, Any]:
    """The page's context for kept figures. Their charts (SVG and tables: for a county of
    hundreds of streets most of the page's time) are drawn once per build, language and
    prefix, and kept in the cache: they depend on nothing else (the figures were read for this
    user's scope: the build's row is this scope's own)."""
    d = kept.dashboard
    assert d is not None and kept.snapshot is not None and kept.built_at is not None
    s = kept.snapshot
    key = ":".join(
        (
            "dashboards.grid",
            str(s.pk),
            s.scope_key,
            kept.built_at.isoformat(),
            get_language() or "",
            get_script_prefix(),
        )
    )
    grid = cache.get(key)
    if grid is None:
        grid = render_to_string("dashboards/charts.html", {"charts": charts.charts(d)})
        cache.set(key, grid, timeout=snapshots.FRESH_MINUTES * 60 * 2)
    return {
        "title": d.org.name,
        "d": d,
        "grid": SafeString(grid),
        "years": _years(today),
        "child_links": [(c, charts.dashboard_url(c, d.year)) for c in d.children],
        "crumbs": [(o, charts.dashboard_url(o, d.year)) for o in d.breadcrumb],
        "kept": kept,
        "poll_seconds": snapshots.POLL_SECONDS,
        "fresh_minutes": snapshots.FRESH_MINUTES,
    }


@login_required
@require_GET
@replica_ok
def home(request: HttpRequest) -> HttpResponse:
    org = selectors.org_for(user=request.user, raw=request.GET.get("org", ""))
    year = year_from(request.GET.get("year"))
    today = timezone.localdate()
    if not snapshots.served_from_snapshot(org):
        d = selectors.dashboard(user=request.user, org=org, year=year, today=today)
        return render(request, "dashboards/home.html", _figures(d, today))
    kept = snapshots.for_page(user=request.user, org=org, year=year)
    if kept.dashboard is None:  # the first count is under way (or failed)
        crumbs = selectors.breadcrumb(user=request.user, org=org)
        return render(
            request,
            "dashboards/waiting.html",
            {
                "title": org.name,
                "org": org,
                "year": year,
                "years": _years(today),
                "kept": kept,
                "poll_seconds": snapshots.POLL_SECONDS,
                "crumbs": [(o, charts.dashboard_url(o, year)) for o in crumbs],
            },
        )
    return render(request, "dashboards/home.html", _kept_figures(kept, today))


@login_required
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    """The fragment a kept dashboard polls while its figures are being counted; when figures
    other than those on the page (``shown``) are ready, it tells htmx to reload the page."""
    org = selectors.org_for(user=request.user, raw=request.GET.get("org", ""))
    year = year_from(request.GET.get("year"))
    kept = snapshots.kept(user=request.user, org=org, year=year, with_figures=False)
    response = render(
        request,
        "dashboards/status.html",
        {"kept": kept, "org": org, "year": year, "poll_seconds": snapshots.POLL_SECONDS},
    )
    if kept.built_at and kept.stamp != request.GET.get("shown", "") and not kept.building:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """重新统计: count a wide organisation's figures again in the background."""
    org = selectors.org_for(user=request.user, raw=request.POST.get("org", ""))
    year = year_from(request.POST.get("year"))
    if snapshots.served_from_snapshot(org):
        _s, queued = snapshots.request_build(user=request.user, org=org, year=year)
        if queued:
            messages.success(request, _("已开始重新统计，统计完成后页面会自动更新。"))
        else:
            messages.info(request, _("正在统计中，请稍候，统计完成后页面会自动更新。"))
    return redirect(charts.dashboard_url(org, year))
