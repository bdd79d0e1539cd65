"""Pages of the staff roster (社区工作者, SPEC §9): a community's roster with its staffing
against the quotas; above a community, each community's staffing and the shortfalls rolled up;
adding, changing and a worker leaving; the 社区工作者花名册 (.xlsx)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit, rules
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for, subtree_q
from dangjian.core.forms import add_service_errors
from dangjian.core.formviews import bound_form, rerender_on_error
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.members.models import Member, State
from dangjian.orgs.models import Organisation
from dangjian.orgs.selectors.communities import community_for
from dangjian.training.selectors import SCHOOL_RULES, staff_compliance

from . import selectors, services
from .forms import LeaveForm, StaffForm
from .models import Staff

PAGE_SIZE = 100


def _org(request: HttpRequest) -> Organisation | None:
    if not scope_for(request.user).is_staff_role:
        raise Http404
    raw = request.GET.get("org", "")
    if raw:
        return get_visible_or_404(
            Organisation.objects.all(), request.user, pk=raw if raw.isdigit() else 0
        )
    # the top-most organisation the user is responsible for: a town secretary lands on the
    # town's staffing, a community secretary on the roster
    top = (
        Organisation.objects.filter(path__in=scope_for(request.user).view_paths, is_active=True)
        .order_by("depth", "path")
        .first()
    )
    return top or community_for(user=request.user)


def _members(community: Organisation):  # noqa: ANN202 - a queryset
    return (
        Member.objects.filter(subtree_q("org__path", community.path), state=State.ACTIVE)
        .select_related("org")
        .order_by("name", "pk")
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    if org is None:
        return render(request, "staff/home.html", {"org": None})
    today = timezone.localdate()
    can_change = scope_for(request.user).reaches_path(org.path, CHANGE)
    context = {"org": org, "today": today, "can_change": can_change}
    if org.is_community:
        (row,) = selectors.staffing([org], on=today)
        page = Paginator(
            selectors.staff_visible(user=request.user, community=org, on=today), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        trained = staff_compliance(list(page), year=today.year, org=org)
        context |= {
            "staffing": row,
            "page": page,
            "workers": trained,
            "untrained": sum(1 for t in trained if not t.met),
            "rule": rules.get(row.rule_id),
            "school_rules": [rules.get(r) for _lv, r in SCHOOL_RULES],
        }
    else:
        communities = selectors.communities_under(user=request.user, org=org)
        rows = selectors.staffing(communities, on=today)
        untrained: dict[int, int] = {}
        everyone = list(
            Staff.objects.visible_to(request.user).filter(community__in=communities).current(today)
        )
        for t in staff_compliance(everyone, year=today.year, org=org):
            untrained[t.staff.community_id] = untrained.get(t.staff.community_id, 0) + (not t.met)
        for r in rows:
            r.untrained = untrained.get(r.community.pk, 0)
        context |= {
            "rows": rows,
            "total": selectors.rollup(rows),
            "keys": [(k, selectors.quota_label(k)) for k, _a, _b in selectors.QUOTA_KEYS],
            "rules_shown": [rules.get(selectors.SEAT_RULE), rules.get(selectors.TOWN_RULE)],
        }
    if can_change:
        context["ending"] = list(
            selectors.seconded_ending(user=request.user, org=org, on=today).select_related(
                "community"
            )[:20]
        )
    return render(request, "staff/home.html", context)


def _community(request: HttpRequest) -> Organisation:
    org = _org(request)
    if org is None or not org.is_community:
        raise Http404
    if not scope_for(request.user).reaches_path(org.path, CHANGE):
        raise Http404
    return org


def _form_data(form: StaffForm) -> dict:
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    data["sub_post"] = data.get("sub_post") or ""
    return data


@login_required
def create(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    form = StaffForm(request.POST or None, members=_members(community))
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_create(acting_user=request.user, community=community, **_form_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已加入社区工作者名册。"))
            return redirect(f"{_home_url()}?org={community.pk}")
    return render(request, "staff/form.html", {"form": form, "org": community, "staff": None})


def _home_url() -> str:
    from django.urls import reverse

    return reverse("staff:home")


def _staff(request: HttpRequest, pk: int) -> Staff:
    return get_visible_or_404(
        Staff.objects.select_related("community", "member"), request.user, CHANGE, pk=pk
    )


@login_required
def edit(request: HttpRequest, pk: int, bound: dict | None = None) -> HttpResponse:
    staff = _staff(request, pk)
    initial = {f: getattr(staff, f) for f in services.FIELDS} | {"version": staff.version}
    posted = request.method == "POST" and bound is None  # not the leave form shown again
    form = StaffForm(
        request.POST if posted else None, initial=initial, members=_members(staff.community)
    )
    if posted and form.is_valid():
        try:
            services.staff_update(
                acting_user=request.user,
                staff=staff,
                version=form.cleaned_data.get("version") or 0,
                **_form_data(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存。"))
            return redirect(f"{_home_url()}?org={staff.community_id}")
    leave = bound_form(bound, "leave") or LeaveForm(
        initial={"left_on": timezone.localdate(), "version": staff.version}
    )
    return render(
        request,
        "staff/form.html",
        {"form": form, "org": staff.community, "staff": staff, "leave": leave},
    )


@login_required
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    staff = _staff(request, pk)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.staff_leave(
                acting_user=request.user,
                staff=staff,
                on=form.cleaned_data["left_on"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            return rerender_on_error(edit, request, form, exc, name="leave", pk=staff.pk)
        messages.success(request, _("已登记离岗：%(n)s。") % {"n": staff.name})
        return redirect(f"{_home_url()}?org={staff.community_id}")
    return rerender_on_error(edit, request, form, name="leave", pk=staff.pk)


@login_required
def export(request: HttpRequest) -> FileResponse:
    """社区工作者花名册 (.xlsx): everyone in post today at or below the organisation."""
    org = _org(request)
    if org is None:
        raise Http404
    today = timezone.localdate()
    qs = (
        Staff.objects.visible_to(request.user)
        .filter(subtree_q("community__path", org.path))
        .current(today)
        .select_related("community", "member")
        .order_by("community__path", "kind", "sub_post", "name", "pk")
    )
    fh, count = write_table(
        sheet=_("社区工作者花名册"),
        title=_("%(o)s 社区工作者花名册（%(d)s）") % {"o": org.name, "d": today.isoformat()},
        columns=[
            (_("社区"), 24),
            (_("姓名"), 10),
            (_("编制类型"), 10),
            (_("公益性岗位类别"), 12),
            (_("岗位"), 16),
            (_("到岗日期"), 12),
            (_("党员"), 8),
            (_("下派干部"), 8),
            (_("派出单位"), 20),
            (_("下派期满"), 12),
        ],
        rows=(
            [
                s.community.name,
                s.name,
                s.get_kind_display(),
                s.get_sub_post_display() if s.sub_post else "",
                s.post,
                s.started_on,
                _("是") if s.member_id else _("否"),
                _("是") if s.is_seconded else "",
                s.seconded_from,
                s.seconded_until,
            ]
            for s in qs
        ),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="staff.staff",
        changes={"rows": count, "on": today.isoformat()},
        scope_path=org.path,
    )
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('社区工作者花名册')}-{today.isoformat()}.xlsx"
    )


app_name = "staff"
urlpatterns = [
    path("", home, name="home"),
    path("new/", create, name="create"),
    path("<int:pk>/", edit, name="edit"),
    path("<int:pk>/leave/", leave, name="leave"),
    path("export/", export, name="export"),
]
