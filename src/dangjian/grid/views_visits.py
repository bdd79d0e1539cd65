"""Pages of grid visits (走访记录) and key households (重点户), SPEC §8, issue 16 items 2 and 6.

Need-to-know throughout (:mod:`.access`): a grid cadre reaches only their own areas' households
and visits, the community's secretaries the whole community; anything else is a 404, the same
as a missing one. Opening a visit or a household writes a read-audit row. The visit list shows
who visited whom and when — what was found is on the visit's own page only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit, rules
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for, subtree_q
from dangjian.core.forms import add_service_errors, parse_date
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.meetings.cadence import light_label
from dangjian.orgs.models import Organisation, Place
from dangjian.servicedesk import categories
from dangjian.servicedesk.models import Request

from . import selectors_visits as sel
from . import services
from .forms_visits import KeyMarkForm, KeyUnmarkForm, OpenRequestForm, VisitEditForm, VisitForm
from .models import KeyHousehold, Visit

PAGE_SIZE = 30
#: households offered at once in the picker; more are found by area or by name
PICK_LIMIT = 200


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _month(raw: str) -> tuple[dt.date, dt.date] | None:
    try:
        y, m = (int(x) for x in raw.split("-")[:2])
        start = dt.date(y, m, 1)
    except (TypeError, ValueError):
        return None
    end = (dt.date(y + 1, 1, 1) if m == 12 else dt.date(y, m + 1, 1)) - dt.timedelta(days=1)
    return start, end


def _household(request: HttpRequest, pk: int) -> Place:
    found = (
        services.households_reached(request.user)
        .select_related("parent__parent__parent")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _visit(request: HttpRequest, pk: int) -> Visit:
    return get_visible_or_404(
        Visit.objects.select_related(
            "household__community", "household__parent__parent__parent", "request"
        ),
        request.user,
        pk=pk,
    )


def _pick_options(
    user: Any, community: Organisation, area: Place | None, q: str
) -> list[tuple[str, list[Place]]]:
    """Households for the picker, grouped by building / corridor (one query)."""
    qs = services.households_reached(user).filter(community=community)
    if area is not None:
        qs = qs.filter(subtree_q("path", area.path))
    if q:
        qs = qs.filter(name__icontains=q)
    qs = qs.select_related("parent__parent").order_by("path")[:PICK_LIMIT]
    groups: list[tuple[str, list[Place]]] = []
    for h in qs:
        label = " / ".join(
            p.name for p in (h.parent.parent if h.parent else None, h.parent) if p is not None
        )
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(h)
    return groups


def _is_community(user: Any, community: Organisation) -> bool:
    return scope_for(user).reaches_path(community.path, CHANGE)


# ---- record a visit ----------------------------------------------------------------------
@login_required
def visit_new(request: HttpRequest) -> HttpResponse:
    """走访登记 on a phone: household (area → building → household, or by name), date (today),
    a few words, and "转为服务工单" to open a service request in the same step."""
    community = sel.community_for(user=request.user, raw=request.GET.get("org", ""))
    areas = list(sel.areas_of(user=request.user, community=community))
    raw_area = request.GET.get("area", "") or (str(areas[0].pk) if len(areas) == 1 else "")
    area = sel.area_for(user=request.user, community=community, raw=raw_area)
    q = request.GET.get("q", "").strip()
    form = VisitForm(request.POST or None)
    if community is not None:
        form.fields["category"].choices = categories.choices(community)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():  # the visit and its request, or neither
                visit = services.visit_record(
                    acting_user=request.user,
                    household=d["household"],
                    visited_on=d["visited_on"],
                    met=d["met"],
                    found=d["found"],
                    follow_up=d["follow_up"],
                )
                req = (
                    services.visit_open_request(
                        visit, acting_user=request.user, category=d["category"] or None
                    )
                    if d["open_request"]
                    else None
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if req is not None:
                messages.success(
                    request, _("已记录走访，并转为服务工单 %(n)s。") % {"n": req.number}
                )
            else:
                messages.success(request, _("已记录走访。"))
            return redirect("grid:visit_detail", pk=visit.pk)
    if request.method == "GET":
        form.initial = {"visited_on": timezone.localdate(), "category": "other"}
        raw = request.GET.get("household", "")
        if raw.isdigit():
            form.initial["household"] = int(raw)
    chosen = form["household"].value()
    return render(
        request,
        "grid/visit_new.html",
        {
            "community": community,
            "communities": sel.communities_reached(request.user),
            "areas": areas,
            "area": area,
            "q": q,
            "form": form,
            "groups": _pick_options(request.user, community, area, q),
            "chosen": int(chosen) if str(chosen or "").isdigit() else None,
            "today": timezone.localdate(),
        },
    )


@login_required
def visit_pick(request: HttpRequest) -> HttpResponse:
    """The picker's ``<option>``s for an area and a name typed (htmx)."""
    community = sel.community_for(user=request.user, raw=request.GET.get("org", ""))
    area = sel.area_for(user=request.user, community=community, raw=request.GET.get("area", ""))
    q = request.GET.get("q", "").strip()
    return render(
        request,
        "grid/visit_pick.html",
        {"groups": _pick_options(request.user, community, area, q), "chosen": None},
    )


