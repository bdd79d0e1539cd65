"""Pages of 信访、民事调解: the list of cases (overdue first), a case with its forms, a new case,
the 人民调解协议书 (.docx) and the 矛盾纠纷排查调处台帐 (.xlsx). Need-to-know: a case outside
what the user reaches is a 404, the same as a missing one; opening a case is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, export_scope_path, scope_for, subtree_q
from dangjian.core.forms import DATE_FORMATS, add_service_errors
from dangjian.core.models import AuditEntry
from dangjian.grid.access import duty_area_paths, reaches_grid
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place

from . import documents, selectors, services
from .forms import CaseForm, CloseForm, FollowUpForm, MediatorForm, PartyForm, SessionForm
from .models import Case, Kind, State

PAGE_SIZE = 30
STATES = [
    (selectors.OVERDUE, "已超期"),
    (selectors.OPEN, "未了结"),
    *State.choices,
]


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _date(raw: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _reach(request: HttpRequest) -> None:
    if not reaches_grid(request.user):
        raise Http404


def _org(request: HttpRequest) -> Organisation | None:
    """The organisation asked for (``?org=``): one the user changes, or a community with one of
    the user's areas; anything else is a 404. None when not asked."""
    raw = request.GET.get("org", "")
    if not raw:
        return None
    org = Organisation.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if org is None:
        raise Http404
    if scope_for(request.user).reaches_path(org.path, CHANGE):
        return org
    if selectors.communities(request.user).filter(pk=org.pk).exists():
        return org
    raise Http404


def _area(request: HttpRequest) -> Place | None:
    raw = request.GET.get("area", "")
    if not raw.isdigit():
        return None
    place = Place.objects.filter(pk=int(raw)).select_related("community").first()
    if place is None or not services.may_work(request.user, place.community, place):
        raise Http404
    return place


