"""Pages of the “五个好” assessment (SPEC §10): a street's (town's, county's) table of its
communities; a community's scorecard, every figure a link to the records it was counted from; the
drill-down of one indicator, whose totals are the scorecard's figure; inspectors' on-site scores
(entered and voided from above). Each page has its .xlsx (``exports``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import rules
from dangjian.core.access import scope_for
from dangjian.core.forms import add_service_errors
from dangjian.core.formviews import bound_form, rerender_on_error
from dangjian.orgs.models import UPPER_KINDS, Organisation

from . import exports, scoring, selectors, services
from . import views_rows as rows_
from .forms import InspectorScoreForm, VoidForm
from .indicators import Good, all_indicators
from .models import InspectorScore

PAGE_SIZE = 50


# ---- the table of communities ------------------------------------------------------------
def _table_org(request: HttpRequest, among: list[Organisation] = ()) -> Organisation | None:
    return rows_.table_org(request.user, request.GET.get("org", ""), among=among)


def _communities(request: HttpRequest, org: Organisation) -> list[Organisation]:
    return rows_.communities_of(request.user, org)


def _upper_orgs(request: HttpRequest) -> list[Organisation]:
    return list(
        Organisation.objects.visible_to(request.user)
        .filter(kind__in=list(UPPER_KINDS), is_active=True)
        .order_by("path")
    )


def _rules() -> list[Any]:
    return [rules.get(r) for r in rows_.RULE_IDS]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The communities of a street/town/county with their five goods, total and level; a community
    secretary is sent to their own scorecard."""
    year = rows_.year_of(request.GET.get("year"))
    uppers = _upper_orgs(request)  # the picker's, read first: the table's is usually one of them
    org = _table_org(request, among=uppers)
    if org is None:
        return render(request, "assessment/home.html", {"org": None, "year": year})
    if org.is_community:
        return redirect("assessment:scorecard", pk=org.pk, year=year)
    sort = request.GET.get("sort", "name")
    sort = sort if sort in rows_.SORTS else "name"
    communities = _communities(request, org)
    table = rows_.community_rows(communities, year, sort=sort, above=org)
    return render(
        request,
        "assessment/home.html",
        {
            "org": org,
            "year": year,
            "years": rows_.year_choices(year),
            "orgs": uppers,
            "sort": sort,
            "rows": table,
            "goods": rows_.good_labels(),
            "upper": org.kind in UPPER_KINDS,
            "scored": sum(1 for r in table if r.total is not None),
            "rules_used": _rules(),
        },
    )


@login_required
def export(request: HttpRequest) -> FileResponse:
    """The table as .xlsx (the same figures as the page)."""
    year = rows_.year_of(request.GET.get("year"))
    org = _table_org(request)
    if org is None:
        raise Http404
    sort = request.GET.get("sort", "name")
    table = rows_.community_rows(
        _communities(request, org), year, sort=sort if sort in rows_.SORTS else "name", above=org
    )
    return exports.table(request.user, org, year, table)


# ---- one community's scorecard -----------------------------------------------------------
def _parent_link(request: HttpRequest, community: Organisation) -> Organisation | None:
    """The street (town) above the community, if the user may see its table."""
    parent = community.parent_id and Organisation.objects.filter(pk=community.parent_id).first()
    if parent and scope_for(request.user).reaches_path(parent.path):
        return parent
    return None


