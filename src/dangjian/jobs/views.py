"""Pages of re-employment (再就业): offers (list with filters and each unit's offers this year,
new, one offer with its referrals and suggested seekers, end), seekers (list, new, one seeker
with the offers that suit them and the referral form, withdraw, reveal the phone), the outcome
of a referral, and the job-matching ledger (.xlsx)."""

from __future__ import annotations

from typing import Any

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

from dangjian.core import audit
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for, subtree_q
from dangjian.core.forms import add_service_errors
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.orgs.models import Organisation, Place, PlaceKind, ResidentUnit
from dangjian.orgs.selectors.communities import community_for
from dangjian.training.models import Level
from dangjian.training.views import period

from . import selectors, services
from .forms import OfferForm, OutcomeForm, SeekerForm
from .models import JobCategory, Offer, Referral, Seeker

PAGE_SIZE = 50


def _errors(exc: Exception) -> str:
    return "；".join(getattr(exc, "messages", [str(exc)]))


def _community(request: HttpRequest) -> Organisation:
    """The community asked for; only staff (secretaries) work here, a member or outsider gets 404."""
    if not scope_for(request.user).is_staff_role:
        raise Http404
    community = community_for(user=request.user, raw=request.GET.get("org", ""))
    if community is None:
        raise Http404
    return community


def _can_change(request: HttpRequest, org: Organisation) -> bool:
    return scope_for(request.user).reaches_path(org.path, CHANGE)