def _filters(request: HttpRequest) -> dict[str, Any]:
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    return {
        "org": _org(request),
        "area": _area(request),
        "state": state if state in dict(STATES) else "",
        "kind": kind if kind in Kind.values else "",
        "start": _date(request.GET.get("start", "")),
        "end": _date(request.GET.get("end", "")),
    }


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user reaches, overdue first, 30 a page; no party's name or phone."""
    _reach(request)
    today = timezone.localdate()
    f = _filters(request)
    qs = selectors.cases(
        user=request.user,
        today=today,
        org=f["org"],
        area=f["area"],
        state=f["state"],
        kind=f["kind"],
        start=f["start"],
        end=f["end"],
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    communities = list(selectors.communities(request.user)[:50])
    return render(
        request,
        "mediation/list.html",
        {
            "page": page,
            "f": f,
            "states": STATES,
            "kinds": Kind.choices,
            "communities": communities,
            "areas": (
                selectors.areas(request.user, f["org"])
                if f["org"] is not None and f["org"].kind in COMMUNITY_KINDS
                else []
            ),
            "today": today,
        },
    )


def _places(user: Any, community: Organisation, extra: int | None = None) -> Any:
    """Where a new case can be: the grids, buildings and corridors the user reaches (a household
    too, when the page was opened from it)."""
    qs = Place.objects.filter(community=community)
    q = Q(kind__in=["grid", "building", "corridor"])
    if extra is not None:
        q |= Q(pk=extra, kind="household")
    qs = qs.filter(q)
    if not scope_for(user).reaches_path(community.path, CHANGE):
        reach = Q(pk__in=[])
        for p in duty_area_paths(user):
            reach |= subtree_q("path", p)
        qs = qs.filter(reach)
    return qs.order_by("path")


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """受理一件信访或纠纷 — one column, big fields, works on a phone."""
    _reach(request)
    org = _org(request)
    community = org if org is not None else selectors.communities(request.user).first()
    if community is None or community.kind not in COMMUNITY_KINDS:
        raise Http404
    raw = request.GET.get("place", "")
    places = _places(request.user, community, int(raw) if raw.isdigit() else None)
    form = CaseForm(request.POST or None, places=places)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.case_open(
                acting_user=request.user,
                community=community,
                place=d["place"],
                kind=d["kind"],
                category=d["category"],
                received_on=d["received_on"],
                summary=d["summary"],
                parties=form.parties(),
                mediator_names=form.mediators(),
                me_as_mediator=d.get("me_as_mediator", False),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("已受理，编号 %(n)s，办理时限 %(d)s。")
                % {"n": case.number, "d": case.deadline.isoformat()},
            )
            return redirect("mediation:detail", pk=case.pk)
    if request.method == "GET":
        form.initial = {"received_on": timezone.localdate(), "me_as_mediator": True}
        if raw.isdigit():
            form.initial["place"] = int(raw)
    form.mark_errors()
    return render(request, "mediation/create.html", {"form": form, "community": community})


def _case(request: HttpRequest, pk: int) -> Case:
    try:
        return selectors.case_detail(user=request.user, pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


def _detail(
    request: HttpRequest, case: Case, *, revealed: bool = False, **forms: Any
) -> HttpResponse:
    today = timezone.localdate()
    mediators = case.mediators.all()
    for form in forms.values():
        form.mark_errors()
    response = render(
        request,
        "mediation/detail.html",
        {
            "case": case,
            "today": today,
            "overdue": case.is_overdue(today),
            "revealed": revealed,
            "terms": documents.agreement_terms(case),
            "party_form": forms.get("party_form") or PartyForm(),
            "mediator_form": forms.get("mediator_form") or MediatorForm(),
            "session_form": forms.get("session_form")
            or SessionForm(
                mediators=mediators,
                initial={"held_on": today, "mediators": [m.pk for m in mediators]},
            ),
            "close_form": forms.get("close_form")
            or CloseForm(
                initial={
                    "version": case.version,
                    "closed_on": today,
                    "agreement": documents.agreement_terms(case),
                }
            ),
            "followup_form": forms.get("followup_form")
            or FollowUpForm(initial={"visited_on": today}),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    services.case_read(case, acting_user=request.user, ip=_ip(request))
    return _detail(request, case)


@login_required
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The parties' phones in full, shown on purpose and logged."""
    case = _case(request, pk)
    audit.record(
        action=AuditEntry.Action.REVEAL,
        obj=case,
        acting_user=request.user,
        field="mediation.party.phone",
        ip=_ip(request),
    )
    return _detail(request, case, revealed=True)


def _done(request: HttpRequest, case: Case, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("mediation:detail", pk=case.pk)


def _refused(form: Any, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        add_service_errors(form, exc)
    else:
        raise Http404 from None


@login_required
@require_POST
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = PartyForm(request.POST)
    if form.is_valid():
        try:
            services.party_add(case, acting_user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
        else:
            return _done(request, case, _("已添加当事人。"))
    return _detail(request, _case(request, pk), party_form=form)


@login_required
@require_POST
def mediator_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = MediatorForm(request.POST)
    if form.is_valid():
        try:
            services.mediator_add(
                case,
                acting_user=request.user,
                name=form.cleaned_data["name"],
                me=form.cleaned_data["me"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
        else:
            return _done(request, case, _("已添加调解员。"))
    return _detail(request, _case(request, pk), mediator_form=form)


@login_required
@require_POST
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = SessionForm(request.POST, mediators=case.mediators.all())
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.session_record(
                case,
                acting_user=request.user,
                held_on=d["held_on"],
                venue=d["venue"],
                mediators=[m.pk for m in d["mediators"]],
                agreed=d["agreed"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
        else:
            return _done(request, case, _("已记录这次调解。"))
    return _detail(request, _case(request, pk), session_form=form)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.case_close(
                case,
                acting_user=request.user,
                version=d["version"],
                outcome=d["outcome"],
                closed_on=d["closed_on"],
                agreement=d["agreement"],
                referred_to=d["referred_to"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
        else:
            return _done(request, case, _("案件已了结。"))
    return _detail(request, _case(request, pk), close_form=form)


@login_required
@require_POST
def followup_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.followup_add(
                case,
                acting_user=request.user,
                visited_on=d["visited_on"],
                note=d["note"],
                by_name=d["by_name"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
        else:
            return _done(request, case, _("已记录回访。"))
    return _detail(request, _case(request, pk), followup_form=form)


@login_required
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """人民调解协议书 (.docx): from the closing agreement, or the latest session's agreed terms
    (a draft to sign); opening it is a read of the case, audited."""
    case = _case(request, pk)
    terms = documents.agreement_terms(case)
    if not terms:
        messages.error(request, _("还没有达成协议的内容：请先记录调解达成的内容。"))
        return redirect("mediation:detail", pk=case.pk)
    services.case_read(case, acting_user=request.user, ip=_ip(request))
    fh = documents.write_agreement(case, terms=terms)
    response = FileResponse(
        fh, as_attachment=True, filename=f"{_('人民调解协议书')}-{case.number}.docx"
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export(request: HttpRequest) -> FileResponse:
    """矛盾纠纷排查调处台帐 (.xlsx): the cases received in the period (this year unless said),
    by organisation and area, as the list filters them. Audited as an export."""
    _reach(request)
    today = timezone.localdate()
    f = _filters(request)
    start = f["start"] or dt.date(today.year, 1, 1)
    end = f["end"] or dt.date(today.year, 12, 31)
    qs = selectors.ledger_rows(
        selectors.cases(
            user=request.user,
            today=today,
            org=f["org"],
            area=f["area"],
            state=f["state"],
            kind=f["kind"],
            start=start,
            end=end,
        )
    ).order_by("received_on", "pk")
    where = f["area"].name if f["area"] else (f["org"].name if f["org"] else "")
    fh, count = documents.write_ledger(
        qs,
        title=_("%(w)s矛盾纠纷排查调处台帐（%(s)s 至 %(e)s）")
        % {"w": where, "s": start.isoformat(), "e": end.isoformat()},
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="mediation.case",
        changes={"rows": count, "start": start.isoformat(), "end": end.isoformat()},
        scope_path=export_scope_path(request.user, f["org"].path if f["org"] else None),
        ip=_ip(request),
    )
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('矛盾纠纷排查调处台帐')}-{start}-{end}.xlsx"
    )


app_name = "mediation"
urlpatterns = [
    path("", case_list, name="list"),
    path("new/", create, name="create"),
    path("export/", export, name="export"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/reveal/", reveal, name="reveal"),
    path("<int:pk>/parties/", party_add, name="party_add"),
    path("<int:pk>/mediators/", mediator_add, name="mediator_add"),
    path("<int:pk>/sessions/", session_add, name="session_add"),
    path("<int:pk>/close/", close, name="close"),
    path("<int:pk>/follow-ups/", followup_add, name="followup_add"),
    path("<int:pk>/agreement.docx", agreement, name="agreement"),
]
