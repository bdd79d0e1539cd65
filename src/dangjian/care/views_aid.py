"""Pages of the mutual-aid fund (党员互助金): the rounds, drafting one by the weighting rule,
adjusting a member's amount with a reason, confirming payment, the 发放表."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core.access import CHANGE, scope_for
from dangjian.core.forms import add_service_errors, org_options
from dangjian.core.formviews import bound_form, rerender_on_error
from dangjian.orgs.selectors.communities import community_for

from . import exports, selectors, services, weighting
from .forms import AidRoundForm, GrantForm, PayForm
from .models import AidGrant, AidState
from .views import PAGE_SIZE, can_change_any, log_export, org_filter, year_filter


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    org = org_filter(request)
    year = year_filter(request)
    qs = selectors.rounds_visible(user=request.user, org=org, year=year)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    this_year = selectors.today().year
    return render(
        request,
        "care/aid_list.html",
        {
            "page": page,
            "org": org,
            "year": year,
            "years": list(range(this_year, this_year - 6, -1)),
            "org_options": org_options(request.user, org.pk if org else None),
            "can_create": can_change_any(request.user),
            "weights": weighting.Weights.for_org(org),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """拟定一次发放: choose the members (those in difficulty are ticked), enter the sum; the
    amounts are proposed by the rule."""
    org = community_for(user=request.user, raw=request.GET.get("org", ""))
    if org is None or not scope_for(request.user).reaches_path(org.path, CHANGE):
        raise Http404
    if request.method == "POST":
        form = AidRoundForm(request.POST, user=request.user, org=org)
        if form.is_valid():
            try:
                rnd = services.aid_round_create(
                    acting_user=request.user, org=org, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已按份数测算各人金额，请核对后确认发放。"))
                return redirect("care:aid_detail", pk=rnd.pk)
    else:
        candidates = selectors.aid_candidates(user=request.user, org=org)
        form = AidRoundForm(
            user=request.user,
            org=org,
            initial={"recipients": [r.pk for r in candidates if r.hardship]},
        )
    return render(
        request,
        "care/aid_form.html",
        {"form": form, "org": org, "weights": weighting.Weights.for_org(org)},
    )


def _round(request: HttpRequest, pk: int, action: str = "view"):
    rnd = selectors.round_for(user=request.user, pk=pk, action=action)
    if rnd is None:
        raise Http404
    return rnd


@login_required
def detail(request: HttpRequest, pk: int, grant_id: int = 0, bound: dict | None = None):
    rnd = _round(request, pk)
    grant_form = bound_form(bound, "grant_form")
    can_change = rnd.state == AidState.DRAFT and scope_for(request.user).reaches_path(
        rnd.org.path, CHANGE
    )
    grants = list(selectors.grants_in(rnd))
    return render(
        request,
        "care/aid_detail.html",
        {
            "rnd": rnd,
            "grants": grants,
            "total": sum((g.amount for g in grants), start=0),
            "can_change": can_change,
            "pay_form": bound_form(bound, "pay_form")
            or (
                PayForm(initial={"paid_on": selectors.today(), "version": rnd.version})
                if can_change
                else None
            ),
            "grant_form": grant_form,
            "grant_id": grant_id,
        },
    )


@login_required
@require_POST
def grant(request: HttpRequest, pk: int) -> HttpResponse:
    """Adjust one member's amount (before payment; a reason when it departs from the rule)."""
    g = (
        AidGrant.objects.changeable_by(request.user)
        .select_related("round", "round__org", "recipient__member")
        .filter(pk=pk)
        .first()
    )
    if g is None:
        raise Http404
    form = GrantForm(request.POST)
    again = {"name": "grant_form", "pk": g.round_id, "grant_id": g.pk}
    if not form.is_valid():
        return rerender_on_error(detail, request, form, **again)
    try:
        services.aid_grant_adjust(
            g,
            acting_user=request.user,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        return rerender_on_error(detail, request, form, exc, **again)
    messages.success(request, _("已调整 %(n)s 的金额。") % {"n": g.recipient.member.name})
    return redirect("care:aid_detail", pk=g.round_id)


@login_required
@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk, CHANGE)
    form = PayForm(request.POST)
    if not form.is_valid():
        return rerender_on_error(detail, request, form, name="pay_form", pk=rnd.pk)
    try:
        services.aid_round_pay(
            rnd,
            acting_user=request.user,
            paid_on=form.cleaned_data["paid_on"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        return rerender_on_error(detail, request, form, exc, name="pay_form", pk=rnd.pk)
    messages.success(request, _("已确认发放。"))
    return redirect("care:aid_detail", pk=rnd.pk)


@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Discard a draft (a confirmation page, then POST)."""
    rnd = _round(request, pk, CHANGE)
    if request.method == "POST":
        try:
            services.aid_round_delete(rnd, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("care:aid_detail", pk=rnd.pk)
        messages.success(request, _("已删除草稿“%(t)s”。") % {"t": rnd.title})
        return redirect("care:aid")
    return render(request, "care/aid_delete.html", {"rnd": rnd})


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """互助金发放表 (.xlsx) with a signature column."""
    rnd = _round(request, pk)
    fh, count = exports.round_xlsx(rnd=rnd, grants=selectors.grants_in(rnd))
    log_export(request, what=_("互助金发放表"), count=count, org=rnd.org, filters={"round": rnd.pk})
    return FileResponse(fh, as_attachment=True, filename=f"{_('互助金发放表')}-{rnd.pk}.xlsx")
