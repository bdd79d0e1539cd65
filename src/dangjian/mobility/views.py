"""Pages of mobile members. Thin: forms check input, selectors read, services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, export_scope_path, get_visible_or_404, scope_for
from dangjian.core.forms import add_service_errors, org_options
from dangjian.core.models import AuditEntry
from dangjian.orgs.export_filters import period_from
from dangjian.orgs.models import Organisation

from . import exports, selectors, services
from .forms import ContactForm, OutboundEditForm, OutboundForm, ReturnForm

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> dict[str, Any]:
    raw_org = request.GET.get("org", "")
    org = None
    if raw_org:
        org = get_visible_or_404(
            Organisation.objects.all(), request.user, pk=raw_org if raw_org.isdigit() else 0
        )
    state = request.GET.get("state", "") or selectors.OUT
    if state not in selectors.STATES:
        state = selectors.OUT
    sort = request.GET.get("sort", "") or "warn"
    if sort not in selectors.SORTS:
        sort = "warn"
    return {
        "org": org,
        "state": state,
        "q": request.GET.get("q", "").strip(),
        "warn_only": request.GET.get("warn") == "1",
        "sort": sort,
    }


def _query(request: HttpRequest, f: dict[str, Any]):
    return selectors.outbounds_visible(
        user=request.user,
        org=f["org"],
        state=f["state"],
        q=f["q"],
        warn_only=f["warn_only"],
        sort=f["sort"],
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Members away from home, those needing attention first."""
    f = _filters(request)
    page = Paginator(_query(request, f), PAGE_SIZE).get_page(request.GET.get("page"))
    scope = scope_for(request.user)
    return render(
        request,
        "mobility/list.html",
        {
            "page": page,
            "rows": selectors.rows(page),
            "filters": f,
            "org_options": org_options(request.user, f["org"].pk if f["org"] else None),
            "sorts": [
                ("warn", _("需要处理的在前")),
                ("left_on", _("外出日期（新的在前）")),
                ("valid", _("活动证到期日")),
                ("name", _("姓名")),
            ],
            "can_create": scope.everything or bool(scope.change_paths),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """流动党员台帐: the filtered list (every page) as .xlsx, logged as an export. With a period
    (``?year=`` or ``?from=&to=``): those away at some time in it, returned or not (unless a
    state is asked for)."""
    f = _filters(request)
    period = period_from(request)
    if period and not request.GET.get("state"):
        f["state"] = selectors.ALL
    qs = _query(request, f)
    if period:
        qs = qs.filter(period.overlaps("left_on", "returned_on"))
    rows = selectors.rows(qs)
    today = selectors.today()
    title = _("流动党员台帐") + (f"（{f['org'].name}）" if f["org"] else "")
    if period:
        title += f"（{period.text}）"
    fh, count = exports.write_xlsx(
        title=f"{title}  {_('导出日期')}：{today.isoformat()}", rows=exports.ledger_rows(rows)
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        object_repr=_("流动党员台帐导出（%(n)d 条）") % {"n": count},
        changes={
            "filters": {
                "org": f["org"].pk if f["org"] else None,
                "state": f["state"],
                "q": f["q"],
                "warn": f["warn_only"],
                **period.as_dict(),
            },
            "rows": count,
        },
        scope_path=export_scope_path(request.user, f["org"].path if f["org"] else None),
        ip=request.META.get("REMOTE_ADDR"),
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('流动党员台帐')}-{today:%Y%m%d}.xlsx")


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """外出登记."""
    if request.method == "POST":
        form = OutboundForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                outbound = services.outbound_create(
                    acting_user=request.user, **form.service_kwargs()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已登记 %(n)s 外出。") % {"n": outbound.member.name})
                return redirect("mobility:detail", pk=outbound.pk)
    else:
        initial: dict[str, Any] = {}
        member = request.GET.get("member", "")
        if member.isdigit():
            initial["member"] = int(member)
        form = OutboundForm(user=request.user, initial=initial)
    if not scope_for(request.user).change_paths and not request.user.is_superuser:
        raise Http404
    return render(
        request, "mobility/form.html", {"form": form, "title": _("流动党员外出登记"), "o": None}
    )


def _open(request: HttpRequest, pk: int, action: str = "view"):
    outbound = selectors.outbound_for(user=request.user, pk=pk, action=action)
    if outbound is None:
        raise Http404
    return outbound


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    outbound = _open(request, pk)
    can_change = scope_for(request.user).reaches_path(outbound.member.org.path, CHANGE)
    (row,) = selectors.rows([outbound])
    return render(
        request,
        "mobility/detail.html",
        {
            "o": outbound,
            "alerts": row.alerts,
            "contacts": selectors.contacts(outbound=outbound),
            "history": selectors.history(outbound=outbound),
            "can_change": can_change,
            "contact_form": ContactForm(initial={"date": selectors.today()})
            if can_change
            else None,
        },
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the card (换发), the paired contact or the destination."""
    outbound = _open(request, pk, CHANGE)
    if request.method == "POST":
        form = OutboundEditForm(request.POST, user=request.user, member=outbound.member)
        if form.is_valid():
            try:
                services.outbound_update(
                    outbound,
                    data=form.service_data(),
                    acting_user=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("mobility:detail", pk=outbound.pk)
    else:
        initial = {f: getattr(outbound, f) for f in services.EDITABLE_FIELDS}
        initial["contact_member"] = outbound.contact_member_id
        initial["version"] = outbound.version
        form = OutboundEditForm(user=request.user, member=outbound.member, initial=initial)
    return render(
        request,
        "mobility/form.html",
        {
            "form": form,
            "title": _("修改外出登记：%(n)s") % {"n": outbound.member.name},
            "o": outbound,
        },
    )


@login_required
@require_POST
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a contact to the log (the form sits on the detail page)."""
    outbound = _open(request, pk, CHANGE)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_add(outbound=outbound, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加联系记录。"))
            return redirect("mobility:detail", pk=outbound.pk)
    (row,) = selectors.rows([outbound])
    return render(
        request,
        "mobility/detail.html",
        {
            "o": outbound,
            "alerts": row.alerts,
            "contacts": selectors.contacts(outbound=outbound),
            "history": selectors.history(outbound=outbound),
            "can_change": True,
            "contact_form": form,
        },
    )


@login_required
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    """流动返回."""
    outbound = _open(request, pk, CHANGE)
    if request.method == "POST":
        form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                services.outbound_return(
                    outbound,
                    acting_user=request.user,
                    returned_on=form.cleaned_data["returned_on"],
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已登记 %(n)s 返回。") % {"n": outbound.member.name})
                return redirect("mobility:detail", pk=outbound.pk)
    else:
        form = ReturnForm(initial={"returned_on": selectors.today(), "version": outbound.version})
    return render(request, "mobility/return.html", {"form": form, "o": outbound})
