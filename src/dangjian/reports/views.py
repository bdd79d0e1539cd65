"""Pages of the annual report: pick a community, read the figures with their sources, write the
words of each section, download the .docx."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.assessment.selectors import communities_visible, community_or_404
from dangjian.core import audit
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.models import AuditEntry

from . import documents, services
from .figures import annual_sections, default_prose
from .models import ReportDraft


def _year(raw: str) -> int:
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year else today.year


def _can_edit(user, community) -> bool:  # noqa: ANN001
    return scope_for(user).reaches_path(community.path, CHANGE)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The communities whose report the user may read; one community goes straight to it."""
    year = _year(request.GET.get("year", ""))
    communities = list(communities_visible(user=request.user))
    if len(communities) == 1:
        return redirect("reports:report", communities[0].pk, year)
    drafts = dict(
        ReportDraft.objects.visible_to(request.user)
        .filter(year=year, community__in=communities)
        .values_list("community_id", "updated_at")
    )
    rows = [(c, drafts.get(c.pk)) for c in communities]
    return render(request, "reports/home.html", {"rows": rows, "year": year})


def _draft(request: HttpRequest, community, year: int) -> ReportDraft | None:  # noqa: ANN001
    return (
        ReportDraft.objects.visible_to(request.user).filter(community=community, year=year).first()
    )


@login_required
def report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    community = community_or_404(user=request.user, pk=pk)
    year = _year(str(year))
    can_edit = _can_edit(request.user, community)
    draft = _draft(request, community, year)
    sections = annual_sections(community, year)
    errors: dict[str, str] = {}
    prose = dict(draft.prose) if draft else {}
    if request.method == "POST":
        if not can_edit:
            raise Http404
        prose = {s.key: request.POST.get(f"prose_{s.key}", "") for s in sections}
        raw_version = request.POST.get("version", "")
        try:
            services.draft_save(
                community=community,
                year=year,
                prose=prose,
                acting_user=request.user,
                version=int(raw_version) if raw_version.isdigit() else None,
            )
        except ValidationError as exc:
            for e in exc.error_list:
                errors[e.code or "__all__"] = " ".join(str(m) for m in e.messages)
        else:
            messages.success(request, _("报告文字已保存。表中数字随记录自动更新。"))
            return redirect("reports:report", community.pk, year)
    rows = [
        {
            "section": s,
            "text": prose.get(s.key) or "",
            "placeholder": default_prose(s, community, year),
            "error": errors.get(s.key, ""),
        }
        for s in sections
    ]
    return render(
        request,
        "reports/report.html",
        {
            "community": community,
            "year": year,
            "rows": rows,
            "draft": draft,
            "can_edit": can_edit,
            "form_error": errors.get("__all__") or errors.get("conflict", ""),
        },
    )


@login_required
def report_docx(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    community = community_or_404(user=request.user, pk=pk)
    year = _year(str(year))
    from django.conf import settings

    from dangjian.background import kinds
    from dangjian.background import services as background

    size = kinds.members_under(community)
    if size > settings.DANGJIAN_BACKGROUND_ROWS:
        # a big community's year is counted by the worker: the user watches its page
        job = background.request_export(
            acting_user=request.user,
            kind=kinds.ANNUAL_REPORT,
            params={
                "community": community.pk,
                "year": year,
                "site": request.build_absolute_uri("/").rstrip("/"),
            },
            title=_("%(c)s %(y)d 年度党建工作报告") % {"c": community.name, "y": year},
            filename=f"{community.name}{year}{_('年度党建工作报告')}.docx",
            scope_path=community.path,
            total=size,
            ip=request.META.get("REMOTE_ADDR"),
        )
        return redirect("background:detail", pk=job.pk)
    draft = _draft(request, community, year)
    sections = annual_sections(community, year)
    fh = documents.write_report(
        community=community,
        year=year,
        sections=sections,
        prose=dict(draft.prose) if draft else {},
        site=request.build_absolute_uri("/").rstrip("/"),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=community,
        acting_user=request.user,
        object_repr=_("%(c)s %(y)d 年度党建工作报告导出") % {"c": community.name, "y": year},
        changes={"year": year, "figures": sum(len(s.figures) for s in sections)},
    )
    return FileResponse(
        fh,
        as_attachment=True,
        filename=f"{community.name}{year}{_('年度党建工作报告')}.docx",
    )
