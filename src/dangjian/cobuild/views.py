"""Pages of 共驻共建: the community's units against the rules with their proposed stars, one unit,
activities (recording with photos, the ledger, the chronicle, a briefing), shared resources
with bookings, and the star decisions. Thin: forms check, selectors read, services write."""

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

from dangjian.core import audit
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.files import private_file
from dangjian.core.forms import add_service_errors, parse_date
from dangjian.core.formviews import bound_form, rerender_on_error
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, ResidentUnit
from dangjian.orgs.selectors.communities import community_for

from . import documents, selectors, services
from .forms import (
    ActivityEditForm,
    ActivityForm,
    AgreementForm,
    BookingForm,
    ResourceForm,
    StarsForm,
    UnitForm,
)
from .models import Activity, Photo, Pledge, Resource, StarRating

PAGE_SIZE = 50


def _say(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))


def _community(request: HttpRequest, raw: str | None = None) -> Organisation:
    raw = request.GET.get("org", "") if raw is None else raw
    found = community_for(user=request.user, raw=raw)
    if found is None or not scope_for(request.user).is_staff_role:
        raise Http404
    return found


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() else timezone.localdate().year


def _can_change(request: HttpRequest, org: Organisation) -> bool:
    return scope_for(request.user).reaches_path(org.path, CHANGE)


