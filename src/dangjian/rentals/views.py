"""Pages of the 出租房屋/流动人口 register, kept with the community police office (警务室).

Need-to-know (:mod:`dangjian.grid.access`): a changing grant on the community (its secretaries and
the officers of its police office, given such a grant) or a grid cadre's duty on the area. For
anyone else the register does not exist (404). Lists show ID numbers masked; opening a dwelling
or a tenant is written to the audit trail (a read), and so is showing a full ID number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import get_visible_or_404
from dangjian.core.forms import add_service_errors, parse_date
from dangjian.core.formviews import bound_form, rerender_on_error
from dangjian.core.models import AuditEntry
from dangjian.grid.access import reaches_grid
from dangjian.orgs.models import Organisation, Place, PlaceKind

from . import exports, imports, selectors, services
from .forms import DwellingForm, ImportForm, MoveOutForm, TenantForm
from .models import Dwelling, Tenant

app_name = "rentals"
PAGE_SIZE = 50
MAX_BYTES = 30 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 200


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _gate(request: HttpRequest) -> None:
    if not reaches_grid(request.user):
        raise Http404


def _places(user: Any) -> Any:
    return services.HouseholdQuerySet(model=Place).visible_to(user)


def _filters(request: HttpRequest) -> dict[str, Any]:
    """``org`` (a community the user reaches) and ``area`` (a place the user reaches): anything
    else is a 404, the same as a missing one."""
    _gate(request)
    raw_org, raw_area = request.GET.get("org", ""), request.GET.get("area", "")
    org = area = None
    if raw_org:
        org = (
            selectors.reachable_communities(request.user)
            .filter(pk=int(raw_org) if raw_org.isdigit() else 0)
            .first()
        )
        if org is None:
            raise Http404
    if raw_area:
        area = _places(request.user).filter(pk=int(raw_area) if raw_area.isdigit() else 0).first()
        if area is None or area.kind == PlaceKind.HOUSEHOLD:
            raise Http404
    return {
        "org": org,
        "area": area,
        "start": parse_date(request.GET.get("start")),
        "end": parse_date(request.GET.get("end")),
    }


def _choices(request: HttpRequest, org: Organisation | None) -> dict[str, Any]:
    communities = selectors.reachable_communities(request.user).order_by("path")
    areas = _places(request.user).filter(kind=PlaceKind.GRID).order_by("path")
    if org is not None:
        areas = areas.filter(community=org)
    return {"communities": communities[:300], "areas": areas[:300]}


def _query(f: dict[str, Any]) -> str:
    parts = []
    if f["org"] is not None:
        parts.append(f"org={f['org'].pk}")
    if f["area"] is not None:
        parts.append(f"area={f['area'].pk}")
    return "&".join(parts)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """出租房屋: the dwellings the user reaches, current tenants counted, 50 a page."""
    f = _filters(request)
    qs = selectors.dwellings(user=request.user, org=f["org"], area=f["area"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for d in page:
        d.area_label = selectors.area_label(d.household)
    return render(
        request,
        "rentals/home.html",
        {"page": page, "f": f, "query": _query(f), **_choices(request, f["org"])},
    )


@login_required
def tenants(request: HttpRequest) -> HttpResponse:
    """流动人口: permits expiring within the rule's days first; ID numbers masked."""
    f = _filters(request)
    state = request.GET.get("state", "current")
    state = state if state in ("current", "out", "all") else "current"
    today = timezone.localdate()
    days = selectors.reminder_days(f["org"])
    qs = selectors.tenants(
        user=request.user, org=f["org"], area=f["area"], state=state, today=today, days=days
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for t in page:
        t.area_label = selectors.area_label(t.dwelling.household)
    return render(
        request,
        "rentals/tenants.html",
        {
            "page": page,
            "f": f,
            "state": state,
            "days": days,
            "today": today,
            "query": _query(f),
            **_choices(request, f["org"]),
        },
    )


def _dwelling(request: HttpRequest, pk: int) -> Dwelling:
    return get_visible_or_404(
        Dwelling.objects.select_related(*selectors.PLACE_RELATED), request.user, pk=pk
    )


def _tenant(request: HttpRequest, pk: int) -> Tenant:
    return get_visible_or_404(
        Tenant.objects.select_related(*(f"dwelling__{r}" for r in selectors.PLACE_RELATED)),
        request.user,
        pk=pk,
    )


@login_required
def dwelling_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dwelling = _dwelling(request, pk)
    audit.record_read(dwelling, acting_user=request.user, ip=_ip(request))
    today = timezone.localdate()
    days = selectors.reminder_days(dwelling.household.community)
    people = list(dwelling.tenants.order_by(F("move_out").asc(nulls_first=True), "-move_in", "pk"))
    soon = today + dt.timedelta(days=days)
    for t in people:
        t.expiring = bool(not t.move_out and t.permit_expires and t.permit_expires <= soon)
    form = TenantForm(initial={"move_in": today})
    return render(
        request,
        "rentals/dwelling.html",
        {
            "dwelling": dwelling,
            "area": selectors.area_label(dwelling.household),
            "people": people,
            "form": form,
            "days": days,
        },
    )


@login_required
def dwelling_create(request: HttpRequest) -> HttpResponse:
    _gate(request)
    form = DwellingForm(request.POST or None, initial={"rented_since": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        where = data.pop("household").strip()
        households = services.households_reachable(request.user).filter(
            Q(name=where) | Q(address=where)
        )
        found = list(households[:2])
        if len(found) != 1:
            msg = (
                _("找不到“%(w)s”这一户（或不在您负责的社区、网格中）。")
                if not found
                else _("“%(w)s”对应多户，请填写完整地址。")
            )
            form.add_error("household", msg % {"w": where})
        else:
            try:
                dwelling = services.dwelling_register(
                    acting_user=request.user, household=found[0], **data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已登记出租房屋。"))
                return redirect("rentals:dwelling", pk=dwelling.pk)
    return render(request, "rentals/form.html", {"form": form, "title": _("登记出租房屋")})


@login_required
def dwelling_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dwelling = _dwelling(request, pk)
    initial = {f: getattr(dwelling, f) for f in services.DWELLING_FIELDS}
    form = DwellingForm(
        request.POST or None, initial={**initial, "version": dwelling.version}, editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.dwelling_update(
                dwelling, data=data, acting_user=request.user, expected_version=version
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("rentals:dwelling", pk=dwelling.pk)
    return render(
        request,
        "rentals/form.html",
        {"form": form, "title": _("修改出租房屋"), "back": dwelling},
    )


@login_required
def tenant_create(request: HttpRequest, pk: int) -> HttpResponse:
    dwelling = _dwelling(request, pk)
    form = TenantForm(request.POST or None, initial={"move_in": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            tenant = services.tenant_add(
                acting_user=request.user, dwelling=dwelling, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记流动人口。"))
            return redirect("rentals:tenant", pk=tenant.pk)
    return render(
        request,
        "rentals/form.html",
        {"form": form, "title": _("登记流动人口"), "back": dwelling},
    )


def _tenant_page(
    request: HttpRequest, tenant: Tenant, revealed: str = "", bound: dict | None = None
) -> HttpResponse:
    days = selectors.reminder_days(tenant.dwelling.household.community)
    soon = timezone.localdate() + dt.timedelta(days=days)
    response = render(
        request,
        "rentals/tenant.html",
        {
            "tenant": tenant,
            "area": selectors.area_label(tenant.dwelling.household),
            "revealed_number": revealed,
            "expiring": bool(
                not tenant.move_out and tenant.permit_expires and tenant.permit_expires <= soon
            ),
            "days": days,
            "move_out_form": bound_form(bound, "move_out_form")
            or MoveOutForm(initial={"version": tenant.version, "move_out": timezone.localdate()}),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def tenant_detail(request: HttpRequest, pk: int, bound: dict | None = None) -> HttpResponse:
    tenant = _tenant(request, pk)
    audit.record_read(tenant, acting_user=request.user, ip=_ip(request))
    return _tenant_page(request, tenant, bound=bound)


@login_required
@require_POST
def tenant_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full ID number, on purpose and logged (as for members)."""
    tenant = _tenant(request, pk)
    number = services.tenant_reveal_id(tenant, acting_user=request.user, ip=_ip(request))
    if not getattr(request, "htmx", False):
        return _tenant_page(request, tenant, revealed=number)
    response = HttpResponse(
        format_html('<span class="font-monospace" id="id-number">{}</span>', number)
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def tenant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _tenant(request, pk)
    initial = {f: getattr(tenant, f) for f in services.TENANT_FIELDS}
    form = TenantForm(
        request.POST or None, initial={**initial, "version": tenant.version}, editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if not data.get("id_number"):
            data.pop("id_number", None)
        try:
            services.tenant_update(
                tenant, data=data, acting_user=request.user, expected_version=version
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("rentals:tenant", pk=tenant.pk)
    return render(
        request,
        "rentals/form.html",
        {"form": form, "title": _("修改流动人口信息"), "back_tenant": tenant},
    )


@login_required
@require_POST
def tenant_move_out(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = _tenant(request, pk)
    form = MoveOutForm(request.POST)
    again = {"name": "move_out_form", "pk": tenant.pk}
    if not form.is_valid():
        return rerender_on_error(tenant_detail, request, form, **again)
    try:
        services.tenant_move_out(
            tenant,
            move_out=form.cleaned_data["move_out"],
            acting_user=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:  # a ConflictError too: said above the form
        return rerender_on_error(tenant_detail, request, form, exc, **again)
    messages.success(request, _("已登记搬离。"))
    return redirect("rentals:tenant", pk=tenant.pk)


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    """Import a community's register (one sheet of tenants): all rows or none."""
    _gate(request)
    communities = selectors.reachable_communities(request.user).order_by("path")
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = community = None
    if request.method == "POST" and form.is_valid():
        raw = request.POST.get("org", "")
        community = communities.filter(pk=int(raw) if raw.isdigit() else 0).first()
        f = form.cleaned_data["file"]
        if community is None:
            form.add_error(None, _("请选择社区。"))
        elif f.size > MAX_BYTES:
            form.add_error("file", _("文件太大，请小于 30 MB。"))
        else:
            try:
                outcome = imports.import_file(
                    acting_user=request.user,
                    community=community,
                    data=f.read(),
                    filename=f.name,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except (ValidationError, PermissionDenied) as exc:
                msgs = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                form.add_error("file", "；".join(msgs))
    problems = outcome.problems if outcome else []
    return render(
        request,
        "rentals/import.html",
        {
            "form": form,
            "communities": communities[:300],
            "community": community,
            "outcome": outcome,
            "problems": problems[:MAX_PROBLEMS_SHOWN],
            "more": max(0, len(problems) - MAX_PROBLEMS_SHOWN),
            "dry_run": outcome is not None and form.cleaned_data.get("dry_run"),
            "columns": [label for label, _v in imports.FIELDS.values()],
            "required": [imports.FIELDS[f][0] for f in imports.REQUIRED],
        },
    )


def _period(f: dict[str, Any]) -> tuple[dt.date, dt.date]:
    year = timezone.localdate().year
    return f["start"] or dt.date(year, 1, 1), f["end"] or dt.date(year, 12, 31)


def _file(fh: Any, name: str) -> FileResponse:
    response = FileResponse(fh, as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_dwellings(request: HttpRequest) -> FileResponse:
    """出租房屋台帐 (.xlsx) by community/area and period."""
    f = _filters(request)
    start, end = _period(f)
    fh, count = exports.dwellings_ledger(
        user=request.user, org=f["org"], area=f["area"], start=start, end=end
    )
    _log_export(request, f, "rentals.dwellings", count, start, end, full=False)
    return _file(fh, f"出租房屋台帐_{start:%Y%m%d}-{end:%Y%m%d}.xlsx")


@login_required
def export_tenants(request: HttpRequest) -> FileResponse:
    """流动人口台帐 (.xlsx) by community/area and period; ID numbers masked unless ``full_ids=1``,
    which is logged as a reveal."""
    f = _filters(request)
    start, end = _period(f)
    full = request.GET.get("full_ids") == "1"
    fh, count = exports.tenants_ledger(
        user=request.user, org=f["org"], area=f["area"], start=start, end=end, full_ids=full
    )
    _log_export(request, f, "rentals.tenants", count, start, end, full=full)
    return _file(fh, f"流动人口台帐_{start:%Y%m%d}-{end:%Y%m%d}.xlsx")


def _log_export(
    request: HttpRequest,
    f: dict[str, Any],
    what: str,
    count: int,
    start: dt.date,
    end: dt.date,
    *,
    full: bool,
) -> None:
    org = f["org"]
    scope_path = org.path if org is not None else ""
    changes = {"rows": count, "start": start.isoformat(), "end": end.isoformat()}
    if f["area"] is not None:
        changes["area"] = f["area"].pk
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field=what,
        changes=changes,
        scope_path=scope_path,
        ip=_ip(request),
    )
    if full:
        audit.record(
            action=AuditEntry.Action.REVEAL,
            obj=None,
            acting_user=request.user,
            field="id_number",
            changes={**changes, "what": what},
            scope_path=scope_path,
            ip=_ip(request),
        )


urlpatterns = [
    path("", home, name="home"),
    path("new/", dwelling_create, name="dwelling_create"),
    path("import/", import_view, name="import"),
    path("export/dwellings/", export_dwellings, name="export_dwellings"),
    path("export/tenants/", export_tenants, name="export_tenants"),
    path("<int:pk>/", dwelling_detail, name="dwelling"),
    path("<int:pk>/edit/", dwelling_edit, name="dwelling_edit"),
    path("<int:pk>/tenants/new/", tenant_create, name="tenant_create"),
    path("tenants/", tenants, name="tenants"),
    path("tenants/<int:pk>/", tenant_detail, name="tenant"),
    path("tenants/<int:pk>/edit/", tenant_edit, name="tenant_edit"),
    path("tenants/<int:pk>/move-out/", tenant_move_out, name="tenant_move_out"),
    path("tenants/<int:pk>/reveal/", tenant_reveal, name="tenant_reveal"),
]