def _units(request: HttpRequest, community: Organisation) -> Any:
    return (
        ResidentUnit.objects.visible_to(request.user).filter(community=community).order_by("name")
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """岗位 list: filters (category, open/ended, period), each unit's offers this year."""
    community = _community(request)
    start, end = period(request)
    category = request.GET.get("category", "")
    category = category if category in JobCategory.values else ""
    state = request.GET.get("state", "")
    state = state if state in ("open", "ended") else ""
    today = timezone.localdate()
    qs = selectors.offers_visible(
        user=request.user,
        community=community,
        category=category,
        state=state,
        start=start,
        end=end,
        on=today,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    units = list(_units(request, community))
    counts = selectors.offers_per_unit(units, end.year)
    return render(
        request,
        "jobs/home.html",
        {
            "community": community,
            "page": page,
            "start": start,
            "end": end,
            "category": category,
            "state": state,
            "categories": JobCategory.choices,
            "today": today,
            "unit_counts": [(u, counts[u.pk]) for u in units],
            "year": end.year,
            "skills_level": Level.SKILLS,
            "can_change": _can_change(request, community),
        },
    )


@login_required
def offer_create(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    if not _can_change(request, community):
        raise Http404
    form = OfferForm(request.POST or None, units=_units(request, community))
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记岗位。下面是可以推荐的求职人员。"))
            return redirect("jobs:offer", pk=offer.pk)
    if request.method == "GET":
        form.initial = {"valid_from": timezone.localdate(), "places": 1}
    return render(
        request, "jobs/form.html", {"form": form, "community": community, "title": _("登记岗位")}
    )


def _offer(request: HttpRequest, pk: int, action: str = "view") -> Offer:
    return get_visible_or_404(
        Offer.objects.select_related("unit", "community"), request.user, action, pk=pk
    )


@login_required
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    today = timezone.localdate()
    can_change = _can_change(request, offer.community)
    is_open = services.is_open(offer, today)
    return render(
        request,
        "jobs/offer.html",
        {
            "offer": offer,
            "referrals": selectors.referrals_visible(user=request.user, offer=offer),
            "suggested": selectors.suggested_seekers(offer=offer) if is_open and can_change else [],
            "is_open": is_open,
            "can_change": can_change,
            "today": today,
        },
    )


@login_required
@require_POST
def offer_end(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk, CHANGE)
    version = request.POST.get("version", "")
    try:
        services.offer_end(
            offer, acting_user=request.user, version=int(version) if version.isdigit() else 0
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("岗位已结束，不再推荐。"))
    return redirect("jobs:offer", pk=offer.pk)


@login_required
def seekers(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    active_raw = request.GET.get("active", "1")
    active = {"1": True, "0": False}.get(active_raw)
    category = request.GET.get("category", "")
    category = category if category in JobCategory.values else ""
    qs = selectors.seekers_visible(
        user=request.user, community=community, active=active, category=category
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/seekers.html",
        {
            "community": community,
            "page": page,
            "active": active_raw,
            "category": category,
            "categories": JobCategory.choices,
            "can_change": _can_change(request, community),
        },
    )


@login_required
def seeker_create(request: HttpRequest) -> HttpResponse:
    community = _community(request)
    if not _can_change(request, community):
        raise Http404
    households = Place.objects.filter(community=community, kind=PlaceKind.HOUSEHOLD).order_by(
        "path"
    )
    form = SeekerForm(request.POST or None, households=households)
    if request.method == "POST" and form.is_valid():
        try:
            seeker = services.seeker_register(
                acting_user=request.user, community=community, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记。下面是适合的岗位。"))
            return redirect("jobs:seeker", pk=seeker.pk)
    return render(
        request,
        "jobs/form.html",
        {"form": form, "community": community, "title": _("登记求职人员")},
    )


def _seeker(request: HttpRequest, pk: int, action: str = "view") -> Seeker:
    return get_visible_or_404(
        Seeker.objects.select_related("community", "household"), request.user, action, pk=pk
    )


def _seeker_page(request: HttpRequest, seeker: Seeker, phone: str = "") -> HttpResponse:
    today = timezone.localdate()
    can_change = _can_change(request, seeker.community)
    referrals = list(selectors.referrals_visible(user=request.user, seeker=seeker))
    for r in referrals:
        r.form = OutcomeForm(initial={"version": r.version, "on": today}, auto_id=f"r{r.pk}_%s")
    response = render(
        request,
        "jobs/seeker.html",
        {
            "seeker": seeker,
            "skills": seeker.skills.all(),
            "phone": phone,
            "referrals": referrals,
            "suggested": selectors.suggested_offers(seeker=seeker, on=today) if can_change else [],
            "can_change": can_change,
        },
    )
    if phone:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def seeker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _seeker_page(request, _seeker(request, pk))


@login_required
@require_POST
def seeker_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full phone number, on purpose and logged."""
    seeker = _seeker(request, pk, CHANGE)
    ip = request.META.get("REMOTE_ADDR")
    phone = services.seeker_reveal_phone(seeker, acting_user=request.user, ip=ip)
    return _seeker_page(request, seeker, phone=phone or _("（未登记电话）"))


@login_required
@require_POST
def seeker_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = _seeker(request, pk, CHANGE)
    version = request.POST.get("version", "")
    try:
        services.seeker_withdraw(
            seeker, acting_user=request.user, version=int(version) if version.isdigit() else 0
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已撤回同意，不再为其推荐岗位。"))
    return redirect("jobs:seeker", pk=seeker.pk)


@login_required
@require_POST
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = _seeker(request, pk, CHANGE)
    raw = request.POST.get("offer", "")
    offer = Offer.objects.filter(
        subtree_q("community__path", seeker.community.path), pk=raw if raw.isdigit() else 0
    ).first()
    if offer is None:
        messages.error(request, _("请选择本社区的岗位。"))
        return redirect("jobs:seeker", pk=seeker.pk)
    try:
        services.referral_create(acting_user=request.user, offer=offer, seeker=seeker)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request, _("已推荐到“%(p)s”。有结果后请回来登记。") % {"p": offer.position}
        )
    return redirect("jobs:seeker", pk=seeker.pk)


@login_required
@require_POST
def referral_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    ref = get_visible_or_404(
        Referral.objects.select_related("offer__community"), request.user, CHANGE, pk=pk
    )
    form = OutcomeForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.referral_outcome(
                ref,
                acting_user=request.user,
                version=d["version"],
                outcome=d["outcome"],
                on=d["on"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已登记推荐结果。"))
    else:
        messages.error(request, _("请选择结果并填写日期。"))
    return redirect("jobs:seeker", pk=ref.seeker_id)


@login_required
def export(request: HttpRequest) -> FileResponse:
    """岗位对接台帐 (.xlsx): every referral of the community in the period, with its offer, unit
    and outcome; seekers' phones are not in it."""
    community = _community(request)
    start, end = period(request)
    qs = selectors.referrals_visible(user=request.user, community=community, start=start, end=end)
    fh, count = write_table(
        sheet=_("岗位对接台帐"),
        title=_("%(c)s 岗位对接台帐（%(s)s 至 %(e)s）")
        % {"c": community.name, "s": start.isoformat(), "e": end.isoformat()},
        columns=[
            (_("推荐日期"), 12),
            (_("求职人员"), 12),
            (_("岗位"), 24),
            (_("岗位类别"), 12),
            (_("提供单位"), 24),
            (_("招聘人数"), 10),
            (_("结果"), 10),
            (_("结果日期"), 12),
        ],
        rows=(
            [
                r.referred_on,
                r.seeker.name,
                r.offer.position,
                r.offer.get_category_display(),
                r.offer.unit.name,
                r.offer.places,
                r.get_outcome_display(),
                r.outcome_on,
            ]
            for r in qs.iterator(chunk_size=500)
        ),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="jobs.referral",
        changes={"rows": count, "start": start.isoformat(), "end": end.isoformat()},
        scope_path=community.path,
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('岗位对接台帐')}-{start}-{end}.xlsx")


app_name = "jobs"
urlpatterns = [
    path("", home, name="home"),
    path("offers/new/", offer_create, name="offer_create"),
    path("offers/<int:pk>/", offer_detail, name="offer"),
    path("offers/<int:pk>/end/", offer_end, name="offer_end"),
    path("seekers/", seekers, name="seekers"),
    path("seekers/new/", seeker_create, name="seeker_create"),
    path("seekers/<int:pk>/", seeker_detail, name="seeker"),
    path("seekers/<int:pk>/reveal-phone/", seeker_reveal, name="seeker_reveal"),
    path("seekers/<int:pk>/withdraw/", seeker_withdraw, name="seeker_withdraw"),
    path("seekers/<int:pk>/refer/", refer, name="refer"),
    path("referrals/<int:pk>/outcome/", referral_outcome, name="referral_outcome"),
    path("export/", export, name="export"),
]
