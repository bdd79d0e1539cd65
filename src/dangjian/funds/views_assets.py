"""Pages of the fixed-asset register (固定资产台帐): the list, adding an asset, disposing of one,
and the exports — the register and the yearly count sheet (盘点表)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit
from dangjian.core.access import CHANGE, get_visible_or_404
from dangjian.core.forms import add_service_errors, org_options
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table

from . import selectors, services
from .forms import AssetForm, DisposeForm
from .models import Asset
from .views import PAGE_SIZE, can_change, org_of, staff_only


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@login_required
def assets(request: HttpRequest) -> HttpResponse:
    """The assets of an organisation (and those below it), those in hand first."""
    if not staff_only_or_none(request):
        return render(request, "funds/assets.html", {"org": None})
    org = org_of(request)
    if org is None:
        return render(request, "funds/assets.html", {"org": None})
    show_all = request.GET.get("show") == "all"
    qs = selectors.assets(user=request.user, org=org, include_disposed=show_all)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funds/assets.html",
        {
            "org": org,
            "page": page,
            "show_all": show_all,
            "total": selectors.assets_total(qs),
            "can_change": can_change(request, org),
            "year": timezone.localdate().year,
            "org_options": org_options(request.user, org.pk),
        },
    )


def staff_only_or_none(request: HttpRequest) -> bool:
    """Staff go on; a plain member asking for an organisation gets a 404, else an empty page."""
    try:
        staff_only(request)
    except Http404:
        if request.GET.get("org"):
            raise
        return False
    return True


@login_required
def asset_create(request: HttpRequest) -> HttpResponse:
    org = org_of(request, action=CHANGE)
    if org is None:
        raise Http404
    form = AssetForm(request.POST or None, initial={"acquired_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            a = services.asset_create(acting_user=request.user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记固定资产“%(n)s”。") % {"n": a.name})
            return redirect(f"{reverse('funds:assets')}?org={org.pk}")
    return render(request, "funds/asset_form.html", {"form": form, "org": org})


@login_required
def asset_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    asset = get_visible_or_404(Asset.objects.select_related("org"), request.user, CHANGE, pk=pk)
    form = DisposeForm(
        request.POST or None,
        initial={"disposed_on": timezone.localdate(), "version": asset.version},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.asset_dispose(
                acting_user=request.user,
                asset=asset,
                disposed_on=d["disposed_on"],
                reason=d["reason"],
                expected_version=d["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记处置：%(n)s。") % {"n": asset.name})
            return redirect(f"{reverse('funds:assets')}?org={asset.org_id}&show=all")
    return render(request, "funds/asset_dispose.html", {"form": form, "asset": asset})


def _export_audit(request: HttpRequest, org: Any, what: str, count: int, **extra: Any) -> None:
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field=what,
        changes={"rows": count, **extra},
        scope_path=org.path,
    )


@login_required
def assets_export(request: HttpRequest) -> FileResponse:
    """固定资产台帐 (.xlsx): every asset of the organisation and below, disposed ones included."""
    org = org_of(request)
    if org is None:
        raise Http404
    qs = selectors.assets(user=request.user, org=org)
    fh, count = write_table(
        sheet=_("固定资产台帐"),
        title=_("%(o)s 固定资产台帐") % {"o": org.name},
        columns=[
            (_("资产编号"), 12),
            (_("资产名称"), 20),
            (_("规格型号"), 16),
            (_("数量"), 8),
            (_("原值（元）"), 12),
            (_("购置日期"), 12),
            (_("存放地点"), 16),
            (_("保管人"), 10),
            (_("所属组织"), 20),
            (_("处置日期"), 12),
            (_("处置原因"), 20),
            (_("备注"), 20),
        ],
        rows=(
            [
                a.code,
                a.name,
                a.spec,
                a.quantity,
                float(a.value),
                a.acquired_on,
                a.venue,
                a.custodian,
                a.org.name,
                a.disposed_on,
                a.disposal_reason,
                a.note,
            ]
            for a in qs.iterator(chunk_size=500)
        ),
    )
    _export_audit(request, org, "funds.asset", count)
    return FileResponse(fh, as_attachment=True, filename=f"{_('固定资产台帐')}.xlsx")


@login_required
def assets_count(request: HttpRequest) -> FileResponse:
    """盘点表 (.xlsx) of a year: what the books say is in hand on 31 December, with empty
    columns for what the count finds."""
    org = org_of(request)
    if org is None:
        raise Http404
    year = _year(request)
    day = dt.date(year, 12, 31)
    qs = selectors.assets(user=request.user, org=org, held_on=day)
    fh, count = write_table(
        sheet=_("盘点表"),
        title=_("%(o)s 固定资产盘点表（%(y)d 年 12 月 31 日）") % {"o": org.name, "y": year},
        columns=[
            (_("资产编号"), 12),
            (_("资产名称"), 20),
            (_("规格型号"), 16),
            (_("存放地点"), 16),
            (_("保管人"), 10),
            (_("账面数量"), 10),
            (_("账面原值（元）"), 14),
            (_("实盘数量"), 10),
            (_("盘盈（+）/ 盘亏（−）"), 14),
            (_("使用状况"), 12),
            (_("备注"), 20),
        ],
        rows=(
            [
                a.code,
                a.name,
                a.spec,
                a.venue,
                a.custodian,
                a.quantity,
                float(a.value),
                None,
                None,
                "",
                a.note,
            ]
            for a in qs.iterator(chunk_size=500)
        ),
    )
    _export_audit(request, org, "funds.asset_count", count, year=year)
    return FileResponse(fh, as_attachment=True, filename=f"{_('固定资产盘点表')}-{year}.xlsx")
