"""Pages of work admission (社区工作准入制): entrustments filed by departments and decided by the
town; a community's tasks in hand, those without an approved entrustment flagged and declinable;
the register of ledgers departments demand, with how many this platform prints; the .xlsx ledger."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, ancestor_paths, get_visible_or_404, scope_for, subtree_q
from dangjian.core.forms import add_service_errors
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, OrgKind
from dangjian.orgs.selectors.communities import community_for

from . import selectors, services
from .forms import DecideForm, EntrustmentForm, LedgerMapForm, TaskForm
from .models import DemandedLedger, Department, Entrustment, State, Task

PAGE_SIZE = 50


def _departments_of(user) -> list[Department]:  # noqa: ANN001
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Department.objects.filter(contacts=user).select_related("county"))


def _county(user) -> Organisation | None:  # noqa: ANN001
    """The county the user works in: above their grants, or their department's."""
    scope = scope_for(user)
    paths = {a for p in scope.view_paths for a in ancestor_paths(p)}
    if scope.everything:
        return Organisation.objects.filter(kind=OrgKind.COUNTY).order_by("path").first()
    found = Organisation.objects.filter(kind=OrgKind.COUNTY, path__in=paths).first()
    if found is None:
        deps = _departments_of(user)
        found = deps[0].county if deps else None
    return found


def _org(request: HttpRequest) -> Organisation | None:
    raw = request.GET.get("org", "")
    if raw:
        return get_visible_or_404(
            Organisation.objects.all(), request.user, pk=raw if raw.isdigit() else 0
        )
    return None


def _may_enter(request: HttpRequest) -> None:
    if not (scope_for(request.user).is_staff_role or _departments_of(request.user)):
        raise Http404


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _may_enter(request)
    org = _org(request)
    state = request.GET.get("state", "")
    qs = selectors.entrustments_visible(user=request.user, org=org, state=state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "admission/home.html",
        {
            "org": org,
            "page": page,
            "state": state,
            "states": State.choices,
            "departments": _departments_of(request.user),
            "community": community_for(user=request.user),
        },
    )


def _communities_for_filing(request: HttpRequest):  # noqa: ANN202 - a queryset
    scope = scope_for(request.user)
    q = Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS), is_active=True)
    allowed = Organisation.objects.none()
    for dep in _departments_of(request.user):
        allowed = allowed | q.filter(subtree_q("path", dep.county.path))
    for p in scope.change_paths:
        allowed = allowed | q.filter(subtree_q("path", p))
    if scope.everything:
        allowed = q
    return allowed.distinct().order_by("path")