@login_required
def scorecard(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    community = selectors.community_or_404(user=request.user, pk=pk)
    year = rows_.year_or_404(year)
    card = scoring.scorecard(community, year)
    used = {ln.key for ln in card.lines}
    # indicators this locality gives no weight: listed (with their records), not counted
    unused = [ind for ind in all_indicators() if ind.key not in used]
    return render(
        request,
        "assessment/scorecard.html",
        {
            "org": community,
            "community": community,
            "year": year,
            "years": rows_.year_choices(year),
            "card": card,
            "goods": rows_.good_rows(card),
            "unused": unused,
            "parent": _parent_link(request, community),
            "may_decide": selectors.may_decide(user=request.user, community=community),
            "rules_used": _rules(),
            "running": card.ctx.running,
        },
    )


@login_required
def scorecard_export(request: HttpRequest, pk: int, year: int) -> FileResponse:
    community = selectors.community_or_404(user=request.user, pk=pk)
    year = rows_.year_or_404(year)
    return exports.scorecard(request.user, scoring.scorecard(community, year))


# ---- the drill-down of one indicator -----------------------------------------------------
def _line(request: HttpRequest, pk: int, year: int, key: str) -> tuple[Organisation, Any]:
    community = selectors.community_or_404(user=request.user, pk=pk)
    year = rows_.year_or_404(year)
    try:
        return community, scoring.measure_one(community, year, key)
    except KeyError:
        raise Http404 from None


@login_required
def records(request: HttpRequest, pk: int, year: int, key: str) -> HttpResponse:
    community, line = _line(request, pk, year, key)
    show = request.GET.get("show", "all")
    show = show if show in rows_.SHOWS else "all"
    everything = line.measure.records
    chosen = rows_.filtered(everything, show)
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    met = sum(1 for r in everything if r.ok)
    return render(
        request,
        "assessment/records.html",
        {
            "org": community,
            "community": community,
            "year": year,
            "line": line,
            "row": rows_.LineRow(line, None),
            "good_label": Good.LABELS[line.indicator.good],
            "show": show,
            "shows": [("all", _("全部")), ("ok", _("达标")), ("bad", _("未达标"))],
            "page": page,
            "items": [(r, rows_.num(r.earned), rows_.num(r.out_of)) for r in page],
            "met": met,
            "unmet": len(everything) - met,
            "counted": line.weight > 0,
            "is_inspected": key.startswith("inspect."),
        },
    )


@login_required
def records_export(request: HttpRequest, pk: int, year: int, key: str) -> FileResponse:
    community, line = _line(request, pk, year, key)
    return exports.records(request.user, community, year, line)


# ---- inspectors' on-site scores ----------------------------------------------------------
def _scores(
    request: HttpRequest, community: Organisation, year: int, row: int = 0, void_form: Any = None
) -> list[InspectorScore]:
    order = {g: i for i, g in enumerate(Good.ORDER)}
    rows = list(
        InspectorScore.objects.visible_to(request.user)
        .filter(community=community, year=year)
        .select_related("entered_by")
        .order_by("scored_on", "pk")
    )
    rows.sort(key=lambda r: order.get(r.good, 9))
    for r in rows:
        r.void_form = (
            void_form
            if void_form is not None and r.pk == row
            else VoidForm(initial={"version": r.version}, auto_id=f"id_void{r.pk}_%s")
        )
    return rows


@login_required
def inspector_scores(
    request: HttpRequest, pk: int, year: int, row: int = 0, bound: dict | None = None
) -> HttpResponse:
    community = selectors.community_or_404(user=request.user, pk=pk)
    year = rows_.year_or_404(year)
    decide = selectors.may_decide(user=request.user, community=community)
    posted = request.method == "POST" and bound is None  # not a void form shown again
    if posted and not decide:
        raise Http404
    form = InspectorScoreForm(
        request.POST if posted else None,
        initial={"scored_on": timezone.localdate(), "good": Good.ORDER[0]},
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            services.inspector_score_add(
                acting_user=request.user,
                community=community,
                year=year,
                good=data["good"],
                score=data["score"],
                inspector=data["inspector"],
                scored_on=data["scored_on"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("已录入考核组打分。"))
            return redirect("assessment:inspector_scores", pk=community.pk, year=year)
    numbers = scoring.Numbers.for_org(community)
    weights = [
        (g, Good.LABELS[g], numbers.weight(f"inspect.{g}"), f"inspect.{g}") for g in Good.ORDER
    ]
    return render(
        request,
        "assessment/inspector_scores.html",
        {
            "org": community,
            "community": community,
            "year": year,
            "may_decide": decide,
            "form": form if decide else None,
            "scores": _scores(request, community, year, row, bound_form(bound, "void_form")),
            "weights": weights,
            "adopted": any(w > 0 for _g, _l, w, _k in weights),
            "weight_rule": rules.get("assess.weights"),
        },
    )


@login_required
@require_POST
def inspector_score_void(request: HttpRequest, pk: int, year: int, sid: int) -> HttpResponse:
    community = selectors.community_or_404(user=request.user, pk=pk)
    year = rows_.year_or_404(year)
    if not selectors.may_decide(user=request.user, community=community):
        raise Http404
    try:
        score = InspectorScore.objects.changeable_by(request.user).get(
            pk=sid, community=community, year=year
        )
    except InspectorScore.DoesNotExist:
        raise Http404 from None
    back = reverse("assessment:inspector_scores", args=[community.pk, year])
    form = VoidForm(request.POST, auto_id=f"id_void{score.pk}_%s")
    again = {"name": "void_form", "pk": community.pk, "year": year, "row": score.pk}
    if not form.is_valid():
        return rerender_on_error(inspector_scores, request, form, **again)
    try:
        services.inspector_score_void(
            acting_user=request.user,
            score=score,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        return rerender_on_error(inspector_scores, request, form, exc, **again)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("已作废该打分，作废理由已记录。"))
    return redirect(back)
