"""Pages of 党员承诺: the branch's list and ledger, one commitment with its steps, the member's
own (drafted on a phone). The community's public board is in views_board. Thin: services
decide."""

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
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.forms import add_service_errors, org_options
from dangjian.core.formviews import bound_form, rerender_on_error
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.members.models import Member
from dangjian.members.models import State as MemberState
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from . import cards, exports, selectors, services, services_evidence, services_rating, views_board
from .evaluation import TIER_LABELS
from .forms import CommitmentForm, DraftForOtherForm, EvidenceForm, RatingForm, StepForm
from .models import Commitment, Kind, State, Tier

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> dict[str, Any]:
    raw = request.GET.get("org", "")
    org = None
    if raw:
        org = get_visible_or_404(
            Organisation.objects.all(), request.user, pk=raw if raw.isdigit() else 0
        )
    year = request.GET.get("year", "")
    return {
        "org": org,
        "year": int(year) if year.isdigit() else timezone.localdate().year,
        "state": request.GET.get("state", ""),
        "kind": request.GET.get("kind", ""),
        "q": request.GET.get("q", "").strip(),
    }


def _qs(request: HttpRequest, f: dict[str, Any]):  # noqa: ANN202
    return selectors.commitments_visible(
        user=request.user, org=f["org"], year=f["year"], state=f["state"], kind=f["kind"], q=f["q"]
    )


@login_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    """The commitments of the user's branches for a year, with how many are at each step."""
    f = _filters(request)
    if not scope_for(request.user).is_staff_role:
        return redirect("commitments:mine")
    page = Paginator(_qs(request, f), PAGE_SIZE).get_page(request.GET.get("page"))
    community = _board_community(request.user, f["org"])
    counts = selectors.state_counts(
        selectors.commitments_visible(user=request.user, org=f["org"], year=f["year"])
    )
    return render(
        request,
        "commitments/list.html",
        {
            "page": page,
            "filters": f,
            "counts": [(s, label, counts.get(s, 0)) for s, label in State.choices],
            "states": State.choices,
            "kinds": Kind.choices,
            "org_options": org_options(request.user, f["org"].pk if f["org"] else None),
            "can_draft": bool(scope_for(request.user).change_paths) or request.user.is_superuser,
            "community": community,
            **views_board.board_links(request.user, community),
        },
    )


def _board_community(user: Any, org: Organisation | None) -> Organisation | None:
    """The community whose public board the list links to: the one chosen, or the user's only
    community."""
    if org is not None:
        return org if org.kind in COMMUNITY_KINDS else None
    found = list(
        Organisation.objects.visible_to(user)
        .filter(kind__in=list(COMMUNITY_KINDS), is_active=True)
        .order_by("path")[:2]
    )
    return found[0] if len(found) == 1 else None


def _audit_export(request: HttpRequest, f: dict[str, Any], what: str, count: int) -> None:
    scope = scope_for(request.user)
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field=what,
        changes={"rows": count, "year": f["year"], "org": f["org"].pk if f["org"] else None},
        scope_path=f["org"].path if f["org"] else (scope.view_paths[0] if scope.view_paths else ""),
    )


@login_required
def commitment_export(request: HttpRequest) -> FileResponse:
    """党员承诺台帐 (.xlsx): every commitment of the filtered list, with its step and grade."""
    f = _filters(request)
    where = f["org"].name if f["org"] else _("全部")
    fh, count = write_table(
        sheet=_("党员承诺台帐"),
        title=_("%(y)d 年党员承诺台帐（%(w)s）") % {"y": f["year"], "w": where},
        columns=exports.columns(),
        rows=exports.rows(_qs(request, f)),
    )
    _audit_export(request, f, "commitments.ledger", count)
    name = _("党员承诺台帐")
    return FileResponse(fh, as_attachment=True, filename=f"{name}-{f['year']}.xlsx")


@login_required
def commitment_cards(request: HttpRequest) -> FileResponse:
    """承诺卡 (.docx) of the commitments on display, one card each, for the notice board."""
    f = _filters(request)
    qs = _qs(request, f).filter(state__in=(State.PUBLISHED, State.EVALUATING, State.EVALUATED))
    fh, count = cards.write_cards(qs, year=f["year"])
    _audit_export(request, f, "commitments.cards", count)
    name = _("党员承诺卡")
    return FileResponse(fh, as_attachment=True, filename=f"{name}-{f['year']}.docx")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A member's own commitments, and the button to write one (made for a phone)."""
    member_id = scope_for(request.user).member_id
    if member_id is None:
        raise Http404
    rows = Commitment.objects.visible_to(request.user).filter(member_id=member_id)
    return render(
        request,
        "commitments/mine.html",
        {"rows": rows.select_related("org").order_by("-year", "-pk")[:50]},
    )