def _export_audit(request: HttpRequest, what: str, count: int, org: Organisation) -> None:
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field=what,
        changes={"rows": count},
        scope_path=org.path,
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Every unit of the community this year: deeds, volunteer services, activities, council
    attendance, pledges — who is behind the rules first — and the proposed and decided stars."""
    community = _community(request)
    year = _year(request)
    rows = selectors.standings(user=request.user, community=community, year=year)
    return render(
        request,
        "cobuild/overview.html",
        {
            "community": community,
            "year": year,
            "rows": rows,
            "behind": sum(1 for r in rows if r.behind),
            "can_change": _can_change(request, community),
        },
    )


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    if not _can_change(request, community):
        raise Http404
    others = (
        Organisation.objects.visible_to(request.user)
        .filter(kind__in=list(COMMUNITY_KINDS), is_active=True)
        .exclude(pk=community.pk)
        .order_by("path")
    )
    form = UnitForm(request.POST or None, communities=others)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        also_in = list(data.pop("also_in", []))
        try:
            unit = services.unit_register(
                acting_user=request.user, community=community, also_in=also_in, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记驻区单位：%(n)s。") % {"n": unit.name})
            return redirect("cobuild:unit", pk=unit.pk)
    form.mark_errors()
    return render(
        request,
        "cobuild/form.html",
        {"form": form, "title": _("登记驻区单位"), "community": community},
    )


@login_required
def unit_detail(
    request: HttpRequest, pk: int, bound: dict | None = None, year: int | None = None
) -> HttpResponse:
    """One unit: its proposed and decided stars, agreements, deeds. A star decision or an
    agreement typed wrong comes back here (``bound``), for the ``year`` it was about."""
    unit = get_visible_or_404(
        ResidentUnit.objects.select_related("community", "party_org"), request.user, pk=pk
    )
    year = year or _year(request)
    return render(
        request,
        "cobuild/unit.html",
        {
            "unit": unit,
            "year": year,
            "counts": selectors.year_counts([unit], year)[unit.pk],
            "proposal": selectors.proposal_for(unit=unit, year=year),
            "stars": StarRating.objects.filter(unit=unit).order_by("-year"),
            "deeds": selectors.unit_deeds(unit=unit, user=request.user, limit=20),
            "agreements": unit.agreements.prefetch_related("pledges").order_by("-starts_on"),
            "resources": unit.resources.all(),
            "can_change": _can_change(request, unit.community),
            "agreement_form": bound_form(bound, "agreement_form") or AgreementForm(),
            "stars_form": bound_form(bound, "stars_form"),
        },
    )


@login_required
@require_POST
def stars_decide(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_visible_or_404(
        ResidentUnit.objects.select_related("community"), request.user, CHANGE, pk=pk
    )
    raw_year = request.POST.get("year", "")
    year = int(raw_year) if raw_year.isdigit() else timezone.localdate().year
    form = StarsForm(request.POST)
    # a mistake comes back on the unit's page, where the reason can be typed (the overview's
    # "按建议评定" button has no field for it)
    again = {"name": "stars_form", "pk": unit.pk, "year": year}
    if not form.is_valid():
        return rerender_on_error(unit_detail, request, form, **again)
    try:
        services.stars_decide(acting_user=request.user, unit=unit, year=year, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        return rerender_on_error(unit_detail, request, form, exc, **again)
    messages.success(request, _("已评定 %(u)s 的星级。") % {"u": unit.name})
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/cobuild/") else reverse("cobuild:unit", args=[unit.pk]))


@login_required
@require_POST
def agreement_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_visible_or_404(
        ResidentUnit.objects.select_related("community"), request.user, CHANGE, pk=pk
    )
    form = AgreementForm(request.POST)
    again = {"name": "agreement_form", "pk": unit.pk}
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.agreement_create(
                acting_user=request.user,
                unit=unit,
                title=d["title"],
                signed_on=d["signed_on"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                unit_pledges=d["unit_pledges"].splitlines(),
                community_pledges=d["community_pledges"].splitlines(),
            )
        except (ValidationError, PermissionDenied) as exc:
            return rerender_on_error(unit_detail, request, form, exc, **again)
        messages.success(request, _("已登记共建协议。"))
        return redirect("cobuild:unit", pk=unit.pk)
    return rerender_on_error(unit_detail, request, form, **again)


@login_required
@require_POST
def pledge_check(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_visible_or_404(
        Pledge.objects.select_related("agreement__unit"), request.user, CHANGE, pk=pk
    )
    try:
        services.pledge_check(
            pledge,
            acting_user=request.user,
            kept=request.POST.get("kept") == "1",
            note=request.POST.get("note", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    return redirect("cobuild:unit", pk=pledge.agreement.unit_id)


def _activity_filters(request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "community": _community(request),
        "start": parse_date(request.GET.get("start")) or dt.date(today.year, 1, 1),
        "end": parse_date(request.GET.get("end")) or today,
        "kind": request.GET.get("kind", ""),
    }


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    f = _activity_filters(request)
    qs = selectors.activities_visible(user=request.user, **f)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    from .models import ActivityKind

    return render(
        request,
        "cobuild/activities.html",
        {
            "page": page,
            "filters": f,
            "kinds": ActivityKind.choices,
            "can_change": _can_change(request, f["community"]),
        },
    )


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    if not _can_change(request, community):
        raise Http404
    units = selectors.units_visible(user=request.user, community=community)
    from dangjian.members.models import Member, State

    members = (
        Member.objects.visible_to(request.user)
        .filter(org__path__startswith=community.path, state=State.ACTIVE)
        .order_by("org__path", "name")
    )
    deeds = selectors.deeds_to_detail(user=request.user, community=community)
    raw = request.GET.get("deed", "")
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        members=members,
        deeds=deeds,
        initial={"deed": int(raw)} if raw.isdigit() else None,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            a = services.activity_record(
                acting_user=request.user,
                community=community,
                units=list(data.pop("units")),
                members=list(data.pop("members")),
                photos=data.pop("photos"),
                deed=data.pop("deed"),
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记活动：%(t)s。") % {"t": a.title})
            return redirect("cobuild:activity", pk=a.pk)
    form.mark_errors()
    return render(
        request,
        "cobuild/form.html",
        {"form": form, "title": _("登记共驻共建活动"), "community": community, "files": True},
    )


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_visible_or_404(Activity.objects.select_related("deed__community"), request.user, pk=pk)
    return render(
        request,
        "cobuild/activity.html",
        {
            "a": a,
            "units": a.deed.units.all(),
            "participants": a.deed.participants.select_related("member").order_by("member__name"),
            "photos": a.photos.all(),
            "can_change": _can_change(request, a.deed.community),
        },
    )


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an activity: what happened goes to its deed, the rest to the activity."""
    a = get_visible_or_404(
        Activity.objects.select_related("deed__community"), request.user, CHANGE, pk=pk
    )
    initial = {
        **{f: getattr(a.deed, f) for f in services.DEED_FIELDS},
        **{f: getattr(a, f) for f in services.ACTIVITY_FIELDS},
        "version": a.version,
        "deed_version": a.deed.version,
    }
    form = ActivityEditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version, deed_version = data.pop("version"), data.pop("deed_version")
        photos = data.pop("photos")
        try:
            a = services.activity_update(
                a,
                acting_user=request.user,
                version=version,
                deed_version=deed_version,
                data=data,
                photos=photos,
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存活动：%(t)s。") % {"t": a.title})
            return redirect("cobuild:activity", pk=a.pk)
    form.mark_errors()
    return render(
        request,
        "cobuild/form.html",
        {
            "form": form,
            "title": _("修改共驻共建活动"),
            "community": a.deed.community,
            "files": True,
        },
    )


@login_required
@require_POST
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_visible_or_404(
        Activity.objects.select_related("deed__community"), request.user, CHANGE, pk=pk
    )
    community, title = a.deed.community, a.title
    try:
        services.activity_delete(a, acting_user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
        return redirect("cobuild:activity", pk=pk)
    messages.success(request, _("已删除活动：%(t)s。") % {"t": title})
    return redirect(f"{reverse('cobuild:activities')}?org={community.pk}")


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo, after the access check — never a public media URL."""
    row = get_visible_or_404(Photo.objects.all(), request.user, pk=pk)
    return private_file(row.file)


@login_required
def activity_export(request: HttpRequest) -> FileResponse:
    f = _activity_filters(request)
    qs = selectors.activities_visible(user=request.user, **f)
    title = _("%(c)s共驻共建活动台帐（%(s)s 至 %(e)s）") % {
        "c": f["community"].name,
        "s": f["start"].isoformat(),
        "e": f["end"].isoformat(),
    }
    fh, count = documents.write_ledger(qs, title=title)
    _export_audit(request, "cobuild.ledger", count, f["community"])
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('共驻共建活动台帐')}-{f['end']:%Y%m%d}.xlsx"
    )


@login_required
def chronicle(request: HttpRequest) -> FileResponse:
    f = _activity_filters(request)
    qs = selectors.activities_visible(user=request.user, **f)
    fh, count = documents.write_chronicle(
        qs, community=f["community"].name, start=f["start"], end=f["end"]
    )
    _export_audit(request, "cobuild.chronicle", count, f["community"])
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('共驻共建大事记')}-{f['end']:%Y%m%d}.docx"
    )


@login_required
@require_POST
def briefing(request: HttpRequest) -> FileResponse:
    """简报 from the ticked activities, with their photos."""
    community = _community(request, request.POST.get("org", ""))
    ids = [int(x) for x in request.POST.getlist("activity") if x.isdigit()]
    picked = list(
        selectors.activities_visible(user=request.user, community=community)
        .filter(pk__in=ids)
        .order_by("deed__date", "pk")
    )
    if not picked:
        messages.error(request, _("请先勾选要写进简报的活动。"))
        return redirect(f"{reverse('cobuild:activities')}?org={community.pk}")
    fh, count = documents.write_briefing(
        picked,
        community=community.name,
        issue_no=request.POST.get("issue_no", "").strip() or "1",
        on=timezone.localdate(),
        photo_opener=lambda p: p.file.open("rb"),
    )
    _export_audit(request, "cobuild.briefing", count, community)
    return FileResponse(
        fh,
        as_attachment=True,
        filename=f"{_('共驻共建工作简报')}-{timezone.localdate():%Y%m%d}.docx",
    )


@login_required
def resources(
    request: HttpRequest, org: str | None = None, row: int = 0, bound: dict | None = None
) -> HttpResponse:
    """The shared resources of a community, each with its booking form; a booking typed wrong
    comes back on its resource's row (``row``, ``bound``) with the community ``org``, a new
    resource typed wrong on the form below them."""
    community = _community(request, org)
    rows = (
        Resource.objects.visible_to(request.user)
        .filter(community=community)
        .select_related("unit")
        .prefetch_related("bookings")
    )
    return render(
        request,
        "cobuild/resources.html",
        {
            "community": community,
            "rows": rows,
            "units": selectors.units_visible(user=request.user, community=community),
            "can_change": _can_change(request, community),
            "resource_form": bound_form(bound, "resource_form") or ResourceForm(),
            "booking_form": bound_form(bound, "booking_form"),
            "row": row,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def resource_create(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("unit", "")
    unit = get_visible_or_404(
        ResidentUnit.objects.select_related("community"),
        request.user,
        CHANGE,
        pk=raw if raw.isdigit() else 0,
    )
    form = ResourceForm(request.POST)
    again = {"name": "resource_form", "org": str(unit.community_id)}
    if not form.is_valid():
        return rerender_on_error(resources, request, form, **again)
    try:
        services.resource_create(acting_user=request.user, unit=unit, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        return rerender_on_error(resources, request, form, exc, **again)
    messages.success(request, _("已登记共享资源。"))
    return redirect(f"{reverse('cobuild:resources')}?org={unit.community_id}")


@login_required
@require_POST
def booking_create(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_visible_or_404(
        Resource.objects.select_related("community"), request.user, CHANGE, pk=pk
    )
    form = BookingForm(request.POST)
    again = {"name": "booking_form", "org": str(resource.community_id), "row": resource.pk}
    if form.is_valid():
        d = form.cleaned_data
        tz = timezone.get_current_timezone()
        try:
            services.booking_create(
                acting_user=request.user,
                resource=resource,
                starts_at=dt.datetime.combine(d["day"], d["start"], tzinfo=tz),
                ends_at=dt.datetime.combine(d["day"], d["end"], tzinfo=tz),
                purpose=d["purpose"],
            )
        except (ValidationError, PermissionDenied) as exc:
            return rerender_on_error(resources, request, form, exc, **again)
        messages.success(request, _("已预约：%(r)s。") % {"r": resource.name})
        return redirect(f"{reverse('cobuild:resources')}?org={resource.community_id}")
    return rerender_on_error(resources, request, form, **again)


@login_required
def commended(request: HttpRequest) -> HttpResponse:
    """五星单位: the commendation list of a year, for the guidance committee."""
    community = _community(request)
    year = _year(request)
    rows = (
        StarRating.objects.visible_to(request.user)
        .filter(unit__community__path__startswith=community.path, year=year, stars=5)
        .select_related("unit__community")
        .order_by("unit__community__path", "unit__name")
    )
    return render(
        request, "cobuild/commended.html", {"community": community, "year": year, "rows": rows}
    )


@login_required
def assessment(request: HttpRequest) -> FileResponse:
    """Each unit's co-building result for its own party-building assessment (.xlsx): stars,
    the record behind them, and the weight the rules give it."""
    from dangjian.core import rules
    from dangjian.core.xlsx import write_table

    community = _community(request)
    year = _year(request)
    rows = selectors.standings(user=request.user, community=community, year=year)
    weight = rules.value("cobuild.assessment_weight", "min_fraction", org=community)
    hi = rules.value("cobuild.stars", "max", org=community)

    def lines():  # noqa: ANN202
        for r in rows:
            stars = r.decided.stars if r.decided else None
            yield [
                r.unit.name,
                year,
                stars,
                r.proposal.stars,
                round(100 * stars / hi, 1) if stars else None,
                f"{weight:.0%}",
                r.year.deeds,
                r.year.volunteer_services,
                r.year.activities,
                f"{r.year.councils_attended}/{r.year.councils_due}",
                "；".join(
                    x["text"] for x in (r.decided.reasons if r.decided else r.proposal.as_json())
                ),
            ]

    fh, count = write_table(
        sheet=_("共建成效"),
        title=_("%(c)s %(y)d 年驻区单位共驻共建成效（供单位党建考核，权重不低于 %(w)s）")
        % {"c": community.name, "y": year, "w": f"{weight:.0%}"},
        columns=[
            (_("单位"), 26),
            (_("年度"), 8),
            (_("评定星级"), 10),
            (_("系统建议"), 10),
            (_("折合分（百分制）"), 12),
            (_("考核权重（不低于）"), 12),
            (_("实事"), 8),
            (_("志愿服务"), 8),
            (_("共建活动"), 8),
            (_("联席会出席"), 10),
            (_("依据"), 60),
        ],
        rows=lines(),
    )
    _export_audit(request, "cobuild.assessment", count, community)
    return FileResponse(fh, as_attachment=True, filename=f"{_('共建成效')}-{year}.xlsx")


@login_required
def my_unit(request: HttpRequest) -> HttpResponse:
    """A resident unit's own page for its party contact: its year, its deeds (co-building
    activities and the deeds recorded elsewhere with the unit) and its star history — read straight from the unit's records, nothing of any other unit."""
    unit = selectors.unit_of_contact(request.user)
    if unit is None:
        raise Http404
    year = _year(request)
    deeds = selectors.unit_deeds(unit=unit)
    return render(
        request,
        "cobuild/my_unit.html",
        {
            "unit": unit,
            "year": year,
            "counts": selectors.year_counts([unit], year)[unit.pk],
            "proposal": selectors.proposal_for(unit=unit, year=year),
            "stars": StarRating.objects.filter(unit=unit).order_by("-year"),
            "deeds": deeds,
            "checkins": _unit_checkins(unit),
        },
    )


def _unit_checkins(unit: ResidentUnit) -> list[Any]:
    """The unit's in-service members checked in to communities, each with their year against the
    rule (1–2 deeds, a household paired) — who is behind shows."""
    from dangjian.checkin.models import CheckIn
    from dangjian.checkin.selectors import standings

    today = timezone.localdate()
    checkins = list(
        CheckIn.objects.filter(member__employer_unit=unit, ended_on__isnull=True).select_related(
            "member__org", "community"
        )[:200]
    )
    return standings(checkins, year=today.year, today=today)


app_name = "cobuild"
urlpatterns = [
    path("", overview, name="overview"),
    path("units/new/", unit_create, name="unit_create"),
    path("units/<int:pk>/", unit_detail, name="unit"),
    path("units/<int:pk>/stars/", stars_decide, name="stars_decide"),
    path("units/<int:pk>/agreements/", agreement_create, name="agreement_create"),
    path("pledges/<int:pk>/check/", pledge_check, name="pledge_check"),
    path("activities/", activity_list, name="activities"),
    path("activities/new/", activity_create, name="activity_create"),
    path("activities/export/", activity_export, name="activity_export"),
    path("activities/<int:pk>/", activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", activity_delete, name="activity_delete"),
    path("photos/<int:pk>/", photo, name="photo"),
    path("chronicle/", chronicle, name="chronicle"),
    path("briefing/", briefing, name="briefing"),
    path("resources/", resources, name="resources"),
    path("resources/new/", resource_create, name="resource_create"),
    path("resources/<int:pk>/book/", booking_create, name="booking_create"),
    path("stars/commended/", commended, name="commended"),
    path("stars/assessment/", assessment, name="assessment"),
    path("my-unit/", my_unit, name="my_unit"),
]
