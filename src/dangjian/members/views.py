"""Pages of the member register. Thin: forms check input, selectors read, services write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, export_scope_path, get_visible_or_404, scope_for
from dangjian.core.dbrouter import replica_ok
from dangjian.core.forms import add_service_errors
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Organisation

from . import exports, selectors, services, tables
from .forms import (
    MemberEditForm,
    MemberEventForm,
    MemberFilterForm,
    MemberRegisterForm,
)
from .models import EMPLOYER_RELATED, HOME_RELATED, Category, EventKind, Member, Mode, State, Status
from .paging import search_paginator

PAGE_SIZE = 50


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _list_query(request: HttpRequest) -> tuple[MemberFilterForm, dict[str, Any], list[Any]]:
    selected = request.GET.get("org", "")
    org_rows = selectors.org_choices(
        user=request.user, selected=int(selected) if selected.isdigit() else None
    )
    form = MemberFilterForm(request.GET, org_rows=org_rows)
    return form, form.filters(), org_rows


def _org_options(org_rows: list[Any], selected: int | None) -> str:
    """``<option>``s of a select that shows the tree by indenting. Built here rather than in the
    template: a city-wide account has hundreds of organisations, and a template loop over them
    costs more than the database does for the whole list."""
    base = min((r[2] for r in org_rows), default=0)
    return format_html_join(
        "",
        '<option value="{}"{}>{}{}</option>',
        (
            (pk, " selected" if pk == selected else "", "\u3000" * (depth - base), name)
            for pk, name, depth, _path in org_rows
        ),
    )


def _columns(sort: str) -> list[tuple[dict[str, str] | None, str, str]]:
    """Table headers: (sort link or None, label, css class). A sorted column's header sorts
    the other way when clicked again."""

    def link(col: str) -> dict[str, str]:
        if sort == col:
            return {"next": f"-{col}", "mark": "▲"}
        if sort == f"-{col}":
            return {"next": col, "mark": "▼"}
        return {"next": col, "mark": ""}

    return [
        (link("name"), _("姓名"), ""),
        (None, _("性别"), ""),
        (link("birth_date"), _("出生日期"), "hide-sm"),
        (None, _("身份证号"), "hide-sm"),
        (None, _("党员身份"), ""),
        (None, _("党员类别"), "hide-sm"),
        (None, _("管理方式"), "hide-sm"),
        (link("joined_on"), _("入党时间"), "hide-sm"),
        (link("org"), _("所在党组织"), ""),
    ]


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    form, filters, org_rows = _list_query(request)
    qs = selectors.with_list_data(selectors.members_visible(user=request.user, **filters))
    if filters["q"]:
        paginator: Paginator = search_paginator(qs, PAGE_SIZE)
    else:
        paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    sort = filters["sort"] or selectors.DEFAULT_SORT
    return render(
        request,
        "members/list.html",
        {
            "page": page,
            "rows": tables.member_rows(page),
            "detail_prefix": reverse("members:list"),
            "form": form,
            "filters": filters,
            "org_options": _org_options(org_rows, filters["org"]),
            "columns": _columns(sort),
            "categories": Category.choices,
            "statuses": Status.choices,
            "modes": Mode.choices,
            "states": [*State.choices, (selectors.ANY_STATE, _("全部状态"))],
            "can_register": scope_for(request.user).change_paths
            or scope_for(request.user).everything,
        },
    )


@login_required
def member_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx (every page, not just the one shown), logged as an export."""
    form, filters, _rows = _list_query(request)
    qs = selectors.with_list_data(selectors.members_visible(user=request.user, **filters))
    org = None
    if filters["org"]:
        org = Organisation.objects.visible_to(request.user).filter(pk=filters["org"]).first()
    title = _("党员名册") + (f"（{org.name}）" if org else "")
    today = selectors.today()
    from django.conf import settings

    from dangjian.background import kinds
    from dangjian.background import services as background

    total = qs.count()
    if total > settings.DANGJIAN_BACKGROUND_ROWS:  # too long to wait for: the worker writes it
        job = background.request_export(
            acting_user=request.user,
            kind=kinds.MEMBERS,
            params={
                "filters": {k: v for k, v in filters.items() if v},
                "title": (f"{title}  {_('导出日期')}：{today.isoformat()}"),
            },
            title=title,
            filename=f"{_('党员名册')}-{today:%Y%m%d}.xlsx",
            scope_path=export_scope_path(request.user, org.path if org else None),
            total=total,
            ip=_client_ip(request),
        )
        return redirect("background:detail", pk=job.pk)
    fh, count = exports.write_xlsx(
        sheet=_("党员名册"),
        title=f"{title}  {_('导出日期')}：{today.isoformat()}",
        rows=exports.member_rows(qs),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        object_repr=_("党员名册导出（%(n)d 人）") % {"n": count},
        changes={"filters": {k: v for k, v in filters.items() if v}, "rows": count},
        scope_path=export_scope_path(request.user, org.path if org else None),
        ip=_client_ip(request),
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('党员名册')}-{today:%Y%m%d}.xlsx")


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(
        Member.objects.select_related("org", EMPLOYER_RELATED, HOME_RELATED), request.user, pk=pk
    )
    return _detail(request, member)


