"""Pages of 督查与整改: the list (by organisation, year, form, open / overdue), one inspection with
its findings and tasks (overdue first), the forms to record and edit it, add findings and tasks,
close a task with evidence and reopen it, the evidence document, and the 督查整改台帐 (.xlsx).

Everything starts from the scoped querysets: an inspection outside the user's reach is a 404, as is
a form the user may not use (the inspecting side records and edits; the inspected side closes).
"""

from __future__ import annotations

import datetime as dt
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
from dangjian.core.access import export_scope_path, scope_for
from dangjian.core.files import private_file
from dangjian.core.forms import DATE_FORMATS, add_service_errors
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table

from . import selectors, services
from .forms import CloseForm, FindingForm, FollowUpForm, InspectionForm, ReopenForm
from .models import Event, Finding, FollowUp, Inspection, Kind

PAGE_SIZE = 30


def _date(raw: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _filters(request: HttpRequest) -> dict[str, Any]:
    """The list's and the export's filters from the query string; an organisation out of reach
    is a 404."""
    raw_org = request.GET.get("org", "")
    org = None
    if raw_org:
        org = selectors.org_in_reach(request.user, raw_org)
        if org is None:
            raise Http404
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    return {
        "org": org,
        "year": year,
        "kind": kind if kind in Kind.values else "",
        "state": state if state in selectors.STATES else "",
        "start": _date(request.GET.get("start", "")),
        "end": _date(request.GET.get("end", "")),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The inspections the user reaches, newest first, 30 a page, with their tasks counted."""
    today = timezone.localdate()
    f = _filters(request)
    qs = selectors.inspections(
        user=request.user,
        today=today,
        org=f["org"],
        year=f["year"],
        kind=f["kind"],
        state=f["state"],
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/home.html",
        {
            "page": page,
            "f": f,
            "orgs": selectors.orgs_to_filter(request.user),
            "kinds": Kind.choices,
            "years": range(today.year, today.year - 6, -1),
            "may_record": selectors.inspecting_choices(request.user).exists(),
            "today": today,
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """Record an inspection (the inspecting side: a changing grant on a street, town or county)."""
    inspecting = selectors.inspecting_choices(request.user)
    if not inspecting.exists():
        raise Http404
    inspected = selectors.inspected_choices(request.user)
    form = InspectionForm(request.POST or None, inspecting=inspecting, inspected=inspected)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            row = services.inspection_record(
                acting_user=request.user,
                inspecting=d["inspecting"],
                inspected=d["inspected"],
                kind=d["kind"],
                date=d["date"],
                inspectors=d["inspectors"],
                summary=d.get("summary", ""),
                findings=form.finding_lines(),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已记录督查。请在每条问题下布置整改任务。"))
            return redirect("inspections:detail", pk=row.pk)
    if request.method == "GET":
        form.initial = {"date": timezone.localdate()}
        if inspecting.count() == 1:
            form.initial["inspecting"] = inspecting.first()
        raw = request.GET.get("org", "")
        if raw.isdigit():
            form.initial["inspected"] = int(raw)
    form.mark_errors()
    return render(request, "inspections/form.html", {"form": form, "title": _("记录督查")})


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    try:
        return selectors.inspection_detail(user=request.user, pk=pk)
    except Inspection.DoesNotExist:
        raise Http404 from None


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One inspection: its findings, each with its tasks — overdue first — and their history."""
    inspection = _inspection(request, pk)
    today = timezone.localdate()
    findings = list(inspection.findings.all())
    may_inspect = services.may_inspect(request.user, inspection)
    for f in findings:
        f.tasks = selectors.sort_tasks(list(f.follow_ups.all()), today)
        for t in f.tasks:
            t.may_close = t.is_open and services.may_close(request.user, t, inspection)
            t.overdue = t.is_overdue(today)
    tasks = [t for f in findings for t in f.tasks]
    return render(
        request,
        "inspections/detail.html",
        {
            "inspection": inspection,
            "findings": findings,
            "may_inspect": may_inspect,
            "n_overdue": sum(1 for t in tasks if t.overdue),
            "n_open": sum(1 for t in tasks if t.is_open),
            "n_tasks": len(tasks),
            "finding_form": FindingForm(),
            "today": today,
        },
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an inspection's form, date, inspectors or summary (the inspecting side)."""
    inspection = _inspection(request, pk)
    if not services.may_inspect(request.user, inspection):
        raise Http404
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.inspection_update(
                acting_user=request.user,
                inspection=inspection,
                version=d.get("version"),
                kind=d["kind"],
                date=d["date"],
                inspectors=d["inspectors"],
                summary=d.get("summary", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("inspections:detail", pk=inspection.pk)
    if request.method == "GET":
        form.initial = {
            "version": inspection.version,
            "kind": inspection.kind,
            "date": inspection.date,
            "inspectors": inspection.inspectors,
            "summary": inspection.summary,
        }
    form.mark_errors()
    return render(
        request,
        "inspections/form.html",
        {"form": form, "title": _("修改督查记录"), "inspection": inspection},
    )


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    if not services.may_inspect(request.user, inspection):
        raise Http404
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            services.finding_add(
                acting_user=request.user, inspection=inspection, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已添加问题。"))
    else:
        messages.error(request, _("请填写发现的问题（不超过 500 字）。"))
    return redirect("inspections:detail", pk=inspection.pk)


def _finding(request: HttpRequest, pk: int) -> Finding:
    found = (
        Finding.objects.visible_to(request.user)
        .select_related("inspection__inspecting", "inspection__inspected")
        .filter(pk=pk)
        .first()
    )
    if found is None or not services.may_inspect(request.user, found.inspection):
        raise Http404
    return found


def _task(request: HttpRequest, pk: int) -> FollowUp:
    found = (
        FollowUp.objects.visible_to(request.user)
        .select_related("finding__inspection__inspecting", "finding__inspection__inspected")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


@login_required
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    """布置整改任务 under a finding (the inspecting side)."""
    finding = _finding(request, pk)
    inspection = finding.inspection
    form = FollowUpForm(request.POST or None, owners=services.owners_for(inspection.inspected))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.followup_add(
                acting_user=request.user,
                finding=finding,
                task=d["task"],
                owner=d.get("owner"),
                owner_name=d.get("owner_name", ""),
                deadline=d.get("deadline"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已布置整改任务。"))
            return redirect("inspections:detail", pk=inspection.pk)
    if request.method == "GET":
        form.initial = {"deadline": services.default_deadline(inspection)}
    form.mark_errors()
    return render(
        request,
        "inspections/task_form.html",
        {
            "form": form,
            "finding": finding,
            "inspection": inspection,
            "title": _("布置整改任务"),
            "days": services.default_deadline(inspection) - inspection.date,
        },
    )


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a task's text, owner or deadline (the inspecting side)."""
    task = _task(request, pk)
    inspection = task.finding.inspection
    if not services.may_inspect(request.user, inspection):
        raise Http404
    form = FollowUpForm(request.POST or None, owners=services.owners_for(inspection.inspected))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.followup_update(
                acting_user=request.user,
                follow_up=task,
                version=d.get("version"),
                task=d["task"],
                owner=d.get("owner"),
                owner_name=d.get("owner_name", ""),
                deadline=d.get("deadline") or task.deadline,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("inspections:detail", pk=inspection.pk)
    if request.method == "GET":
        form.initial = {
            "version": task.version,
            "task": task.task,
            "owner": task.owner_id,
            "owner_name": task.owner_name,
            "deadline": task.deadline,
        }
    form.mark_errors()
    return render(
        request,
        "inspections/task_form.html",
        {
            "form": form,
            "finding": task.finding,
            "inspection": inspection,
            "title": _("修改整改任务"),
        },
    )


@login_required
def task_close(request: HttpRequest, pk: int) -> HttpResponse:
    """完成整改 with evidence (the inspected side, the inspecting side, or the task's owner)."""
    task = _task(request, pk)
    inspection = task.finding.inspection
    if not services.may_close(request.user, task, inspection):
        raise Http404
    form = CloseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.followup_close(
                acting_user=request.user,
                follow_up=task,
                version=d.get("version"),
                on=d["on"],
                evidence=d["evidence"],
                link=d.get("link", ""),
                upload=d.get("file"),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已完成整改，整改情况已记录。"))
            return redirect("inspections:detail", pk=inspection.pk)
    if request.method == "GET":
        form.initial = {"version": task.version, "on": timezone.localdate()}
    form.mark_errors()
    return render(
        request,
        "inspections/close.html",
        {"form": form, "task": task, "inspection": inspection},
    )


@login_required
@require_POST
def task_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen a closed task with a reason (the inspecting side)."""
    task = _task(request, pk)
    inspection = task.finding.inspection
    if not services.may_inspect(request.user, inspection):
        raise Http404
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.followup_reopen(
                acting_user=request.user,
                follow_up=task,
                version=form.cleaned_data.get("version"),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已重新打开，原整改记录仍保留。"))
    else:
        messages.error(request, _("请写明重新打开的理由。"))
    return redirect("inspections:detail", pk=inspection.pk)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence document, to whoever reaches the inspection — always as a download."""
    event = Event.objects.visible_to(request.user).filter(pk=pk).exclude(file="").first()
    if event is None:
        raise Http404
    return private_file(event.file, filename=event.file_name or None)


@login_required
def export(request: HttpRequest) -> FileResponse:
    """督查整改台帐 (.xlsx): one row per task of the inspections in the period (this year by
    default), by organisation and state."""
    if not scope_for(request.user).is_staff_role:
        raise Http404
    today = timezone.localdate()
    f = _filters(request)
    year = f["year"] or today.year
    start = f["start"] or dt.date(year, 1, 1)
    end = f["end"] or dt.date(year, 12, 31)
    rows = selectors.ledger_rows(
        user=request.user, today=today, org=f["org"], start=start, end=end, state=f["state"]
    )

    def state(t: FollowUp) -> str:
        if t.closed_on:
            return _("已完成") if t.closed_on <= t.deadline else _("逾期完成")
        return _("逾期未完成") if t.deadline < today else _("整改中")

    fh, count = write_table(
        sheet=_("督查整改台帐"),
        title=_("%(o)s 督查整改台帐（%(s)s 至 %(e)s）")
        % {
            "o": f["org"].name if f["org"] else "",
            "s": start.isoformat(),
            "e": end.isoformat(),
        },
        columns=[
            (_("督查日期"), 12),
            (_("形式"), 10),
            (_("督查组织"), 20),
            (_("被督查组织"), 22),
            (_("督查人员"), 18),
            (_("序号"), 6),
            (_("发现的问题"), 40),
            (_("整改任务"), 40),
            (_("责任人"), 12),
            (_("整改时限"), 12),
            (_("状态"), 10),
            (_("完成日期"), 12),
            (_("整改情况"), 40),
            (_("平台内记录"), 24),
            (_("附件"), 20),
        ],
        rows=(
            [
                t.finding.inspection.date,
                t.finding.inspection.get_kind_display(),
                t.finding.inspection.inspecting.name,
                t.finding.inspection.inspected.name,
                t.finding.inspection.inspectors,
                t.finding.order,
                t.finding.text,
                t.task,
                t.owner_name,
                t.deadline,
                state(t),
                t.closed_on,
                t.closure.text if t.closure else "",
                t.closure.link if t.closure else "",
                t.closure.file_name if t.closure else "",
            ]
            for t in rows.iterator(chunk_size=500)
        ),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="inspections.followup",
        changes={"rows": count, "start": start.isoformat(), "end": end.isoformat()},
        scope_path=export_scope_path(request.user, f["org"].path if f["org"] else None),
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('督查整改台帐')}-{start}-{end}.xlsx")


def inspection_url(inspection: Inspection) -> str:
    return reverse("inspections:detail", args=[inspection.pk])


app_name = "inspections"
urlpatterns = [
    path("", home, name="home"),
    path("new/", create, name="create"),
    path("export/", export, name="export"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/findings/new/", finding_add, name="finding_add"),
    path("findings/<int:pk>/tasks/new/", task_add, name="task_add"),
    path("tasks/<int:pk>/edit/", task_edit, name="task_edit"),
    path("tasks/<int:pk>/close/", task_close, name="task_close"),
    path("tasks/<int:pk>/reopen/", task_reopen, name="task_reopen"),
    path("files/<int:pk>/", evidence_file, name="file"),
]