# ---- the list, one visit -----------------------------------------------------------------
@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    """Visits of a community (an area, a month), newest first: who visited which household when —
    never what was found (that is on the visit's page, whose opening is audited)."""
    community = sel.community_for(user=request.user, raw=request.GET.get("org", ""))
    area = sel.area_for(user=request.user, community=community, raw=request.GET.get("area", ""))
    raw_month = request.GET.get("month", "")
    span = _month(raw_month) if raw_month else None
    qs = sel.visits(
        user=request.user,
        community=community,
        area=area,
        start=span[0] if span else None,
        end=span[1] if span else None,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(v, sel.area_label(v.household)) for v in page]
    return render(
        request,
        "grid/visit_list.html",
        {
            "community": community,
            "communities": sel.communities_reached(request.user),
            "areas": sel.areas_of(user=request.user, community=community),
            "area": area,
            "month": raw_month if span else "",
            "page": page,
            "rows": rows,
            "today": timezone.localdate(),
        },
    )


def _request_form(v: Visit, data: Any = None) -> OpenRequestForm:
    """The category picker with the household's community's own list of categories."""
    form = OpenRequestForm(data, initial={"category": "other"})
    form.fields["category"].choices = categories.choices(v.household.community)
    return form


def _visit_page(request: HttpRequest, visit: Visit, **forms: Any) -> HttpResponse:
    v = visit
    response = render(
        request,
        "grid/visit_detail.html",
        {
            "v": v,
            "area": sel.area_label(v.household),
            "request_form": forms.get("request_form") or _request_form(v),
            "edit_form": forms.get("edit_form")
            or VisitEditForm(
                initial={
                    "version": v.version,
                    "visited_on": v.visited_on,
                    "met": v.met,
                    "found": v.found,
                    "follow_up": v.follow_up,
                }
            ),
            "may_edit": v.visitor_id == request.user.pk
            or _is_community(request.user, v.household.community),
            "may_see_request": v.request_id is not None
            and Request.objects.visible_to(request.user).filter(pk=v.request_id).exists(),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One visit in full; every opening is written to the audit (who read it, when)."""
    v = _visit(request, pk)
    audit.record_read(v, acting_user=request.user, ip=_ip(request))
    return _visit_page(request, v)


@login_required
@require_POST
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    v = _visit(request, pk)
    form = VisitEditForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.visit_update(
                v,
                acting_user=request.user,
                version=d["version"],
                visited_on=d["visited_on"],
                met=d["met"],
                found=d["found"],
                follow_up=d["follow_up"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存。"))
            return redirect("grid:visit_detail", pk=v.pk)
    return _visit_page(request, v, edit_form=form)


@login_required
@require_POST
def visit_request(request: HttpRequest, pk: int) -> HttpResponse:
    """转为服务工单 from a visit already recorded (one click)."""
    v = _visit(request, pk)
    form = _request_form(v, request.POST)
    if form.is_valid():
        try:
            req = services.visit_open_request(
                v, acting_user=request.user, category=form.cleaned_data["category"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已转为服务工单 %(n)s。") % {"n": req.number})
            return redirect("grid:visit_detail", pk=v.pk)
    return _visit_page(request, v, request_form=form)


# ---- coverage ----------------------------------------------------------------------------
@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """走访覆盖: each area × month, red/amber/green; key households and who visited them."""
    community = sel.community_for(user=request.user, raw=request.GET.get("org", ""))
    today = timezone.localdate()
    raw_year = request.GET.get("year", "")
    year = (
        int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= today.year else today.year
    )
    cov = sel.coverage(user=request.user, community=community, year=year, today=today)
    start, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    keys = sel.key_households(user=request.user, community=community, start=start, end=end)
    return render(
        request,
        "grid/coverage.html",
        {
            "community": community,
            "communities": sel.communities_reached(request.user),
            "cov": cov,
            "year": year,
            "years": list(range(today.year, today.year - 3, -1)),
            "light_label": light_label(cov.light),
            "rule": rules.get("grid.area_visits"),
            "keys": [(k, sel.key_state_label(k.state)) for k in keys],
            "flagged": sum(1 for k in keys if k.flagged),
            "start": start,
            "end": end,
        },
    )


# ---- a household -------------------------------------------------------------------------
def _household_page(request: HttpRequest, place: Place, **forms: Any) -> HttpResponse:
    marks = list(
        KeyHousehold.objects.visible_to(request.user)
        .filter(household=place)
        .select_related("marked_by")
        .order_by("-since", "-pk")
    )
    current = next((m for m in marks if m.until is None), None)
    requests = list(Request.objects.filter(household=place).order_by("-received_on", "-pk")[:50])
    visible = set(
        Request.objects.visible_to(request.user)
        .filter(pk__in=[r.pk for r in requests])
        .values_list("pk", flat=True)
    )
    response = render(
        request,
        "grid/household.html",
        {
            "place": place,
            "area": sel.area_label(place),
            "visits": list(sel.household_visits(user=request.user, household=place)[:100]),
            "marks": marks,
            "current": current,
            "requests": [(r, r.pk in visible) for r in requests],
            "may_mark": _is_community(request.user, place.community),
            "mark_form": forms.get("mark_form") or KeyMarkForm(),
            "unmark_form": forms.get("unmark_form")
            or KeyUnmarkForm(initial={"version": current.version if current else 0}),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def household(request: HttpRequest, place_pk: int) -> HttpResponse:
    """A household's grid page: its visits, key mark and service requests; opening it is
    audited."""
    place = _household(request, place_pk)
    audit.record_read(place, acting_user=request.user, ip=_ip(request))
    return _household_page(request, place)


@login_required
@require_POST
def key_mark(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = _household(request, place_pk)
    form = KeyMarkForm(request.POST)
    if form.is_valid():
        try:
            services.key_mark(
                acting_user=request.user, household=place, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已标记为重点户。请书记亲自走访。"))
            return redirect("grid:household", place_pk=place.pk)
    return _household_page(request, place, mark_form=form)


@login_required
@require_POST
def key_unmark(request: HttpRequest, pk: int) -> HttpResponse:
    mark = get_visible_or_404(
        KeyHousehold.objects.select_related("household__community"), request.user, pk=pk
    )
    place = _household(request, mark.household_id)
    form = KeyUnmarkForm(request.POST)
    if form.is_valid():
        try:
            services.key_unmark(
                mark,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已取消重点户标记，原标记保留在记录中。"))
            return redirect("grid:household", place_pk=place.pk)
    return _household_page(request, place, unmark_form=form)


# ---- 走访台帐 --------------------------------------------------------------------------------
@login_required
def visit_export(request: HttpRequest) -> FileResponse:
    """走访台帐 (.xlsx) of a community or one area, for a period (default: this year to date)."""
    community = sel.community_for(user=request.user, raw=request.GET.get("org", ""))
    area = sel.area_for(user=request.user, community=community, raw=request.GET.get("area", ""))
    today = timezone.localdate()
    start = parse_date(request.GET.get("from")) or dt.date(today.year, 1, 1)
    end = parse_date(request.GET.get("to")) or today
    if end < start:
        start, end = end, start
    qs = sel.visits(user=request.user, community=community, area=area, start=start, end=end)
    where = f"{community.name}{' ' + area.name if area else ''}"
    fh, count = write_table(
        sheet=_("走访台帐"),
        title=_("%(c)s 走访台帐（%(s)s 至 %(e)s）")
        % {"c": where, "s": start.isoformat(), "e": end.isoformat()},
        columns=[
            (_("走访日期"), 12),
            (_("住户"), 20),
            (_("网格/楼栋/单元"), 26),
            (_("走访人"), 12),
            (_("书记亲自走访"), 10),
            (_("见到的人"), 14),
            (_("了解到的情况"), 40),
            (_("后续跟进"), 30),
            (_("服务工单"), 14),
        ],
        rows=(
            [
                v.visited_on,
                v.household.name,
                sel.area_label(v.household),
                v.visitor_name,
                _("是") if v.by_secretary else _("否"),
                v.met,
                v.found,
                v.follow_up,
                v.request.number if v.request_id else "",
            ]
            for v in qs.iterator(chunk_size=500)
        ),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="grid.visits",
        changes={
            "rows": count,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "area": area.pk if area else None,
        },
        scope_path=community.path,
        ip=_ip(request),
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('走访台帐')}-{start}-{end}.xlsx")
