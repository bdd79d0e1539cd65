"""Pages of member development. Thin: forms check input, selectors read, services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, export_scope_path, get_visible_or_404, scope_for
from dangjian.core.forms import add_service_errors, org_options
from dangjian.core.models import AuditEntry
from dangjian.orgs.export_filters import period_from
from dangjian.orgs.models import Organisation

from . import exports, selectors, services, timing
from .forms import CandidateCreateForm, StepForm
from .models import PIPELINE_STAGES, Candidate, Stage, Step
from .timing import BLOCK, SERIOUS

PAGE_SIZE = 50


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _filters(request: HttpRequest) -> dict[str, Any]:
    """The pipeline's filters from the query string; an organisation the user may not see is a
    404, the same as a missing one."""
    raw_org = request.GET.get("org", "")
    org = None
    if raw_org:
        org = get_visible_or_404(
            Organisation.objects.all(), request.user, pk=raw_org if raw_org.isdigit() else 0
        )
    stage = request.GET.get("stage", "") or selectors.IN_PROGRESS
    if stage not in (*Stage.values, selectors.IN_PROGRESS, selectors.ANY_STAGE):
        stage = selectors.IN_PROGRESS
    return {
        "org": org,
        "stage": stage,
        "q": request.GET.get("q", "").strip(),
        "overdue": request.GET.get("overdue") == "1",
    }


@login_required
def pipeline(request: HttpRequest) -> HttpResponse:
    """Everyone on the way in, in columns by stage, each with what is due next and by when."""
    f = _filters(request)
    qs = selectors.candidates_visible(user=request.user, org=f["org"], stage=f["stage"], q=f["q"])
    counts = selectors.stage_counts(
        selectors.candidates_visible(user=request.user, org=f["org"], stage=selectors.ANY_STAGE)
    )
    if f["overdue"]:
        # overdue is a fact of the dates and today, not a column: the whole list is checked
        rows = [r for r in selectors.pipeline_rows(qs) if r.due and r.due.overdue]
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        page_rows = list(page)
    else:
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        page_rows = selectors.pipeline_rows(page)
    shown = (
        [f["stage"]]
        if f["stage"] in Stage.values
        else list(Stage.values if f["stage"] == selectors.ANY_STAGE else PIPELINE_STAGES)
    )
    columns = [
        {
            "stage": s,
            "label": Stage(s).label,
            "count": counts.get(s, 0),
            "rows": [r for r in page_rows if r.candidate.stage == s],
        }
        for s in shown
    ]
    scope = scope_for(request.user)
    return render(
        request,
        "development/pipeline.html",
        {
            "page": page,
            "columns": columns,
            "filters": f,
            "counts": counts,
            "org_options": org_options(request.user, f["org"].pk if f["org"] else None),
            "stages": Stage.choices,
            "can_create": scope.everything or bool(scope.change_paths),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """发展党员工作台帐: the filtered list (every page) as .xlsx, logged as an export. With a
    period (``?year=`` or ``?from=&to=``): those in the pipeline at some time in it — applied by
    its end, not made full or stopped before its start — at any stage unless one is asked for."""
    f = _filters(request)
    period = period_from(request)
    if period and not request.GET.get("stage"):
        f["stage"] = selectors.ANY_STAGE
    qs = selectors.candidates_visible(user=request.user, org=f["org"], stage=f["stage"], q=f["q"])
    if period:
        qs = qs.filter(
            period.overlaps("applied_on", "full_on") & period.overlaps("applied_on", "stopped_on")
        )
    rows = selectors.pipeline_rows(qs)
    if f["overdue"]:
        rows = [r for r in rows if r.due and r.due.overdue]
    today = selectors.today()
    title = _("发展党员工作台帐") + (f"（{f['org'].name}）" if f["org"] else "")
    if period:
        title += f"（{period.text}）"
    fh, count = exports.write_xlsx(
        title=f"{title}  {_('导出日期')}：{today.isoformat()}", rows=exports.ledger_rows(rows)
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        object_repr=_("发展党员工作台帐导出（%(n)d 人）") % {"n": count},
        changes={
            "filters": {
                "org": f["org"].pk if f["org"] else None,
                "stage": f["stage"],
                "q": f["q"],
                "overdue": f["overdue"],
                **period.as_dict(),
            },
            "rows": count,
        },
        scope_path=export_scope_path(request.user, f["org"].path if f["org"] else None),
        ip=_client_ip(request),
    )
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('发展党员工作台帐')}-{today:%Y%m%d}.xlsx"
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """Register a person who has handed in an application for membership."""
    if request.method == "POST":
        form = CandidateCreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                outcome = services.candidate_create(
                    acting_user=request.user, **form.service_kwargs()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("已登记入党申请人 %(n)s。") % {"n": outcome.candidate.name}
                )
                return redirect("development:detail", pk=outcome.candidate.pk)
    else:
        initial: dict[str, Any] = {}
        org = request.GET.get("org", "")
        if org.isdigit():
            initial["org"] = int(org)
        form = CandidateCreateForm(user=request.user, initial=initial)
    if not form.fields["org"].queryset.exists():
        raise Http404
    return render(request, "development/form.html", {"form": form, "title": _("登记入党申请人")})


def _detail(request: HttpRequest, candidate: Candidate, revealed: str = "") -> HttpResponse:
    can_change = scope_for(request.user).reaches_path(candidate.org.path, CHANGE)
    steps = services.steps_allowed(candidate) if can_change else []
    rules = selectors.RulesByOrg()
    due = timing.next_due(candidate, today=selectors.today(), r=rules(candidate.org))
    response = render(
        request,
        "development/detail.html",
        {
            "c": candidate,
            "due": due,
            "revealed_number": revealed,
            "timeline": selectors.timeline(candidate=candidate),
            "can_change": can_change,
            "steps": [(s, Step(s).label, s in services.GRAVE_STEPS) for s in steps],
            "content_type": ContentType.objects.get_for_model(Candidate) if can_change else None,
            "BLOCK": BLOCK,
            "SERIOUS": SERIOUS,
        },
    )
    if revealed:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_for(user=request.user, pk=pk)
    if candidate is None:
        raise Http404
    return _detail(request, candidate)


@login_required
@require_POST
def reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """The full ID number, on purpose and logged (htmx swaps in just the number)."""
    candidate = selectors.candidate_for(user=request.user, pk=pk, action=CHANGE)
    if candidate is None:
        raise Http404
    number = services.candidate_reveal_id(
        candidate, acting_user=request.user, ip=_client_ip(request)
    )
    if not getattr(request, "htmx", False):
        return _detail(request, candidate, revealed=number)
    response = HttpResponse(
        format_html('<span class="font-monospace" id="id-number">{}</span>', number)
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Record one step (a talk, a decision, training, approval, 转正 …) for one person."""
    candidate = selectors.candidate_for(user=request.user, pk=pk, action=CHANGE)
    if candidate is None or step not in services.RECORDABLE_STEPS:
        raise Http404
    allowed = step in services.steps_allowed(candidate)
    if request.method == "POST" and allowed:
        form = StepForm(request.POST, step=step, candidate=candidate, user=request.user)
        if form.is_valid():
            try:
                outcome = services.candidate_record(
                    candidate=candidate,
                    step=step,
                    acting_user=request.user,
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已记录：%(k)s。") % {"k": Step(step).label})
                for finding in outcome.findings:
                    messages.warning(request, finding.message)
                return redirect("development:detail", pk=candidate.pk)
    else:
        form = StepForm(step=step, candidate=candidate, user=request.user)
    return render(
        request,
        "development/step_form.html",
        {
            "form": form,
            "c": candidate,
            "step": step,
            "step_label": Step(step).label,
            "allowed": allowed,
            "grave": step in services.GRAVE_STEPS,
        },
    )
