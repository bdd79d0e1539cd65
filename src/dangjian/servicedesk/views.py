"""Pages of the service desk (便民服务工单): the community's list (overdue first; filters by
state, category, channel and period), receiving a request, one request with its history, its
steps and its 代办 documents, the ledgers (.xlsx) and the monthly figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.forms import DATE_FORMATS, add_service_errors
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.members.models import Member
from dangjian.orgs.models import Place, PlaceKind, ResidentUnit
from dangjian.orgs.selectors.communities import community_for

from . import categories, selectors, services, workflow
from .forms import RequestForm
from .models import CATEGORY_MAX_LENGTH, Channel, ErrandDocument, Request, State

PAGE_SIZE = 50


def _date(raw: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    year = year or timezone.localdate().year
    start = _date(request.GET.get("start", "")) or dt.date(year, 1, 1)
    end = _date(request.GET.get("end", "")) or dt.date(year, 12, 31)
    return start, end


def _filters(request: HttpRequest) -> dict[str, str]:
    g = request.GET
    state = g.get("state", "")
    return {
        "state": state if state in State.values or state == "overdue" else "",
        # any key (a category taken away still filters its old requests); the page offers the
        # community's list, see selectors.filter_categories
        "category": g.get("category", "").strip()[:CATEGORY_MAX_LENGTH],
        "channel": g.get("channel", "") if g.get("channel", "") in Channel.values else "",
    }


def _listed(request: HttpRequest) -> tuple[Any, Any, dt.date, dt.date, dict[str, str]]:
    """The community asked for (staff) or none (a handler sees what was assigned to them)."""
    scope = scope_for(request.user)
    community = community_for(user=request.user, raw=request.GET.get("org", ""))
    if not scope.is_staff_role:
        community = None
    start, end = _period(request)
    f = _filters(request)
    qs = selectors.requests_visible(
        user=request.user,
        community=community,
        start=start,
        end=end,
        today=timezone.localdate(),
        **f,
    )
    return qs, community, start, end, f


@login_required
def home(request: HttpRequest) -> HttpResponse:
    qs, community, start, end, f = _listed(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "servicedesk/home.html",
        {
            "community": community,
            "page": page,
            "start": start,
            "end": end,
            "f": f,
            "states": State.choices,
            "categories": selectors.filter_categories(user=request.user, community=community),
            "channels": Channel.choices,
            "is_staff": scope_for(request.user).is_staff_role,
            "can_change": community is not None
            and scope_for(request.user).reaches_path(community.path, CHANGE),
            "today": timezone.localdate(),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """受理 a request at the hall, on the phone, from the box, a visit or a member."""
    community = community_for(user=request.user, raw=request.GET.get("org", ""))
    if community is None or not scope_for(request.user).reaches_path(community.path, CHANGE):
        raise Http404
    households = Place.objects.filter(community=community, kind=PlaceKind.HOUSEHOLD).order_by(
        "path"
    )
    form = RequestForm(
        request.POST or None, households=households, categories=categories.choices(community)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            req = services.request_receive(
                acting_user=request.user,
                community=community,
                channel=d["channel"],
                category=d["category"],
                resident_name=d["resident_name"],
                phone=d["phone"],
                household=d["household"],
                content=d["content"],
                received_on=d["received_on"],
                deadline=d["deadline"],
                is_errand=d["is_errand"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已受理，工单号 %(n)s。") % {"n": req.number})
            return redirect("servicedesk:detail", pk=req.pk)
    if request.method == "GET":
        form.initial = {"received_on": timezone.localdate(), "channel": Channel.HALL}
    form.mark_errors()
    return render(request, "servicedesk/create.html", {"form": form, "community": community})


def _request(request: HttpRequest, pk: int) -> Request:
    return get_visible_or_404(
        Request.objects.select_related(
            "community", "household", "assigned_user", "assigned_member", "assigned_unit", "deed"
        ),
        request.user,
        pk=pk,
    )


def _acting(request: HttpRequest, pk: int) -> Request:
    """A request the user may act on (the community's staff or its handler), else 404 — a
    read-only viewer gets the same answer as an outsider."""
    req = _request(request, pk)
    if not workflow.may_take(req, request.user, "finish"):
        raise Http404
    return req


def _visit_of(req: Request) -> tuple[Any, str]:
    """The grid visit a request was opened from (``grid.Visit.request``), if any, and the link
    to it while the grid pages provide one."""
    try:
        visit = req.visit
    except (AttributeError, ObjectDoesNotExist):
        return None, ""
    try:
        url = reverse("grid:visit_detail", args=[visit.pk])
    except NoReverseMatch:
        url = ""
    return visit, url


def _detail(request: HttpRequest, req: Request, revealed: str = "") -> HttpResponse:
    is_community = workflow.is_the_community(req, request.user)
    may_docs = workflow.may_take(req, request.user, "finish")
    ctx: dict[str, Any] = {
        "req": req,
        "steps": req.steps.select_related("by").all(),
        "documents": req.documents.all(),
        "moves": workflow.moves_for(req, request.user),
        "may_docs": may_docs,
        "is_community": is_community,
        "revealed_phone": revealed,
        "today": timezone.localdate(),
        "overdue": req.state in (State.RECEIVED, State.ASSIGNED, State.IN_PROGRESS)
        and req.deadline < timezone.localdate(),
    }
    ctx["visit"], ctx["visit_url"] = _visit_of(req)
    if is_community:
        ctx["receipt_url"] = request.build_absolute_uri(
            reverse("servicedesk:public_receipt", args=[req.pk, services.rating_token(req)])
        )
        if req.state == State.RECEIVED:
            User = get_user_model()
            from dangjian.accounts.models import Grant

            ctx["staff"] = User.objects.filter(
                pk__in=Grant.objects.filter(org=req.community).values("user_id"), is_active=True
            ).order_by("username")
            ctx["members"] = (
                Member.objects.filter(
                    services.eligible_member_q(req.community, timezone.localdate()),
                    state="active",
                )
                .distinct()
                .order_by("name")[:300]
            )
            ctx["units"] = ResidentUnit.objects.filter(community=req.community).order_by("name")
    response = render(request, "servicedesk/detail.html", ctx)
    if revealed:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _request(request, pk))


@login_required
@require_POST
def reveal_phone(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request(request, pk)
    try:
        phone = services.request_reveal_phone(
            req, acting_user=request.user, ip=request.META.get("REMOTE_ADDR")
        )
    except PermissionDenied:
        raise Http404 from None
    return _detail(request, req, revealed=phone)


def _int(raw: str) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@login_required
@require_POST
def step(request: HttpRequest, pk: int) -> HttpResponse:
    req = _acting(request, pk)
    p = request.POST
    kw: dict[str, Any] = {}
    who = p.get("assignee", "")  # "user:5", "member:7", "unit:3"
    kind, _sep, raw = who.partition(":")
    if kind == "user" and _int(raw):
        kw["user"] = get_user_model().objects.filter(pk=_int(raw)).first()
    elif kind == "member" and _int(raw):
        kw["member"] = Member.objects.filter(pk=_int(raw)).first()
    elif kind == "unit" and _int(raw):
        kw["unit"] = ResidentUnit.objects.filter(pk=_int(raw)).first()
    try:
        services.request_step(
            req,
            action=p.get("action", ""),
            acting_user=request.user,
            version=_int(p.get("version", "")) or 0,
            reason=p.get("reason", ""),
            department=p.get("department", ""),
            result=p.get("result", ""),
            satisfaction=p.get("satisfaction"),
            **kw,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已保存。"))
    return redirect("servicedesk:detail", pk=req.pk)


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    req = _acting(request, pk)
    try:
        services.document_add(
            req,
            acting_user=request.user,
            name=request.POST.get("name", ""),
            office=request.POST.get("office", ""),
            taken_in_on=_date(request.POST.get("taken_in_on", "")),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已登记收取的材料。"))
    return redirect("servicedesk:detail", pk=req.pk)


@login_required
@require_POST
def document_back(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_visible_or_404(ErrandDocument.objects.select_related("request"), request.user, pk=pk)
    _acting(request, doc.request_id)
    try:
        services.document_hand_back(
            doc,
            acting_user=request.user,
            handed_back_on=_date(request.POST.get("handed_back_on", "")),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已登记交还。"))
    return redirect("servicedesk:detail", pk=doc.request_id)


# ---- ledgers -----------------------------------------------------------------------------
def _export_community(request: HttpRequest) -> Any:
    if not scope_for(request.user).is_staff_role:
        raise Http404
    community = community_for(user=request.user, raw=request.GET.get("org", ""))
    if community is None:
        raise Http404
    return community


def _audit_export(request: HttpRequest, community: Any, what: str, count: int, s, e) -> None:  # noqa: ANN001
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field=what,
        changes={"rows": count, "start": s.isoformat(), "end": e.isoformat()},
        scope_path=community.path,
    )


@login_required
def export(request: HttpRequest) -> FileResponse:
    """工单台帐 (.xlsx) of a community and period, as filtered; phones masked."""
    community = _export_community(request)
    start, end = _period(request)
    qs = selectors.requests_visible(
        user=request.user,
        community=community,
        start=start,
        end=end,
        today=timezone.localdate(),
        **_filters(request),
    )
    fh, count = write_table(
        sheet=_("工单台帐"),
        title=_("%(c)s 便民服务工单台帐（%(s)s 至 %(e)s）")
        % {"c": community.name, "s": start.isoformat(), "e": end.isoformat()},
        columns=[
            (_("工单号"), 14),
            (_("受理日期"), 12),
            (_("渠道"), 14),
            (_("类别"), 10),
            (_("居民"), 10),
            (_("电话"), 14),
            (_("住户"), 16),
            (_("诉求"), 40),
            (_("办理时限"), 12),
            (_("状态"), 10),
            (_("承办"), 16),
            (_("办结日期"), 12),
            (_("办理结果"), 30),
            (_("满意度"), 8),
            (_("转办部门"), 14),
        ],
        rows=(
            [
                r.number,
                r.received_on,
                r.get_channel_display(),
                r.get_category_display(),
                r.resident_name,
                r.masked_phone,
                r.household.name if r.household else "",
                r.content,
                r.deadline,
                r.get_state_display(),
                r.assignee_label,
                r.done_on,
                r.result,
                r.satisfaction,
                r.department,
            ]
            for r in qs.iterator(chunk_size=500)
        ),
    )
    _audit_export(request, community, "servicedesk.request", count, start, end)
    return FileResponse(fh, as_attachment=True, filename=f"{_('工单台帐')}-{start}-{end}.xlsx")


@login_required
def export_errands(request: HttpRequest) -> FileResponse:
    """代办台帐 (.xlsx): every document taken in for an errand, with the dates in and back."""
    community = _export_community(request)
    start, end = _period(request)
    reqs = selectors.requests_visible(
        user=request.user, community=community, start=start, end=end, today=timezone.localdate()
    ).filter(is_errand=True)
    docs = (
        ErrandDocument.objects.filter(request__in=reqs.values("pk"))
        .select_related("request")
        .order_by("request__received_on", "request_id", "taken_in_on", "pk")
    )
    fh, count = write_table(
        sheet=_("代办台帐"),
        title=_("%(c)s 全程代办台帐（%(s)s 至 %(e)s）")
        % {"c": community.name, "s": start.isoformat(), "e": end.isoformat()},
        columns=[
            (_("工单号"), 14),
            (_("居民"), 10),
            (_("类别"), 10),
            (_("材料"), 24),
            (_("代办部门"), 18),
            (_("收取日期"), 12),
            (_("交还日期"), 12),
            (_("状态"), 10),
        ],
        rows=(
            [
                d.request.number,
                d.request.resident_name,
                d.request.get_category_display(),
                d.name,
                d.office,
                d.taken_in_on,
                d.handed_back_on,
                d.request.get_state_display(),
            ]
            for d in docs.iterator(chunk_size=500)
        ),
    )
    _audit_export(request, community, "servicedesk.errand", count, start, end)
    return FileResponse(fh, as_attachment=True, filename=f"{_('代办台帐')}-{start}-{end}.xlsx")


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    """Monthly figures: by channel and category, median days to close, satisfaction."""
    if not scope_for(request.user).is_staff_role:
        raise Http404
    community = community_for(user=request.user, raw=request.GET.get("org", ""))
    if community is None:
        raise Http404
    start, _end = _period(request)
    months = selectors.monthly_figures(user=request.user, community=community, year=start.year)
    offered = list(categories.offered(community))
    return render(
        request,
        "servicedesk/stats.html",
        {
            "community": community,
            "year": start.year,
            "months": [
                {
                    "m": m,
                    "channels": [m.by_channel.get(c, 0) for c in Channel.values],
                    "categories": [m.by_category.get(c, 0) for c in offered],
                }
                for m in months
            ],
            "totals": selectors.totals(months, categories=offered),
            "channels": Channel.labels,
            "categories": [label for _k, label in categories.choices(community)],
        },
    )
