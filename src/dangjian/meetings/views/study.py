"""Pages: study groups by member category (分类学习) — the list, create/edit, a group with its
sessions and each member's attendance over the year, picking members (search), and a new session
(a meeting of kind STUDY naming the group; attendance is then taken on the meeting's page).
Only for those holding a grant; everybody else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import CHANGE, scope_for
from dangjian.core.forms import add_service_errors
from dangjian.core.services import ConflictError
from dangjian.members.models import Category

from .. import services
from .. import services_bodies as svc
from ..forms_bodies import StudyGroupForm, StudySessionForm
from ..models import MeetingKind
from ..selectors import study as sel
from .bodies import PER_PAGE, _year, _years, link_prefix


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()][:500]


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("org", "")
    org = sel.org_or_404(user=request.user, pk=raw) if raw else None
    page = Paginator(sel.groups_visible(user=request.user, org=org), PER_PAGE).get_page(
        request.GET.get("page")
    )
    labels = dict(Category.choices)
    for g in page.object_list:
        g.category_label = labels.get(g.category, "")
    return render(
        request,
        "meetings/study/list.html",
        {
            "org": org,
            "page": page,
            "groups": page.object_list,
            "can_create": sel.orgs_for_groups(user=request.user).exists(),
        },
    )


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    orgs = sel.orgs_for_groups(user=request.user)
    initial = {}
    if request.GET.get("org"):
        initial["org"] = sel.org_or_404(user=request.user, pk=request.GET["org"], action=CHANGE).pk
    elif not orgs.exists():
        raise Http404
    form = StudyGroupForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            group = svc.study_group_add(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("已建立学习小组 %(name)s，请挑选成员。") % {"name": group.name}
            )
            return redirect("meetings:study_group_members", group.pk)
    return render(request, "meetings/study/form.html", {"form": form, "title": _("新建学习小组")})


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = sel.group_or_404(user=request.user, pk=pk, action=CHANGE)
    form = StudyGroupForm(
        request.POST or None,
        editing=True,
        initial={
            "name": group.name,
            "category": group.category,
            "is_active": group.is_active,
            "version": group.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            svc.study_group_update(
                group=group, acting_user=request.user, expected_version=version, **data
            )
        except ConflictError as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("meetings:study_group", group.pk)
    return render(
        request,
        "meetings/study/form.html",
        {"form": form, "group": group, "title": _("修改 %(name)s") % {"name": group.name}},
    )


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = sel.group_or_404(user=request.user, pk=pk)
    year = _year(request)
    return render(
        request,
        "meetings/study/detail.html",
        {
            "group": group,
            "year": year,
            "years": _years(),
            "sessions": sel.sessions_of(group, year=year),
            "lines": sel.member_lines(group, year=year),
            "can_change": scope_for(request.user).reaches_path(group.org.path, CHANGE),
            "detail_prefix": link_prefix("meetings:detail"),
            "category_label": dict(Category.choices).get(group.category, ""),
        },
    )


@login_required
def group_members(request: HttpRequest, pk: int) -> HttpResponse:
    group = sel.group_or_404(user=request.user, pk=pk, action=CHANGE)
    if request.method == "POST":
        add = sel.members_for_add(
            user=request.user, group=group, ids=_ids(request.POST.getlist("add"))
        )
        remove = _ids(request.POST.getlist("remove"))
        try:
            svc.study_group_set_members(
                group=group, add=add, remove=remove, acting_user=request.user
            )
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            if add:
                messages.success(request, _("已加入 %(n)d 人。") % {"n": len(add)})
            if remove:
                messages.success(request, _("已移出 %(n)d 人。") % {"n": len(remove)})
        back = reverse("meetings:study_group_members", args=[group.pk])
        query = request.POST.get("back_query", "")
        return redirect(f"{back}?{query}" if query else back)
    q = request.GET.get("q", "").strip()[:50]
    category = request.GET.get("category", group.category if "q" not in request.GET else "")
    if category not in Category.values:
        category = ""
    return render(
        request,
        "meetings/study/members.html",
        {
            "group": group,
            "q": q,
            "category": category,
            "categories": Category.choices,
            "members": list(group.members.select_related("org").order_by("name", "id")),
            "candidates": sel.candidates(user=request.user, group=group, q=q, category=category),
            "limit": sel.PICK_LIMIT,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = sel.group_or_404(user=request.user, pk=pk, action=CHANGE)
    form = StudySessionForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                org=group.org,
                acting_user=request.user,
                kind=MeetingKind.STUDY,
                study_group=group,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已新建学习：%(t)s。") % {"t": meeting.topic})
            prefix = link_prefix("meetings:detail")
            if prefix:
                return redirect(f"{prefix}{meeting.pk}/")
            return redirect("meetings:study_group", group.pk)
    return render(
        request,
        "meetings/study/session_form.html",
        {"form": form, "group": group, "title": _("新建学习")},
    )


urls = [
    path("study/", group_list, name="study_groups"),
    path("study/new/", group_create, name="study_group_create"),
    path("study/<int:pk>/", group_detail, name="study_group"),
    path("study/<int:pk>/edit/", group_edit, name="study_group_edit"),
    path("study/<int:pk>/members/", group_members, name="study_group_members"),
    path("study/<int:pk>/sessions/new/", session_create, name="study_session_create"),
]
