"""Pages of the 困难家庭台帐: the register (filters, counts per kind, export), one household
(its difficulties, pairings, help given), and the forms to register, end, reveal, pair and
record help. Every page needs a changing grant on the community (need-to-know): for anyone else
the register does not exist (404), the same as a missing one."""

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

from dangjian.checkin import services as checkin_services
from dangjian.checkin.models import Pairing
from dangjian.core import audit
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.forms import DATE_FORMATS, add_service_errors
from dangjian.core.formviews import rerender_on_error
from dangjian.core.models import AuditEntry
from dangjian.core.rules import value
from dangjian.core.xlsx import write_table
from dangjian.members.models import Member
from dangjian.orgs.models import Organisation, Place, PlaceKind
from dangjian.orgs.selectors.communities import community_for

from . import selectors, services
from .forms import DifficultyForm, EndForm, HelpForm, PairForm, PairingEndForm
from .models import Difficulty, Kind

PAGE_SIZE = 50
MASK = "●●●"


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _date(raw: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _community(request: HttpRequest) -> Organisation:
    """The community asked for (or the user's first), which the user must be able to change."""
    community = community_for(user=request.user, raw=request.GET.get("org", ""))
    if community is None or not scope_for(request.user).reaches_path(community.path, CHANGE):
        raise Http404
    return community


def _household(request: HttpRequest, pk: int) -> Place:
    return get_visible_or_404(
        Place.objects.filter(kind=PlaceKind.HOUSEHOLD).select_related(
            "community", "parent__parent__parent"
        ),
        request.user,
        action=CHANGE,
        pk=pk,
    )


def _filters(request: HttpRequest, community: Organisation) -> dict[str, Any]:
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    raw_area = request.GET.get("area", "")
    area = (
        Place.objects.filter(
            pk=int(raw_area),
            community=community,
            kind__in=[PlaceKind.GRID, PlaceKind.BUILDING, PlaceKind.CORRIDOR],
        ).first()
        if raw_area.isdigit()
        else None
    )
    raw_active = request.GET.get("active", "1")
    active = {"1": True, "0": False}.get(raw_active)  # "" → all
    year = timezone.localdate().year
    start = _date(request.GET.get("start", ""))
    end = _date(request.GET.get("end", ""))
    return {
        "kind": kind,
        "area": area,
        "active": active,
        "raw_active": raw_active if raw_active in ("1", "0") else "",
        "start": start,
        "end": end,
        "year": year,
    }


def _areas(community: Organisation) -> Any:
    return Place.objects.filter(
        community=community, kind__in=[PlaceKind.GRID, PlaceKind.BUILDING]
    ).order_by("path")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """困难家庭台帐 of a community: one row per household with its kinds (masked unless the
    list is filtered by kind, a logged reveal), pairings counted, 50 households a page."""
    community = _community(request)
    f = _filters(request, community)
    filters = {
        "user": request.user,
        "community": community,
        "kind": f["kind"],
        "area": f["area"],
        "active": f["active"],
        "start": f["start"],
        "end": f["end"],
    }
    qs = selectors.register_households(**filters)
    if f["kind"]:
        # a list filtered by kind tells the kind of every row on it: a reveal, logged
        services.register_reveal(
            acting_user=request.user,
            scope_path=community.path,
            what="filter",
            kind=f["kind"],
            ip=_ip(request),
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_rows(list(page.object_list), **filters)
    return render(
        request,
        "households/home.html",
        {
            "community": community,
            "page": page,
            "f": f,
            "kinds": Kind.choices,
            "areas": _areas(community),
            "stats": selectors.counts_by_kind(user=request.user, community=community),
            "min_paired": value("households.pairing", "min_members", org=community),
            "mask": MASK,
        },
    )


@login_required
def export(request: HttpRequest) -> FileResponse:
    """困难家庭台帐 (.xlsx) by community and period. The kind and the note stay masked unless
    the user ticks "含困难类别和说明", which is logged as a reveal (only holders of a changing
    grant reach this export at all)."""
    community = _community(request)
    f = _filters(request, community)
    year = f["year"]
    start = f["start"] or dt.date(year, 1, 1)
    end = f["end"] or dt.date(year, 12, 31)
    reveal = request.GET.get("reveal") == "1"
    qs = selectors.register(
        user=request.user,
        community=community,
        kind=f["kind"],
        area=f["area"],
        active=f["active"],
        start=start,
        end=end,
    )
    fh, count = write_table(
        sheet=_("困难家庭台帐"),
        title=_("%(c)s 困难家庭台帐（%(s)s 至 %(e)s）")
        % {"c": community.name, "s": start.isoformat(), "e": end.isoformat()},
        columns=[
            (_("住户"), 24),
            (_("网格/楼栋"), 24),
            (_("困难类别"), 12),
            (_("起始日期"), 12),
            (_("结束日期"), 12),
            (_("情况说明"), 40),
            (_("结对党员数"), 10),
        ],
        rows=(
            [
                d.household.name,
                _area_label(d.household),
                d.get_kind_display() if reveal else MASK,
                d.since,
                d.until,
                (d.note if reveal else (MASK if d.note else "")),
                d.paired,
            ]
            for d in qs.iterator(chunk_size=500)
        ),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="households.difficulty",
        changes={"rows": count, "start": start.isoformat(), "end": end.isoformat()},
        scope_path=community.path,
    )
    if reveal or f["kind"]:
        services.register_reveal(
            acting_user=request.user,
            scope_path=community.path,
            what="export",
            kind=f["kind"],
            rows=count,
            ip=_ip(request),
        )
    return FileResponse(fh, as_attachment=True, filename=f"{_('困难家庭台帐')}-{start}-{end}.xlsx")


def _area_label(place: Place) -> str:
    """Grid / building / corridor above a household (select_related ``parent__parent__parent``)."""
    names: list[str] = []
    p = place.parent
    while p is not None and p.kind != PlaceKind.COMMUNITY:
        names.append(p.name)
        if len(names) == 3:  # grid / building / corridor: all that was selected with it
            break
        p = p.parent
    return " / ".join(reversed(names))


def _detail(request: HttpRequest, place: Place, *, revealed: bool = False, **forms: Any) -> Any:
    checkins = services.pairable(place)
    difficulties = list(selectors.household_difficulties(user=request.user, household=place))
    pairings = list(selectors.household_pairings(user=request.user, household=place))
    for p in pairings:
        p.page_version = checkin_services.pairing_version(p)
    paired_ids = [
        p.checkin.member_id for p in pairings if p.until is None and p.checkin.ended_on is None
    ]
    today = timezone.localdate()
    response = render(
        request,
        "households/detail.html",
        {
            "place": place,
            "area": _area_label(place),
            "difficulties": difficulties,
            "open": [d for d in difficulties if d.until is None],
            "pairings": pairings,
            "history": selectors.household_timeline(
                user=request.user, household=place, pairings=pairings
            ),
            "revealed": revealed,
            "mask": MASK,
            "add_form": forms.get("add_form") or DifficultyForm(initial={"since": today}),
            "pair_form": forms.get("pair_form")
            or PairForm(checkins=checkins, initial={"since": today}),
            "help_form": forms.get("help_form")
            or HelpForm(
                members=Member.objects.filter(pk__in=paired_ids).order_by("name"),
                initial={"date": today, "members": paired_ids},
            ),
            "end_form_today": today,
            # a per-row form (end a difficulty, end a pairing) come back as typed, on its row
            "end_form": forms.get("end_form"),
            "pairing_end_form": forms.get("pairing_end_form"),
            "row": forms.get("row", 0),
            "min_paired": value("households.pairing", "min_members", org=place.community),
            "active_paired": len(paired_ids),
        },
    )
    if revealed:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def detail(request: HttpRequest, pk: int, row: int = 0, bound: dict | None = None) -> HttpResponse:
    return _detail(request, _household(request, pk), row=row, **(bound or {}))


@login_required
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The household's kinds and notes, shown on purpose and logged."""
    place = _household(request, pk)
    services.difficulty_reveal(household=place, acting_user=request.user, ip=_ip(request))
    return _detail(request, place, revealed=True)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """登记困难家庭: choose a household of the community, the kind, since when."""
    community = _community(request)
    households = Place.objects.filter(community=community, kind=PlaceKind.HOUSEHOLD).order_by(
        "path"
    )
    form = DifficultyForm(request.POST or None, households=households)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            row = services.difficulty_record(
                acting_user=request.user,
                household=d["household"],
                kind=d["kind"],
                since=d["since"],
                note=d.get("note", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记。"))
            return redirect("households:detail", pk=row.household_id)
    if request.method == "GET":
        form.initial = {"since": timezone.localdate()}
        raw = request.GET.get("household", "")
        if raw.isdigit():
            form.initial["household"] = int(raw)
    return render(request, "households/create.html", {"form": form, "community": community})


@login_required
@require_POST
def add(request: HttpRequest, pk: int) -> HttpResponse:
    """Another kind of difficulty for this household, from its page."""
    place = _household(request, pk)
    form = DifficultyForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.difficulty_record(
                acting_user=request.user,
                household=place,
                kind=d["kind"],
                since=d["since"],
                note=d.get("note", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                raise Http404 from None
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记。"))
            return redirect("households:detail", pk=place.pk)
    return rerender_on_error(detail, request, form, name="add_form", pk=place.pk)


@login_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    """结束一条登记 (脱困、迁出…): it stays in the household's history."""
    d = get_visible_or_404(
        Difficulty.objects.select_related("household__community"), request.user, pk=pk
    )
    form = EndForm(request.POST)
    again = {"name": "end_form", "pk": d.household_id, "row": d.pk}
    if not form.is_valid():
        return rerender_on_error(detail, request, form, **again)
    try:
        services.difficulty_end(
            d,
            acting_user=request.user,
            until=form.cleaned_data["until"],
            version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        return rerender_on_error(detail, request, form, exc, **again)
    messages.success(request, _("已结束这条登记，它仍保留在这户的记录中。"))
    return redirect("households:detail", pk=d.household_id)


@login_required
@require_POST
def pair(request: HttpRequest, pk: int) -> HttpResponse:
    place = _household(request, pk)
    form = PairForm(request.POST, checkins=services.pairable(place))
    if form.is_valid():
        try:
            services.household_pair(
                acting_user=request.user,
                household=place,
                checkin=form.cleaned_data["checkin"],
                since=form.cleaned_data["since"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已结对。这户会计入该党员的报到年度。"))
            return redirect("households:detail", pk=place.pk)
    return rerender_on_error(detail, request, form, name="pair_form", pk=place.pk)


@login_required
@require_POST
def help_given(request: HttpRequest, pk: int) -> HttpResponse:
    place = _household(request, pk)
    members = Member.objects.filter(
        checkins__pairings__household=place,
        checkins__pairings__until__isnull=True,
        checkins__ended_on__isnull=True,
    ).distinct()
    form = HelpForm(request.POST, members=members)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.household_help(
                acting_user=request.user,
                household=place,
                members=[m.pk for m in d["members"]],
                title=d["title"],
                date=d["date"],
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                form.add_error(None, str(exc))
            else:
                add_service_errors(form, exc)
        else:
            messages.success(request, _("已记录帮扶。这件事计入参加党员的报到年度和实事记录。"))
            return redirect("households:detail", pk=place.pk)
    return rerender_on_error(detail, request, form, name="help_form", pk=place.pk)


@login_required
@require_POST
def pairing_end(request: HttpRequest, pk: int, pairing: int) -> HttpResponse:
    """结束结对 from the household's page (the button asks first): the pairing ends on the date
    given and stays in the household's history."""
    place = _household(request, pk)
    p = Pairing.objects.filter(household=place, pk=pairing).first()
    if p is None:
        raise Http404
    form = PairingEndForm(request.POST)
    again = {"name": "pairing_end_form", "pk": place.pk, "row": p.pk}
    if not form.is_valid():
        return rerender_on_error(detail, request, form, **again)
    try:
        services.household_unpair(
            acting_user=request.user,
            pairing=p,
            on=form.cleaned_data["on"],
            version=form.cleaned_data["version"],
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        return rerender_on_error(detail, request, form, exc, **again)
    messages.success(request, _("已结束结对，这次结对仍保留在这户的帮扶历史中。"))
    return redirect("households:detail", pk=place.pk)


def community_url(community: Organisation) -> str:
    return f"{reverse('households:home')}?org={community.pk}"


app_name = "households"
urlpatterns = [
    path("", home, name="home"),
    path("export/", export, name="export"),
    path("new/", create, name="create"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/reveal/", reveal, name="reveal"),
    path("<int:pk>/difficulties/new/", add, name="add"),
    path("<int:pk>/pair/", pair, name="pair"),
    path("<int:pk>/help/", help_given, name="help"),
    path("<int:pk>/pairings/<int:pairing>/end/", pairing_end, name="pairing_end"),
    path("difficulties/<int:pk>/end/", end, name="end"),
]