@login_required
def create(request: HttpRequest) -> HttpResponse:
    _may_enter(request)
    deps = _departments_of(request.user)
    county = _county(request.user)
    departments = (
        Department.objects.filter(pk__in=[d.pk for d in deps])
        if deps
        else Department.objects.filter(county=county)
    )
    form = EntrustmentForm(
        request.POST or None,
        departments=departments,
        communities=_communities_for_filing(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            e = services.entrustment_file(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("委托已提交，等待镇（街道）审核。"))
            return redirect("admission:detail", pk=e.pk)
    return render(request, "admission/create.html", {"form": form})


def _entrustment(request: HttpRequest, pk: int) -> Entrustment:
    return get_visible_or_404(
        Entrustment.objects.select_related("department", "community", "decided_by"),
        request.user,
        pk=pk,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    e = _entrustment(request, pk)
    town = services.town_of(e.community)
    may_decide = (
        e.state == State.FILED
        and town is not None
        and scope_for(request.user).reaches_path(town.path, CHANGE)
    )
    form = DecideForm(request.POST or None, initial={"version": e.version})
    if request.method == "POST":
        if not may_decide:
            raise Http404
        if form.is_valid():
            try:
                services.entrustment_decide(
                    acting_user=request.user,
                    entrustment=e,
                    approve=form.cleaned_data["decision"] == "approve",
                    reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已审核。"))
                return redirect("admission:detail", pk=e.pk)
    return render(
        request,
        "admission/detail.html",
        {"e": e, "town": town, "may_decide": may_decide, "form": form},
    )


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).is_staff_role:
        raise Http404
    community = community_for(user=request.user, raw=request.GET.get("org", ""))
    if community is None:
        raise Http404
    can_change = scope_for(request.user).reaches_path(community.path, CHANGE)
    county = _county(request.user)
    form = TaskForm(
        request.POST or None,
        departments=Department.objects.filter(county=county),
        entrustments=Entrustment.objects.visible_to(request.user).filter(community=community),
        initial={"received_on": timezone.localdate()},
    )
    if request.method == "POST":
        if not can_change:
            raise Http404
        if form.is_valid():
            try:
                services.task_record(
                    acting_user=request.user, community=community, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已登记在办事项。"))
                return redirect(f"{reverse('admission:tasks')}?org={community.pk}")
    page = Paginator(
        selectors.tasks_in_hand(user=request.user, community=community), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    unadmitted = (
        Task.objects.filter(community=community, status=Task.Status.DOING)
        .exclude(entrustment__state=State.APPROVED)
        .count()
    )
    return render(
        request,
        "admission/tasks.html",
        {
            "community": community,
            "page": page,
            "form": form,
            "can_change": can_change,
            "unadmitted": unadmitted,
        },
    )


@login_required
@require_POST
def task_decline(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(
        Task.objects.select_related("community", "entrustment"), request.user, CHANGE, pk=pk
    )
    try:
        services.task_decline(
            acting_user=request.user, task=task, version=int(request.POST.get("version") or 0)
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已拒绝承接：%(t)s。") % {"t": task.title})
    return redirect(f"{reverse('admission:tasks')}?org={task.community_id}")


@login_required
def ledgers(request: HttpRequest) -> HttpResponse:
    """The register of ledgers each department demands, and how many print from this platform."""
    _may_enter(request)
    county = _county(request.user)
    if county is None:
        raise Http404
    departments, coverage = selectors.ledger_register(county)
    can_map = scope_for(request.user).reaches_path(county.path, CHANGE)
    return render(
        request,
        "admission/ledgers.html",
        {
            "county": county,
            "departments": departments,
            "coverage": coverage,
            "can_map": can_map,
            "map_form": LedgerMapForm() if can_map else None,
        },
    )


@login_required
@require_POST
def ledger_map(request: HttpRequest, pk: int) -> HttpResponse:
    ledger = get_object_or_404(DemandedLedger.objects.select_related("department__county"), pk=pk)
    if not scope_for(request.user).reaches_path(ledger.department.county.path, CHANGE):
        raise Http404
    form = LedgerMapForm(request.POST)
    if form.is_valid():
        before = ledger.export
        ledger.export = form.cleaned_data["export"]
        ledger.save(update_fields=["export"])
        audit.record(
            action=AuditEntry.Action.UPDATE,
            obj=ledger,
            acting_user=request.user,
            changes={"export": {"before": before, "after": ledger.export}},
            scope_path=ledger.department.county.path,
        )
        messages.success(request, _("已更新：%(n)s。") % {"n": ledger.name})
    return redirect("admission:ledgers")


@login_required
def export(request: HttpRequest) -> FileResponse:
    """工作准入台帐 (.xlsx): the entrustments the user may see, under an organisation."""
    _may_enter(request)
    org = _org(request)
    qs = selectors.entrustments_visible(user=request.user, org=org)
    fh, count = write_table(
        sheet=_("工作准入台帐"),
        title=_("%(o)s 工作准入台帐") % {"o": org.name if org else _("全部")},
        columns=[
            (_("提交日期"), 12),
            (_("委托部门"), 18),
            (_("承接社区"), 22),
            (_("委托事项"), 36),
            (_("质量要求"), 24),
            (_("工作标准"), 24),
            (_("完成时限"), 12),
            (_("随事经费（元）"), 14),
            (_("状态"), 10),
            (_("审核日期"), 12),
            (_("审核意见"), 24),
        ],
        rows=(
            [
                e.filed_on,
                e.department.name,
                e.community.name,
                e.task,
                e.quality,
                e.standard,
                e.deadline,
                float(e.funding),
                e.get_state_display(),
                e.decided_on,
                e.reason,
            ]
            for e in qs
        ),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="admission.entrustment",
        changes={"rows": count},
        scope_path=org.path if org else "",
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('工作准入台帐')}.xlsx")


app_name = "admission"
urlpatterns = [
    path("", home, name="home"),
    path("new/", create, name="create"),
    path("<int:pk>/", detail, name="detail"),
    path("tasks/", tasks, name="tasks"),
    path("tasks/<int:pk>/decline/", task_decline, name="task_decline"),
    path("ledgers/", ledgers, name="ledgers"),
    path("ledgers/<int:pk>/", ledger_map, name="ledger_map"),
    path("export/", export, name="export"),
]