def _detail(request: HttpRequest, member: Member, revealed: str = "") -> HttpResponse:
    categories = list(member.categories.order_by("category"))
    can_change = scope_for(request.user).reaches_path(member.org.path, CHANGE)
    kinds = services.kinds_allowed(member, [c.category for c in categories]) if can_change else []
    response = render(
        request,
        "members/detail.html",
        {
            "member": member,
            "revealed_number": revealed,
            "timeline": selectors.member_timeline(member=member),
            "categories": categories,
            "offices": selectors.member_offices(member=member),
            "can_change": can_change,
            "event_kinds": [(k, EventKind(k).label, k in services.GRAVE_KINDS) for k in kinds],
            "content_type": ContentType.objects.get_for_model(Member) if can_change else None,
        },
    )
    if revealed:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def member_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """The full ID number, on purpose and logged. With htmx only the number is swapped in;
    without JavaScript the member page comes back with the number shown."""
    member = get_visible_or_404(
        Member.objects.select_related("org", "household"), request.user, action=CHANGE, pk=pk
    )
    number = services.member_reveal_id(member, acting_user=request.user, ip=_client_ip(request))
    if not getattr(request, "htmx", False):
        return _detail(request, member, revealed=number)
    response = HttpResponse(
        format_html('<span class="font-monospace" id="id-number">{}</span>', number)
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def member_create(request: HttpRequest) -> HttpResponse:
    """Register a new member, or one transferring in from another organisation."""
    if request.method == "POST":
        form = MemberRegisterForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                member = services.member_register(acting_user=request.user, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已登记党员 %(name)s。") % {"name": member.name})
                return redirect("members:detail", pk=member.pk)
    else:
        initial = {}
        org = request.GET.get("org", "")
        if org.isdigit():
            initial["org"] = int(org)
        form = MemberRegisterForm(user=request.user, initial=initial)
    if not form.fields["org"].queryset.exists():
        raise Http404
    return render(request, "members/form.html", {"form": form, "title": _("登记党员")})


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(
        Member.objects.select_related("org"), request.user, action="change", pk=pk
    )
    if request.method == "POST":
        form = MemberEditForm(request.POST, user=request.user, member=member)
        if form.is_valid():
            try:
                services.member_update(
                    member,
                    data=form.service_data(),
                    acting_user=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("members:detail", pk=member.pk)
    else:
        form = MemberEditForm(user=request.user, member=member)
    return render(
        request,
        "members/form.html",
        {"form": form, "member": member, "title": _("修改个人信息：%(n)s") % {"n": member.name}},
    )


@login_required
def member_event(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Record one event on a member's timeline (transfer, status change, death, …)."""
    member = get_visible_or_404(
        Member.objects.select_related("org"), request.user, action="change", pk=pk
    )
    if kind not in services.RECORDABLE_KINDS:
        raise Http404
    if request.method == "POST":
        form = MemberEventForm(request.POST, kind=kind, member=member, user=request.user)
        if form.is_valid():
            try:
                services.member_record_event(
                    member=member, acting_user=request.user, **form.service_kwargs()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已记录：%(k)s。") % {"k": EventKind(kind).label},
                )
                return redirect("members:detail", pk=member.pk)
    else:
        form = MemberEventForm(kind=kind, member=member, user=request.user)
    allowed = kind in services.kinds_allowed(member)
    return render(
        request,
        "members/event_form.html",
        {
            "form": form,
            "member": member,
            "kind": kind,
            "kind_label": EventKind(kind).label,
            "allowed": allowed,
            "grave": kind in services.GRAVE_KINDS,
        },
    )


def _register_params(request: HttpRequest) -> tuple[Organisation, dt.date, str]:
    """The organisation (visible to the user, else 404) and date asked for, and what was wrong
    with the date if it had to fall back to today."""
    org_id = request.GET.get("org", "")
    if org_id.isdigit():
        org = get_visible_or_404(Organisation.objects.all(), request.user, pk=int(org_id))
    else:
        org = selectors.default_register_org(user=request.user)
        if org is None:
            raise Http404
    today = selectors.today()
    raw = request.GET.get("on", "").strip()
    if not raw:
        return org, today, ""
    try:
        on = parse_date(raw)
    except ValueError:
        on = None
    if on is None:
        return org, today, _("日期“%(d)s”不正确，已显示今天的名册。") % {"d": raw}
    if on > today:
        return org, today, _("不能查看未来日期的名册，已显示今天的名册。")
    return org, on, ""


@login_required
def register_on(request: HttpRequest) -> HttpResponse:
    """The register of an organisation's subtree as it stood on a date."""
    org, on, error = _register_params(request)
    events = selectors.register_on(user=request.user, org_path=org.path, on=on)
    counts = selectors.register_counts(events)
    paginator = Paginator(events, PAGE_SIZE)
    paginator.count = counts.total  # already counted by status: no second pass
    page = paginator.get_page(request.GET.get("page"))
    org_rows = selectors.org_choices(user=request.user, selected=org.pk)
    return render(
        request,
        "members/register.html",
        {
            "org": org,
            "on": on,
            "error": error,
            "page": page,
            "rows": tables.register_rows(page),
            "counts": counts,
            "org_options": _org_options(org_rows, org.pk),
        },
    )


@login_required
@replica_ok
def register_export(request: HttpRequest) -> HttpResponse:
    org, on, _error = _register_params(request)
    events = selectors.register_on(user=request.user, org_path=org.path, on=on)
    fh, count = exports.write_xlsx(
        sheet=_("党员名册"),
        title=_("%(org)s党员名册（截至 %(on)s）") % {"org": org.name, "on": on.isoformat()},
        rows=exports.register_rows(events),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=org,
        acting_user=request.user,
        object_repr=_("%(org)s %(on)s 党员名册导出（%(n)d 人）")
        % {"org": org.name, "on": on.isoformat(), "n": count},
        changes={"on": on.isoformat(), "rows": count},
        ip=_client_ip(request),
    )
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('党员名册')}-{org.name}-{on:%Y%m%d}.xlsx"
    )
