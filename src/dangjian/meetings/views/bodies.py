"""Pages: deliberation bodies (§4) — the list, create/edit, a body with its member units (seats)
and their attendance over the year, seats added/changed/ended, the criticism notices of a year
(.xlsx export, audited) and a resident unit's page with its award eligibility.

Thin: forms check input, ``selectors.bodies`` reads (scoped), ``services_bodies`` writes.
Anything outside the user's grants is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dangjian.core import audit, xlsx
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.forms import add_service_errors
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError

from .. import services_bodies as svc
from ..forms_bodies import BodyForm, EndForm, SeatEditForm, SeatForm
from ..selectors import bodies as sel

PER_PAGE = 50


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 6, -1))


def link_prefix(name: str) -> str | None:
    """The URL of another area's page for id 0, without the id (None when it does not exist)."""
    try:
        return reverse(name, args=[0]).removesuffix("0/")
    except NoReverseMatch:
        return None


def url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _org_filter(request: HttpRequest):
    raw = request.GET.get("org", "")
    return sel.org_or_404(user=request.user, pk=raw) if raw else None


def _can_change(user, org) -> bool:
    return scope_for(user).reaches_path(org.path, CHANGE)


# ---- list, create, edit -------------------------------------------------------------------
@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    org = _org_filter(request)
    qs = sel.bodies_visible(user=request.user, org=org)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/bodies/list.html",
        {
            "org": org,
            "page": page,
            "bodies": page.object_list,
            "can_create": sel.orgs_leading_bodies(user=request.user).exists(),
        },
    )


