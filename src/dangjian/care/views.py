"""Pages of care: the care list, one member's care record with its visits and aid, the holiday
plan, the visit ledger. Thin: forms check input, selectors read, services write. (The
mutual-aid fund's pages are in views_aid.py.)"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, export_scope_path, get_visible_or_404, scope_for
from dangjian.core.forms import add_service_errors, org_options
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Organisation

from . import exports, holidays, selectors, services
from .forms import EndForm, RecipientEditForm, RecipientForm, RoundVisitForm, VisitFields
from .models import VisitKind

PAGE_SIZE = 50


def org_filter(request: HttpRequest) -> Organisation | None:
    raw = request.GET.get("org", "")
    if not raw:
        return None
    return get_visible_or_404(
        Organisation.objects.all(), request.user, pk=raw if raw.isdigit() else 0
    )


def year_filter(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


def log_export(request: HttpRequest, *, what: str, count: int, org: Any, filters: dict) -> None:
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        object_repr=_("%(w)s导出（%(n)d 条）") % {"w": what, "n": count},
        changes={"filters": filters, "rows": count},
        scope_path=export_scope_path(request.user, org.path if org else None),
        ip=request.META.get("REMOTE_ADDR"),
    )


def can_change_any(user: Any) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.change_paths)


def _filters(request: HttpRequest) -> dict[str, Any]:
    state = request.GET.get("state", "") or selectors.CURRENT
    sort = request.GET.get("sort", "") or "name"
    reason = request.GET.get("reason", "")
    return {
        "org": org_filter(request),
        "state": state if state in selectors.STATES else selectors.CURRENT,
        "reason": reason if reason in selectors.REASONS else "",
        "q": request.GET.get("q", "").strip(),
        "sort": sort if sort in selectors.SORTS else "name",
    }


def _query(request: HttpRequest, f: dict[str, Any]):
    return selectors.recipients_visible(
        user=request.user,
        org=f["org"],
        state=f["state"],
        reason=f["reason"],
        q=f["q"],
        sort=f["sort"],
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """关爱对象: the list, with the next holiday's visiting status above it."""
    f = _filters(request)
    page = Paginator(_query(request, f), PAGE_SIZE).get_page(request.GET.get("page"))
    today = selectors.today()
    return render(
        request,
        "care/list.html",
        {
            "page": page,
            "filters": f,
            "org_options": org_options(request.user, f["org"].pk if f["org"] else None),
            "sorts": [
                ("name", _("姓名")),
                ("org", _("党组织")),
                ("since", _("列入日期（新的在前）")),
                ("visited", _("最久未走访的在前")),
            ],
            "reasons": [
                ("elderly", _("年老")),
                ("weak", _("体弱多病")),
                ("hardship", _("生活困难")),
                ("project", _("有发展项目")),
            ],
            "next_holidays": holidays.upcoming(today=today, org=f["org"], count=2),
            "today": today,
            "can_create": can_change_any(request.user),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """关爱对象名册 (.xlsx): the filtered list, every page."""
    f = _filters(request)
    recipients = list(_query(request, f))
    today = selectors.today()
    title = _("关爱对象名册") + (f"（{f['org'].name}）" if f["org"] else "")
    fh, count = exports.recipients_xlsx(
        title=f"{title}  {_('导出日期')}：{today.isoformat()}", recipients=recipients
    )
    log_export(
        request,
        what=_("关爱对象名册"),
        count=count,
        org=f["org"],
        filters={
            "org": f["org"].pk if f["org"] else None,
            "state": f["state"],
            "reason": f["reason"],
            "q": f["q"],
        },
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('关爱对象名册')}-{today:%Y%m%d}.xlsx")


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """列入关爱对象."""
    if not can_change_any(request.user):
        raise Http404
    if request.method == "POST":
        form = RecipientForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                r = services.recipient_add(acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已将 %(n)s 列入关爱对象。") % {"n": r.member.name})
                return redirect("care:detail", pk=r.pk)
    else:
        initial: dict[str, Any] = {"since": selectors.today()}
        member = request.GET.get("member", "")
        if member.isdigit():
            initial["member"] = int(member)
        form = RecipientForm(user=request.user, initial=initial)
    return render(request, "care/form.html", {"form": form, "title": _("列入关爱对象"), "r": None})


def _open(request: HttpRequest, pk: int, action: str = "view"):
    r = selectors.recipient_for(user=request.user, pk=pk, action=action)
    if r is None:
        raise Http404
    return r


def _detail(request: HttpRequest, r: Any, visit_form: Any = None) -> HttpResponse:
    can_change = scope_for(request.user).reaches_path(r.member.org.path, CHANGE)
    if visit_form is None and can_change and r.ended_on is None:
        today = selectors.today()
        coming = holidays.upcoming(today=today, org=r.member.org, count=1)
        visit_form = VisitFields(
            initial={
                "date": today,
                "kind": VisitKind.HOLIDAY,
                "holiday": coming[0].brk.key if coming else "",
            },
            prefix="visit",
        )
    return render(
        request,
        "care/detail.html",
        {
            "r": r,
            "visits": selectors.visits_of(r),
            "grants": selectors.grants_of(r),
            "can_change": can_change,
            "visit_form": visit_form,
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _open(request, pk))


@login_required
@require_POST
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a visit to this member (the form sits on the detail page)."""
    r = _open(request, pk, CHANGE)
    form = VisitFields(request.POST, prefix="visit")
    if form.is_valid():
        try:
            services.visit_add(recipient=r, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已记录。"))
            return redirect("care:detail", pk=r.pk)
    return _detail(request, r, form)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    r = _open(request, pk, CHANGE)
    if r.ended_on is not None:
        raise Http404
    if request.method == "POST":
        form = RecipientEditForm(request.POST)
        if form.is_valid():
            try:
                services.recipient_update(
                    r,
                    data=form.service_data(),
                    acting_user=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("care:detail", pk=r.pk)
    else:
        initial = {f: getattr(r, f) for f in services.EDITABLE_FIELDS} | {"version": r.version}
        form = RecipientEditForm(initial=initial)
    title = _("修改关爱对象：%(n)s") % {"n": r.member.name}
    return render(request, "care/form.html", {"form": form, "title": title, "r": r})


@login_required
def end(request: HttpRequest, pk: int) -> HttpResponse:
    """移出名单."""
    r = _open(request, pk, CHANGE)
    if request.method == "POST":
        form = EndForm(request.POST)
        if form.is_valid():
            try:
                services.recipient_end(
                    r,
                    acting_user=request.user,
                    ended_on=form.cleaned_data["ended_on"],
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已将 %(n)s 移出关爱对象名单。") % {"n": r.member.name})
                return redirect("care:detail", pk=r.pk)
    else:
        form = EndForm(initial={"ended_on": selectors.today(), "version": r.version})
    title = _("移出关爱对象名单：%(n)s") % {"n": r.member.name}
    return render(request, "care/form.html", {"form": form, "title": title, "r": r, "end": True})


# --- holiday plan ------------------------------------------------------------------------------


@login_required
def holiday_plan(request: HttpRequest) -> HttpResponse:
    """节日慰问计划: the coming holidays, who has been visited for each; visits of a round of
    homes are recorded at once."""
    org = org_filter(request)
    plans = selectors.holiday_plan(user=request.user, org=org)
    form = None
    if request.method == "POST":
        if not can_change_any(request.user):
            raise Http404
        form = RoundVisitForm(request.POST, user=request.user)
        if form.is_valid():
            d = dict(form.cleaned_data)
            recipients = d.pop("recipients")
            try:
                done = services.visits_add(recipients=recipients, acting_user=request.user, **d)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已记录 %(n)d 户的节日慰问。") % {"n": len(done)})
                url = request.path + (f"?org={org.pk}" if org else "")
                return redirect(url)
    return render(
        request,
        "care/holidays.html",
        {
            "plans": plans,
            "org": org,
            "org_options": org_options(request.user, org.pk if org else None),
            "today": selectors.today(),
            "form": form,
            "can_change": can_change_any(request.user),
            "holiday_kind": VisitKind.HOLIDAY,
        },
    )


# --- visits ledger -----------------------------------------------------------------------------


def _visit_filters(request: HttpRequest) -> dict[str, Any]:
    kind = request.GET.get("kind", "")
    return {
        "org": org_filter(request),
        "kind": kind if kind in VisitKind.values else "",
        "year": year_filter(request),
        "q": request.GET.get("q", "").strip(),
    }


def _visits(request: HttpRequest, f: dict[str, Any]):
    return selectors.visits_visible(
        user=request.user, org=f["org"], kind=f["kind"], year=f["year"], q=f["q"]
    )


@login_required
def visits(request: HttpRequest) -> HttpResponse:
    """慰问送学台帐."""
    f = _visit_filters(request)
    qs = _visits(request, f)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    this_year = selectors.today().year
    totals = qs.order_by().aggregate(n=Count("pk"), money=Sum("money"))
    return render(
        request,
        "care/visits.html",
        {
            "page": page,
            "filters": f,
            "org_options": org_options(request.user, f["org"].pk if f["org"] else None),
            "kinds": VisitKind.choices,
            "years": list(range(this_year, this_year - 6, -1)),
            "totals": totals,
            "can_change": can_change_any(request.user),
        },
    )


@login_required
def visits_export(request: HttpRequest) -> HttpResponse:
    f = _visit_filters(request)
    today = selectors.today()
    kind_label = dict(VisitKind.choices).get(f["kind"], "")
    name = _("慰问送学台帐")
    title = (
        f"{f['year'] or ''}{name}"
        + (f"（{kind_label}）" if kind_label else "")
        + (f"（{f['org'].name}）" if f["org"] else "")
    )
    fh, count = exports.visits_xlsx(
        title=f"{title}  {_('导出日期')}：{today.isoformat()}", visits=_visits(request, f)
    )
    log_export(
        request,
        what=name,
        count=count,
        org=f["org"],
        filters={
            "org": f["org"].pk if f["org"] else None,
            "kind": f["kind"],
            "year": f["year"],
            "q": f["q"],
        },
    )
    return FileResponse(fh, as_attachment=True, filename=f"{name}-{today:%Y%m%d}.xlsx")


@login_required
def visit_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """撤销一条误录的记录 (a confirmation page, then POST)."""
    v = selectors.visit_for(user=request.user, pk=pk, action=CHANGE)
    if v is None:
        raise Http404
    if request.method == "POST":
        rid = v.recipient_id
        try:
            services.visit_withdraw(v, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已撤销该条记录。"))
        return redirect("care:detail", pk=rid)
    return render(request, "care/withdraw.html", {"v": v})
