"""Pages of 党内统计 and the national-system exports. Thin: the selectors count, the services
write the audited exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.dbrouter import replica_ok
from dangjian.core.models import AuditEntry
from dangjian.members.selectors import org_choices
from dangjian.orgs.models import Organisation

from . import exports, selectors, services
from .periods import Period, period_from


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _org_options(user: object, selected: int) -> SafeString:
    """``<option>``s of the organisation menu, the tree shown by indenting."""
    rows = org_choices(user=user, selected=selected)
    base = min((r[2] for r in rows), default=0)
    return format_html_join(
        "",
        '<option value="{}"{}>{}{}</option>',
        (
            (pk, " selected" if pk == selected else "", "\u3000" * (depth - base), name)
            for pk, name, depth, _path in rows
        ),
    )


def _params(request: HttpRequest) -> tuple[Organisation, Period]:
    """The organisation (a grant must reach it, else 404) and the period asked for."""
    org = selectors.org_for(request.user, request.GET.get("org", "").strip())
    if org is None:
        raise Http404
    return org, period_from(request.GET.get("on", ""), request.GET.get("since", ""))


@login_required
@replica_ok
def home(request: HttpRequest) -> HttpResponse:
    org, period = _params(request)
    stats = selectors.statistics(org=org, on=period.on, since=period.since)
    t = stats.orgs
    # On the page only the settings and types that have organisations: a phone shows the
    # whole table without scrolling sideways (the workbook keeps the full form).
    types = [(k, label) for k, label in t.types if t.column_total(k)]
    org_rows = [
        (label, [t.cells.get((s, k), 0) for k, _l in types], t.row_total(s))
        for s, label in t.settings
        if t.row_total(s)
    ]
    return render(
        request,
        "partystats/home.html",
        {
            "stats": stats,
            "errors": period.messages,
            "org_options": _org_options(request.user, org.pk),
            "org_types": types,
            "org_rows": org_rows,
            "org_totals": [t.column_total(k) for k, _l in types],
            "may_export_national": selectors.may_export_national(request.user, org),
            "query": f"org={org.pk}&on={period.on.isoformat()}&since={period.since.isoformat()}",
        },
    )


@login_required
@replica_ok
def export(request: HttpRequest) -> HttpResponse:
    """The statistics as .xlsx (aggregates only: no person is named), logged as an export. A
    scope of more members than ``DANGJIAN_BACKGROUND_ROWS`` (a street, a county) is counted by
    the worker: the user watches its page and downloads the same file from there."""
    org, period = _params(request)
    from django.conf import settings

    from dangjian.background import kinds
    from dangjian.background import services as background

    size = kinds.members_under(org)
    if size > settings.DANGJIAN_BACKGROUND_ROWS:
        job = background.request_export(
            acting_user=request.user,
            kind=kinds.PARTY_STATISTICS,
            params={"org": org.pk, "on": period.on.isoformat(), "since": period.since.isoformat()},
            title=_("%(org)s 党内统计（截至 %(on)s）")
            % {"org": org.name, "on": period.on.isoformat()},
            filename=f"{_('党内统计')}-{org.name}-{period.on:%Y%m%d}.xlsx",
            scope_path=org.path,
            total=size,
            ip=_client_ip(request),
        )
        return redirect("background:detail", pk=job.pk)
    stats = selectors.statistics(org=org, on=period.on, since=period.since)
    fh = exports.statistics_workbook(stats)
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=org,
        acting_user=request.user,
        object_repr=_("%(org)s 党内统计导出（截至 %(on)s）")
        % {"org": org.name, "on": period.on.isoformat()},
        changes={"on": period.on.isoformat(), "since": period.since.isoformat()},
        ip=_client_ip(request),
    )
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('党内统计')}-{org.name}-{period.on:%Y%m%d}.xlsx"
    )


def _national_org(request: HttpRequest) -> Organisation:
    """The organisation of a national-system export: a changing grant must reach it. Anyone
    else — a viewer too — gets the 404 a missing organisation gets."""
    org = selectors.org_for(request.user, request.GET.get("org", "").strip())
    if org is None or not selectors.may_export_national(request.user, org):
        raise Http404
    return org


@login_required
def national_members_export(request: HttpRequest) -> HttpResponse:
    org = _national_org(request)
    fh, _count = services.national_members_export(
        acting_user=request.user, org=org, ip=_client_ip(request)
    )
    today = timezone.localdate()
    response = FileResponse(
        fh, as_attachment=True, filename=f"{_('党员信息')}-{org.name}-{today:%Y%m%d}.xlsx"
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def national_orgs_export(request: HttpRequest) -> HttpResponse:
    org = _national_org(request)
    fh, _count = services.national_orgs_export(
        acting_user=request.user, org=org, ip=_client_ip(request)
    )
    today = timezone.localdate()
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('党组织信息')}-{org.name}-{today:%Y%m%d}.xlsx"
    )
