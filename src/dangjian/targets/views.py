"""Pages of target responsibility letters (党建工作目标责任书): the list of a year (each community
under the street/town/county with its letter), drafting a letter, one letter with its progress,
its targets (add, change, remove while a draft), signing, voiding, the assessment team's judgement
and progress notes, and the letter as .docx.

Access: a letter is read by whoever's grant reaches its community; every change is made by the
issuer (a changing grant on it) — anything else is a 404, as for a missing letter. Progress notes
are written by either side."""

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

from dangjian.assessment.selectors import community_or_404, may_decide
from dangjian.core import audit
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.forms import add_service_errors
from dangjian.core.formviews import bound_form, rerender_on_error
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import COMMUNITY_KINDS, UPPER_KINDS, Office, Organisation

from . import documents, selectors, services
from .forms import JudgeForm, LetterCreateForm, NoteForm, SignForm, TargetForm, VoidForm
from .models import Letter, Status, Target

PAGE_SIZE = 50


def _errors(exc: Exception) -> str:
    return "；".join(getattr(exc, "messages", [str(exc)]))


def _version(request: HttpRequest) -> int:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else 0


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    year = int(raw) if raw.isdigit() else today.year
    return year if 2000 <= year <= today.year + 1 else today.year


def _staff(request: HttpRequest) -> None:
    if not scope_for(request.user).is_staff_role:
        raise Http404


def _letter(request: HttpRequest, pk: int, action: str = "view") -> Letter:
    return get_visible_or_404(
        Letter.objects.select_related("issuer", "community"), request.user, action, pk=pk
    )


