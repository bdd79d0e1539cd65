"""Pages of the awards (SPEC §10, seed [001]):

* 星级社区党建示范点: the year's list of an upper organisation's communities (proposals from the
  scorecards and decisions, sortable), one community's proposal with its reasons and — for the
  street, town or county above it — the decide form; a community sees its own read-only;
* 每年讲评: the annual review of an upper organisation as a .docx;
* 优秀党务工作者: rounds, a round with its nominations (and its .xlsx), the nominate form (community
  side), a nominee's record and the decide form (the round's organisation).

Everything out of the user's reach is a 404, the same as for what does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.assessment.selectors import community_or_404, deciding_orgs
from dangjian.core import audit
from dangjian.core.forms import add_service_errors
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table

from . import record as records
from . import review as reviews
from . import selectors, services
from .forms import DecideForm, NominateForm, NominationDecideForm, RoundForm
from .models import Outcome

PAGE_SIZE = 20
SORTS = {
    "path": None,
    "total": lambda p: (p.total is None, -(p.total or 0), p.community.path),
    "stars": lambda p: (p.stars is None, -(p.stars or 0), p.community.path),
    "decided": lambda p: (p.decision is None, -(p.decision.decided_stars if p.decision else 0)),
}


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise Http404


def _upper(request: HttpRequest) -> Any:
    """The upper organisation asked for (404 if out of reach), else the first the user decides
    for, else None."""
    raw = request.GET.get("org", "")
    if raw:
        return selectors.upper_org_or_404(request.user, raw)
    return deciding_orgs(user=request.user).first()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The year's model communities: proposals and decisions of the communities in view."""
    year = _year(request)
    org = _upper(request)
    communities = selectors.communities_visible(user=request.user, under=org)
    sort = request.GET.get("sort", "path")
    key = SORTS.get(sort)
    if key is None:
        sort = "path"
        page = Paginator(communities, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = selectors.proposals(list(page.object_list), year)
    else:
        everything = selectors.proposals(list(communities), year)
        everything.sort(key=key)
        page = Paginator(everything, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
    for p in rows:
        p.can_decide = selectors.may_decide(user=request.user, community=p.community)
    return render(
        request,
        "awards/home.html",
        {
            "year": year,
            "org": org,
            "uppers": selectors.upper_orgs_visible(request.user),
            "rows": rows,
            "page": page,
            "sort": sort,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )


def _community_page(
    request: HttpRequest, community: Any, year: int, form: DecideForm | None = None
) -> HttpResponse:
    prop = selectors.proposal(community, year)
    can_decide = selectors.may_decide(user=request.user, community=community)
    if can_decide and form is None:
        d = prop.decision
        form = DecideForm(
            initial={
                "stars": d.decided_stars if d else (prop.stars or 0),
                "reason": d.reason if d else "",
                "version": d.version if d else 0,
            }
        )
    return render(
        request,
        "awards/community.html",
        {
            "p": prop,
            "year": year,
            "can_decide": can_decide,
            "form": form if can_decide else None,
        },
    )


@login_required
def community(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """One community's proposal with its reasons, and the decision (read-only for the community)."""
    _check_year(year)
    c = community_or_404(user=request.user, pk=pk)
    return _community_page(request, c, year)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    _check_year(year)
    c = selectors.deciding_community_or_404(request.user, pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.model_decide(
                acting_user=request.user,
                community=c,
                year=year,
                stars=form.cleaned_data["stars"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except services.NotAllowed:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存示范点决定。"))
            return redirect("awards:community", pk=c.pk, year=year)
    return _community_page(request, c, year, form)


@login_required
def review(request: HttpRequest) -> FileResponse:
    """每年讲评 (.docx) of an upper organisation's communities."""
    year = _year(request)
    org = _upper(request)
    if org is None:
        raise Http404
    communities = list(selectors.communities_visible(user=request.user, under=org))
    rows = selectors.proposals(communities, year)
    fh = reviews.write_review(org, year, rows)
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="awards.review",
        changes={"rows": len(rows), "year": year},
        scope_path=org.path,
    )
    return FileResponse(
        fh, as_attachment=True, filename=f"{org.name}-{year}-{_('社区党建工作讲评')}.docx"
    )


# ---- outstanding party workers --------------------------------------------------------------
@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    qs = selectors.rounds_visible(request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/rounds.html",
        {"page": page, "can_open": deciding_orgs(user=request.user).exists()},
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    orgs = deciding_orgs(user=request.user)
    if not orgs.exists():
        raise Http404
    initial: dict[str, Any] = {"year": timezone.localdate().year}
    raw = request.GET.get("org", "")
    if raw:
        try:
            initial["org"] = orgs.get(pk=int(raw) if raw.isdigit() else 0)
        except orgs.model.DoesNotExist:
            raise Http404 from None
    form = RoundForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services.round_open(acting_user=request.user, **form.cleaned_data)
        except services.NotAllowed:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已开展评选，各社区可以推荐了。"))
            return redirect("awards:round", pk=rnd.pk)
    return render(request, "awards/round_form.html", {"form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.round_or_404(request.user, pk)
    noms = selectors.nominations_visible(request.user, rnd)
    page = Paginator(noms, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/round.html",
        {
            "round": rnd,
            "page": page,
            "can_nominate": selectors.nominating_communities(request.user, rnd).exists()
            and timezone.localdate() <= rnd.nominate_by,
            "can_decide": selectors.may_decide_round(request.user, rnd),
            "gap": services.every_years(rnd.org),
        },
    )


@login_required
def round_export(request: HttpRequest, pk: int) -> FileResponse:
    """The round's nominations with each nominee's record (.xlsx)."""
    rnd = selectors.round_or_404(request.user, pk)
    noms = list(selectors.nominations_visible(request.user, rnd))

    def rows():  # noqa: ANN202
        for i, n in enumerate(noms, start=1):
            lines = records.record_lines(records.nominee_record(n))
            yield [
                i,
                n.community.name,
                n.nominee_name,
                n.member.org.name if n.member_id else _("社区工作者"),
                lines["offices"],
                lines["meetings"],
                lines["lectures"],
                lines["deeds"],
                float(lines["hours"]),
                lines["training_days"],
                lines["commitments"],
                n.citation,
                n.get_outcome_display(),
                n.decision_reason,
            ]

    fh, count = write_table(
        sheet=_("推荐名单"),
        title=_("%(t)s（%(y)d 年）推荐名单") % {"t": rnd.title, "y": rnd.year},
        columns=[
            (_("序号"), 6),
            (_("推荐社区"), 20),
            (_("姓名"), 10),
            (_("所在党组织"), 20),
            (_("任职"), 30),
            (_("参加组织生活（出席）"), 22),
            (_("讲党课（次）"), 10),
            (_("实事（件）"), 10),
            (_("志愿服务（小时）"), 12),
            (_("培训（天）"), 10),
            (_("承诺及评定"), 30),
            (_("推荐理由"), 40),
            (_("评选结果"), 10),
            (_("决定理由"), 24),
        ],
        rows=rows(),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="awards.nomination",
        changes={"rows": count, "round": rnd.pk},
        scope_path=rnd.org.path,
    )
    return FileResponse(fh, as_attachment=True, filename=f"{rnd.title}-{rnd.year}.xlsx")


@login_required
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.round_or_404(request.user, pk)
    choices = selectors.nominating_communities(request.user, rnd)
    raw = request.GET.get("org", "")
    community = (
        choices.filter(pk=int(raw)).first()
        if raw.isdigit()
        else choices.first()
        if not raw
        else None
    )
    if community is None:
        raise Http404
    form = NominateForm(
        request.POST or None,
        members=services.members_for(community),
        staff=services.staff_for(community),
    )
    if request.method == "POST" and form.is_valid():
        try:
            n = services.nominate(
                acting_user=request.user, rnd=rnd, community=community, **form.cleaned_data
            )
        except services.NotAllowed:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已推荐。"))
            return redirect("awards:nominee", pk=n.pk)
    return render(
        request,
        "awards/nominate.html",
        {"round": rnd, "community": community, "communities": choices, "form": form},
    )


def _nominee_page(request: HttpRequest, n: Any, form: Any = None) -> HttpResponse:
    can_decide = selectors.may_decide_round(request.user, n.round)
    if can_decide and form is None:
        form = NominationDecideForm(
            initial={
                "outcome": n.outcome if n.outcome != Outcome.PENDING else None,
                "reason": n.decision_reason,
                "version": n.version,
            }
        )
    return render(
        request,
        "awards/nominee.html",
        {
            "n": n,
            "rec": records.nominee_record(n),
            "can_decide": can_decide,
            "form": form if can_decide else None,
        },
    )


@login_required
def nominee(request: HttpRequest, pk: int) -> HttpResponse:
    return _nominee_page(request, selectors.nomination_or_404(request.user, pk))


@login_required
@require_POST
def nomination_decide(request: HttpRequest, pk: int) -> HttpResponse:
    n = selectors.nomination_or_404(request.user, pk)
    if not selectors.may_decide_round(request.user, n.round):
        raise Http404
    form = NominationDecideForm(request.POST)
    if form.is_valid():
        try:
            services.nomination_decide(
                acting_user=request.user,
                nomination=n,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except services.NotAllowed:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存评选结果。"))
            return redirect("awards:nominee", pk=n.pk)
    return _nominee_page(request, n, form)