def _draftable_members(user: Any):  # noqa: ANN202
    return (
        Member.objects.changeable_by(user)
        .filter(state=MemberState.ACTIVE)
        .select_related("org")
        .order_by("org__path", "name")[:500]
    )


@login_required
def commitment_create(request: HttpRequest) -> HttpResponse:
    """A member writes their own draft; a secretary may write one for a member of their branch."""
    scope = scope_for(request.user)
    for_self = scope.member_id is not None and request.GET.get("for") != "other"
    if not for_self and not (scope.change_paths or scope.everything):
        raise Http404
    members = () if for_self else _draftable_members(request.user)
    form_class = CommitmentForm if for_self else DraftForOtherForm
    kwargs = {} if for_self else {"members": members}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if for_self:
            member = Member.objects.get(pk=scope.member_id)
        else:
            member = get_visible_or_404(
                Member.objects.all(), request.user, CHANGE, pk=data.pop("member")
            )
        try:
            c = services.commitment_draft(acting_user=request.user, member=member, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("承诺已保存为草稿。确认无误后请点击“提交申诺”。"))
            return redirect("commitments:detail", pk=c.pk)
    form.mark_errors()
    return render(request, "commitments/form.html", {"form": form, "title": _("填写党员承诺")})


@login_required
def commitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    c = _acting_or_404(request, pk)
    form = CommitmentForm(
        request.POST or None,
        initial={"kind": c.kind, "title": c.title, "content": c.content, "measures": c.measures},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_edit(
                c,
                acting_user=request.user,
                expected_version=_version(request),
                **form.cleaned_data,
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc) if isinstance(exc, ValidationError) else form.add_error(
                None, str(exc)
            )
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("commitments:detail", pk=c.pk)
    form.mark_errors()
    return render(
        request,
        "commitments/form.html",
        {"form": form, "title": _("修改承诺"), "commitment": c, "version": c.version},
    )


def _acting_or_404(request: HttpRequest, pk: int, *, peers: bool = False) -> Commitment:
    """The commitment, if this user has any part in its steps: the member, whoever may change
    the branch (or the organisation above it), and — for rating — fellow members. Anyone else,
    a read-only viewer included, gets the same 404 as for a missing one."""
    c = selectors.commitment_for(user=request.user, pk=pk)
    scope = scope_for(request.user)
    if (
        scope.member_id == c.member_id
        or scope.reaches_path(c.org.path, CHANGE)
        or (peers and scope.member_org_path == c.org.path)
    ):
        return c
    raise Http404


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@login_required
def commitment_detail(
    request: HttpRequest, pk: int, bound: dict | None = None, step: str = "", tier: str = ""
) -> HttpResponse:
    """One commitment with its steps. A step (``step``) or a rating (``tier``) typed wrong or
    refused comes back on its own form (``bound``); one no longer offered (someone acted first)
    says why above the steps."""
    c = selectors.commitment_for(user=request.user, pk=pk)
    today = timezone.localdate()
    actions = selectors.actions_for(c, request.user)
    scope = scope_for(request.user)
    is_owner = scope.member_id == c.member_id
    result = services_rating.result_for(c)
    rated = (
        set(c.ratings.filter(rater_member_id=scope.member_id).values_list("tier", flat=True))
        if scope.member_id
        else set()
    )
    can_rate = []
    if c.state == State.EVALUATING:
        if is_owner and Tier.SELF not in rated:
            can_rate.append((Tier.SELF, TIER_LABELS[Tier.SELF]))
        if not is_owner and scope.member_org_path == c.org.path and Tier.PEER not in rated:
            can_rate.append((Tier.PEER, TIER_LABELS[Tier.PEER]))
        if scope.reaches_path(c.org.path, CHANGE) and not c.ratings.filter(tier=Tier.ORG).exists():
            can_rate.append((Tier.ORG, TIER_LABELS[Tier.ORG]))
    can_log = c.state == State.PUBLISHED and (is_owner or scope.reaches_path(c.org.path, CHANGE))
    step_form, rating_form = bound_form(bound, "step_form"), bound_form(bound, "rating_form")
    return render(
        request,
        "commitments/detail.html",
        {
            "c": c,
            "steps": [
                (s, services.ACTIONS.get(s.action) or services.SYSTEM_ACTIONS.get(s.action, ""))
                for s in c.steps.select_related("actor__profile")
            ],
            # what was done for it is part of the commitment: whoever may see the commitment
            # (a fellow member rating it too) sees it, not only those who see each deed
            "evidence": c.deeds.select_related("community").order_by("date", "pk"),
            "pickable": services_evidence.pickable(c, user=request.user)[:100] if can_log else (),
            "actions": actions,
            "meetings": selectors.deliberation_meetings(c, today=today)[:20]
            if any(a == "deliberate" for a, _l in actions)
            else (),
            "can_edit": c.state == State.DRAFT
            and (is_owner or scope.reaches_path(c.org.path, CHANGE)),
            "can_log": can_log,
            "can_rate": can_rate,
            "result": result,
            "show_ratings": not is_owner or c.state == State.EVALUATED,
            "evidence_form": bound_form(bound, "evidence_form")
            or EvidenceForm(initial={"date": today}),
            "step": step,
            "step_form": step_form,
            "step_refused": _refused(step_form, step, actions),
            "tier": tier,
            "rating_form": rating_form,
            "rate_refused": _refused(rating_form, tier, can_rate),
        },
    )


def _refused(form: Any, name: str, offered: Any) -> list[str]:
    """Every message of a form sent back for a step or rating the page no longer offers (its
    own form is gone), to show above the steps; nothing when its form is on the page."""
    if form is None or name in {a for a, _label in offered}:
        return []
    return [str(m) for errors in form.errors.values() for m in errors]


@login_required
@require_POST
def commitment_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    c = _acting_or_404(request, pk)
    form = StepForm(request.POST)
    again = {"name": "step_form", "pk": c.pk, "step": action}
    if not form.is_valid():
        return rerender_on_error(commitment_detail, request, form, **again)
    meeting = None
    if action == "deliberate":
        raw = form.cleaned_data["meeting"]
        meeting = (
            selectors.deliberation_meetings(c, today=timezone.localdate())
            .filter(pk=raw if raw.isdigit() else 0)
            .first()
        )
    try:
        services.take_step(
            c,
            action=action,
            acting_user=request.user,
            expected_version=_version(request),
            meeting=meeting,
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, PermissionDenied) as exc:
        return rerender_on_error(commitment_detail, request, form, exc, **again)
    messages.success(request, _("已办理：%(s)s。") % {"s": services.ACTIONS[action]})
    return redirect("commitments:detail", pk=c.pk)


@login_required
@require_POST
def commitment_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    c = _acting_or_404(request, pk)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        return rerender_on_error(commitment_detail, request, form, name="evidence_form", pk=c.pk)
    try:
        services_evidence.evidence_record(c, acting_user=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        return rerender_on_error(
            commitment_detail, request, form, exc, name="evidence_form", pk=c.pk
        )
    messages.success(request, _("已记录践诺情况。"))
    return redirect("commitments:detail", pk=c.pk)


@login_required
@require_POST
def commitment_evidence_pick(request: HttpRequest, pk: int) -> HttpResponse:
    """Count deeds already recorded (ticked on the page) for the commitment."""
    c = _acting_or_404(request, pk)
    try:
        picked = services_evidence.evidence_pick(
            c, acting_user=request.user, deed_ids=request.POST.getlist("deed")
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已记入 %(n)d 件实事。") % {"n": len(picked)})
    return redirect("commitments:detail", pk=c.pk)


@login_required
@require_POST
def commitment_evidence_detach(request: HttpRequest, pk: int) -> HttpResponse:
    """No longer count one deed for the commitment (the deed itself stays)."""
    c = _acting_or_404(request, pk)
    raw = request.POST.get("deed", "")
    deed = get_visible_or_404(c.deeds.all(), request.user, pk=raw if raw.isdigit() else 0)
    try:
        services_evidence.evidence_detach(c, acting_user=request.user, deed=deed)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已不再记入这条承诺（实事本身保留）。"))
    return redirect("commitments:detail", pk=c.pk)


@login_required
@require_POST
def commitment_rate(request: HttpRequest, pk: int, tier: str) -> HttpResponse:
    c = _acting_or_404(request, pk, peers=True)
    form = RatingForm(request.POST)
    again = {"name": "rating_form", "pk": c.pk, "tier": tier}
    if not form.is_valid():
        return rerender_on_error(commitment_detail, request, form, **again)
    try:
        services_rating.rate(c, tier=tier, acting_user=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        return rerender_on_error(commitment_detail, request, form, exc, **again)
    messages.success(request, _("评价已保存。"))
    return redirect("commitments:detail", pk=c.pk)


urlpatterns = [
    path("", commitment_list, name="list"),
    path("export/", commitment_export, name="export"),
    path("cards/", commitment_cards, name="cards"),
    path("mine/", mine, name="mine"),
    path("new/", commitment_create, name="create"),
    path("<int:pk>/", commitment_detail, name="detail"),
    path("<int:pk>/edit/", commitment_edit, name="edit"),
    path("<int:pk>/steps/<str:action>/", commitment_step, name="step"),
    path("<int:pk>/evidence/", commitment_evidence, name="evidence"),
    path("<int:pk>/evidence/pick/", commitment_evidence_pick, name="evidence_pick"),
    path("<int:pk>/evidence/detach/", commitment_evidence_detach, name="evidence_detach"),
    path("<int:pk>/rate/<str:tier>/", commitment_rate, name="rate"),
]