def _target(request: HttpRequest, pk: int, action: str = "view") -> Target:
    """A target of a letter the user may see (``view``) or issued by them (``change``)."""
    letters = (
        Letter.objects.changeable_by(request.user)
        if action == CHANGE
        else Letter.objects.visible_to(request.user)
    )
    try:
        return Target.objects.select_related("letter__issuer", "letter__community").get(
            pk=pk, letter__in=letters
        )
    except (Target.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _may_issue(request: HttpRequest, letter: Letter) -> bool:
    return scope_for(request.user).reaches_path(letter.issuer.path, CHANGE)


def _may_note(request: HttpRequest, letter: Letter) -> bool:
    return scope_for(request.user).reaches_path(letter.community.path, CHANGE)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A year's letters: every community under the chosen organisation, with its letter."""
    _staff(request)
    year = _year(request)
    raw = request.GET.get("org", "")
    under: Organisation | None = None
    if raw:
        under = get_visible_or_404(
            Organisation.objects.filter(kind__in=[*UPPER_KINDS, *COMMUNITY_KINDS]),
            request.user,
            pk=raw if raw.isdigit() else 0,
        )
    communities, attach = selectors.community_rows(user=request.user, under=under, year=year)
    page = Paginator(communities, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = attach(list(page))
    for r in rows:
        r.may_draft = r.letter is None and may_decide(user=request.user, community=r.community)
    today = timezone.localdate()
    return render(
        request,
        "targets/home.html",
        {
            "rows": rows,
            "page": page,
            "year": year,
            "years": list(range(today.year + 1, today.year - 4, -1)),
            "under": under,
        },
    )


@login_required
def letter_create(request: HttpRequest) -> HttpResponse:
    _staff(request)
    community = community_or_404(user=request.user, pk=request.GET.get("community", ""))
    issuers = services.issuers_for(user=request.user, community=community)
    if not issuers:
        raise Http404
    form = LetterCreateForm(
        request.POST or None,
        issuers=Organisation.objects.filter(pk__in=[o.pk for o in issuers]).order_by("-depth"),
        initial={"year": _year(request), "issuer": issuers[0].pk, "with_defaults": True},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            letter = services.letter_create(
                acting_user=request.user,
                community=community,
                year=d["year"],
                issuer=d["issuer"],
                issuer_signatory=d["issuer_signatory"],
                with_defaults=d["with_defaults"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已起草责任书。请核对目标后签订。"))
            return redirect("targets:letter", pk=letter.pk)
    form.mark_errors()
    return render(
        request,
        "targets/form.html",
        {"form": form, "title": _("起草目标责任书"), "subtitle": community.name, "back": None},
    )


@login_required
def letter_detail(
    request: HttpRequest, pk: int, row: int = 0, bound: dict | None = None
) -> HttpResponse:
    letter = _letter(request, pk)
    rows = selectors.progress(letter)
    met, total = selectors.met_of(rows)
    may_issue = _may_issue(request, letter)
    draft = letter.status == Status.DRAFT
    signed = letter.status == Status.SIGNED
    today = timezone.localdate()
    for r in rows:
        if may_issue and signed and not r.linked:
            r.judge_form = JudgeForm(
                initial={"version": r.target.version, "judgement": r.target.judgement},
                auto_id=f"j{r.target.pk}_%s",
            )
    return render(
        request,
        "targets/letter.html",
        {
            "letter": letter,
            "rows": rows,
            "met": met,
            "total": total,
            "may_issue": may_issue,
            "may_note": signed and (may_issue or _may_note(request, letter)),
            "draft": draft,
            "signed": signed,
            "add_form": bound_form(bound, "add_form")
            or (
                TargetForm(initial={"version": letter.version}, auto_id="add_%s")
                if may_issue and draft
                else None
            ),
            "void_form": VoidForm(initial={"version": letter.version}, auto_id="void_%s")
            if may_issue and letter.status != Status.VOIDED
            else None,
            "note_form": NoteForm(initial={"day": today}),
            # a progress note typed wrong comes back on its target's row
            "bad_note": bound_form(bound, "bad_note"),
            "row": row,
        },
    )


@login_required
@require_POST
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk, CHANGE)
    try:
        services.letter_update(
            letter,
            acting_user=request.user,
            version=_version(request),
            issuer_signatory=request.POST.get("issuer_signatory", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已保存。"))
    return redirect("targets:letter", pk=letter.pk)


@login_required
@require_POST
def target_add(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk, CHANGE)
    form = TargetForm(request.POST, auto_id="add_%s")
    if not form.is_valid():
        return rerender_on_error(letter_detail, request, form, name="add_form", pk=letter.pk)
    d = form.cleaned_data
    try:
        services.target_add(
            letter,
            acting_user=request.user,
            version=d["version"],
            text=d["text"],
            indicator=d["indicator"],
            target_percent=d["target_percent"],
        )
    except (ValidationError, PermissionDenied) as exc:
        return rerender_on_error(letter_detail, request, form, exc, name="add_form", pk=letter.pk)
    messages.success(request, _("已添加目标。"))
    return redirect("targets:letter", pk=letter.pk)


@login_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk, CHANGE)
    letter = target.letter
    form = TargetForm(
        request.POST or None,
        initial={
            "version": letter.version,
            "text": target.text,
            "indicator": target.indicator,
            "target_percent": target.target_percent,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.target_update(
                target,
                acting_user=request.user,
                version=d["version"],
                text=d["text"],
                indicator=d["indicator"],
                target_percent=d["target_percent"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已修改目标。"))
            return redirect("targets:letter", pk=letter.pk)
    form.mark_errors()
    return render(
        request,
        "targets/form.html",
        {
            "form": form,
            "title": _("修改目标"),
            "subtitle": str(letter),
            "back": letter,
        },
    )


@login_required
@require_POST
def target_remove(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk, CHANGE)
    try:
        services.target_remove(target, acting_user=request.user, version=_version(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已删除目标。"))
    return redirect("targets:letter", pk=target.letter_id)


def _offices(letter: Letter) -> Any:
    return Office.objects.filter(org=letter.community, title=Office.Title.SECRETARY).order_by(
        "-term_start", "pk"
    )


@login_required
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the signing: the community's secretary picked from the office records."""
    letter = _letter(request, pk, CHANGE)
    today = timezone.localdate()
    current = services.current_secretaries(org=letter.community, on=today)
    form = SignForm(
        request.POST or None,
        offices=_offices(letter),
        initial={
            "version": letter.version,
            "signed_on": today,
            "issuer_signatory": letter.issuer_signatory,
            "signer_office": current[0].pk if current else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.letter_sign(
                letter,
                acting_user=request.user,
                version=d["version"],
                signer_office=d["signer_office"],
                signed_on=d["signed_on"],
                issuer_signatory=d["issuer_signatory"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已签订。目标从此不能再修改。"))
            return redirect("targets:letter", pk=letter.pk)
    form.mark_errors()
    return render(
        request,
        "targets/form.html",
        {
            "form": form,
            "title": _("签订责任书"),
            "subtitle": str(letter),
            "back": letter,
            "no_secretary": not current,
        },
    )


@login_required
@require_POST
def void(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk, CHANGE)
    try:
        services.letter_void(
            letter,
            acting_user=request.user,
            version=_version(request),
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("责任书已作废。"))
    return redirect("targets:letter", pk=letter.pk)


@login_required
@require_POST
def judge(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk, CHANGE)
    form = JudgeForm(request.POST)
    if form.is_valid():
        try:
            services.target_judge(
                target,
                acting_user=request.user,
                version=form.cleaned_data["version"],
                judgement=form.cleaned_data["judgement"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已评定。"))
    else:
        messages.error(request, _("请选择评定结果。"))
    return redirect("targets:letter", pk=target.letter_id)


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    if not _may_note(request, target.letter):
        raise Http404
    form = NoteForm(request.POST)
    again = {"name": "bad_note", "pk": target.letter_id, "row": target.pk}
    if not form.is_valid():
        return rerender_on_error(letter_detail, request, form, **again)
    try:
        services.note_add(
            target,
            acting_user=request.user,
            day=form.cleaned_data["day"],
            text=form.cleaned_data["text"],
        )
    except (ValidationError, PermissionDenied) as exc:
        return rerender_on_error(letter_detail, request, form, exc, **again)
    messages.success(request, _("已记录进展。"))
    return redirect("targets:letter", pk=target.letter_id)


@login_required
def met(request: HttpRequest, pk: int) -> HttpResponse:
    """“X / Y” targets met, for one row of the list (fetched per row, so the list itself costs a
    fixed number of queries however many communities it shows)."""
    letter = _letter(request, pk)
    n, total = selectors.met_of(selectors.progress(letter))
    return render(request, "targets/_met.html", {"n": n, "total": total, "letter": letter})


@login_required
def docx(request: HttpRequest, pk: int) -> FileResponse:
    letter = _letter(request, pk)
    fh = documents.write_letter(letter)
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=letter,
        acting_user=request.user,
        field="targets.letter",
    )
    name = documents.title_of(letter) + f"-{letter.community.name}.docx"
    return FileResponse(fh, as_attachment=True, filename=name)


app_name = "targets"
urlpatterns = [
    path("", home, name="home"),
    path("new/", letter_create, name="create"),
    path("<int:pk>/", letter_detail, name="letter"),
    path("<int:pk>/edit/", letter_edit, name="edit"),
    path("<int:pk>/targets/new/", target_add, name="target_add"),
    path("<int:pk>/sign/", sign, name="sign"),
    path("<int:pk>/void/", void, name="void"),
    path("<int:pk>/met/", met, name="met"),
    path("<int:pk>/docx/", docx, name="docx"),
    path("items/<int:pk>/edit/", target_edit, name="target_edit"),
    path("items/<int:pk>/remove/", target_remove, name="target_remove"),
    path("items/<int:pk>/judge/", judge, name="judge"),
    path("items/<int:pk>/notes/new/", note_add, name="note_add"),
]