@login_required
def body_create(request: HttpRequest) -> HttpResponse:
    orgs = sel.orgs_leading_bodies(user=request.user)
    initial = {}
    if request.GET.get("org"):
        org = sel.org_or_404(user=request.user, pk=request.GET["org"], action=CHANGE)
        initial["org"] = org.pk
        kinds = svc.kinds_for(org)
        if len(kinds) >= 1:
            initial["kind"] = kinds[0]
    elif not orgs.exists():
        raise Http404
    form = BodyForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            body = svc.body_add(
                org=data["org"],
                kind=data["kind"],
                name=data["name"],
                established_on=data.get("established_on"),
                acting_user=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已建立 %(name)s。") % {"name": body.name})
            return redirect("meetings:body", body.pk)
    return render(
        request, "meetings/bodies/form.html", {"form": form, "title": _("新建议事协调机构")}
    )


@login_required
def body_edit(request: HttpRequest, pk: int) -> HttpResponse:
    body = sel.body_or_404(user=request.user, pk=pk, action=CHANGE)
    orgs = sel.orgs_leading_bodies(user=request.user)
    form = BodyForm(
        request.POST or None,
        orgs=orgs,
        editing=True,
        initial={
            "org": body.org_id,
            "kind": body.kind,
            "name": body.name,
            "established_on": body.established_on,
            "is_active": body.is_active,
            "version": body.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            svc.body_update(body=body, acting_user=request.user, expected_version=version, **data)
        except ConflictError as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("meetings:body", body.pk)
    return render(
        request,
        "meetings/bodies/form.html",
        {"form": form, "body": body, "title": _("修改 %(name)s") % {"name": body.name}},
    )


# ---- one body -----------------------------------------------------------------------------
@login_required
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = sel.body_or_404(user=request.user, pk=pk)
    year = _year(request)
    seats = sel.seats_of(body)
    matrix = sel.attendance_matrix(body=body, year=year, seats=seats)
    table = sel.standings(user=request.user, year=year, seats=seats)
    needed = sel.threshold_for(body.org)
    standing = {s.pk: sel.standing_for_seat(table, s, year=year, needed=needed) for s in seats}
    for s in seats:
        s.standing = standing[s.pk]
    for row in matrix.rows:
        row.standing = standing[row.seat.pk]
    create_url = url_or_none("meetings:create")
    return render(
        request,
        "meetings/bodies/detail.html",
        {
            "body": body,
            "year": year,
            "years": _years(),
            "seats": seats,
            "matrix": matrix,
            "meetings": sel.meetings_of(body, year=year),
            "needed": needed,
            "can_change": _can_change(request.user, body.org),
            "detail_prefix": link_prefix("meetings:detail"),
            "unit_prefix": link_prefix("meetings:unit"),
            "create_url": f"{create_url}?org={body.org_id}&kind=council&body={body.pk}"
            if create_url
            else None,
        },
    )


# ---- seats --------------------------------------------------------------------------------
@login_required
def seat_create(request: HttpRequest, pk: int) -> HttpResponse:
    body = sel.body_or_404(user=request.user, pk=pk, action=CHANGE)
    form = SeatForm(
        request.POST or None,
        units=sel.units_for(body),
        orgs=sel.member_orgs_for(body),
        initial={"joined_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            seat = svc.seat_add(body=body, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已加入成员单位 %(name)s。") % {"name": seat.name})
            return redirect("meetings:body", body.pk)
    return render(
        request,
        "meetings/bodies/seat_form.html",
        {"form": form, "body": body, "title": _("添加成员单位")},
    )


@login_required
def seat_edit(request: HttpRequest, pk: int) -> HttpResponse:
    seat = sel.seat_or_404(user=request.user, pk=pk, action=CHANGE)
    form = SeatEditForm(
        request.POST or None,
        initial={
            "name": seat.name,
            "head": seat.head,
            "joined_on": seat.joined_on,
            "version": seat.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            svc.seat_update(seat=seat, acting_user=request.user, expected_version=version, **data)
        except ConflictError as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("meetings:body", seat.body_id)
    return render(
        request,
        "meetings/bodies/seat_form.html",
        {"form": form, "body": seat.body, "seat": seat, "title": _("修改成员单位")},
    )


@login_required
def seat_end(request: HttpRequest, pk: int) -> HttpResponse:
    seat = sel.seat_or_404(user=request.user, pk=pk, action=CHANGE)
    form = EndForm(
        request.POST or None, initial={"on": timezone.localdate(), "version": seat.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.seat_end(
                seat=seat,
                left_on=form.cleaned_data["on"],
                acting_user=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ConflictError as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s 已退出。") % {"name": seat.name})
            return redirect("meetings:body", seat.body_id)
    return render(
        request,
        "meetings/bodies/seat_end.html",
        {"form": form, "seat": seat, "body": seat.body},
    )


# ---- criticism notices --------------------------------------------------------------------
def _criticisms(request: HttpRequest):
    org = _org_filter(request) or sel.default_org(request.user)
    if org is None:
        raise Http404
    year = _year(request)
    return org, year, sel.criticisms_list(user=request.user, year=year, org=org)


@login_required
def criticisms(request: HttpRequest) -> HttpResponse:
    org, year, qs = _criticisms(request)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    table = sel.standings(user=request.user, year=year)
    rows = list(page.object_list)
    for c in rows:
        c.standing = table.get(sel.key_of(unit_id=c.unit_id, seat_id=c.seat_id))
    return render(
        request,
        "meetings/bodies/criticisms.html",
        {
            "org": org,
            "year": year,
            "years": _years(),
            "page": page,
            "rows": rows,
            "ineligible": [s for s in table.values() if s.ineligible],
            "detail_prefix": link_prefix("meetings:detail"),
            "unit_prefix": link_prefix("meetings:unit"),
        },
    )


@login_required
def criticisms_export(request: HttpRequest) -> HttpResponse:
    org, year, qs = _criticisms(request)
    table = sel.standings(user=request.user, year=year)
    rows = list(qs)
    title = _("%(year)d年度通报批评") % {"year": year}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("通报批评"))
    for col, width in zip("ABCDEFGHI", (28, 14, 28, 14, 14, 60, 10, 30, 16), strict=True):
        ws.column_dimensions[col].width = width
    head = f"{title}{' · ' + org.name if org else ''}"
    ws.append([xlsx.cell(ws, head, font=Font(bold=True, size=14))])
    heads = (
        _("成员单位"),
        _("单位负责人"),
        _("会议"),
        _("会议日期"),
        _("通报日期"),
        _("通报内容"),
        _("状态"),
        _("撤销原因"),
        _("评先资格"),
    )
    ws.append(xlsx.header_row(ws, heads))
    for c in rows:
        standing = table.get(sel.key_of(unit_id=c.unit_id, seat_id=c.seat_id))
        ws.append(
            xlsx.row(
                ws,
                [
                    c.unit.name if c.unit_id else c.seat.name,
                    c.head or c.seat.head,
                    f"{c.meeting.body.name if c.meeting.body_id else ''} {c.meeting.topic}",
                    c.meeting.date.isoformat(),
                    c.issued_on.isoformat(),
                    c.text,
                    _("已撤销") if c.withdrawn_at else _("有效"),
                    c.withdrawn_reason,
                    _("取消") if standing and standing.ineligible else _("保留"),
                ],
            )
        )
    fh = xlsx.save(wb)
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=org,
        acting_user=request.user,
        object_repr=_("%(year)d年度通报批评导出（%(n)d 条）") % {"year": year, "n": len(rows)},
        changes={"rows": len(rows), "year": year, "org": org.pk if org else None},
        ip=request.META.get("REMOTE_ADDR"),
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('通报批评')}-{year}.xlsx")


# ---- one resident unit --------------------------------------------------------------------
@login_required
def unit_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = sel.unit_or_404(user=request.user, pk=unit_id)
    year = _year(request)
    record = sel.unit_record(user=request.user, unit=unit, year=year)
    return render(
        request,
        "meetings/bodies/unit.html",
        {
            "unit": unit,
            "year": year,
            "years": _years(),
            "record": record,
            "this_year": record.year(year),
            "ineligible_years": [y for y in record.years if y.ineligible],
            "detail_prefix": link_prefix("meetings:detail"),
        },
    )


urls = [
    path("bodies/", body_list, name="bodies"),
    path("bodies/new/", body_create, name="body_create"),
    path("bodies/<int:pk>/", body_detail, name="body"),
    path("bodies/<int:pk>/edit/", body_edit, name="body_edit"),
    path("bodies/<int:pk>/seats/new/", seat_create, name="seat_create"),
    path("seats/<int:pk>/edit/", seat_edit, name="seat_edit"),
    path("seats/<int:pk>/end/", seat_end, name="seat_end"),
    path("criticisms/", criticisms, name="criticisms"),
    path("criticisms/export/", criticisms_export, name="criticisms_export"),
    path("units/<int:unit_id>/", unit_page, name="unit"),
]
