"""Pages of background exports and imports: 我的导出, one job's progress, its file (an export) or
its summary (an import), and 重新生成 / 重新导入.

Only the export's owner reaches any of them; anyone else (even of the same community) gets 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .kinds import KINDS
from .models import BackgroundExport


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _mine(request: HttpRequest, pk: int) -> BackgroundExport:
    job = BackgroundExport.objects.filter(services.visible_q(request.user), pk=pk).first()
    if job is None:
        raise Http404
    return job


def _context(job: BackgroundExport) -> dict:
    result = job.result or {}
    members_url = ""
    if not job.makes_file and job.status == BackgroundExport.Status.DONE and result.get("org"):
        members_url = f"{reverse('members:list')}?{urlencode({'org': result['org']})}"
    return {
        "job": job,
        "kind_label": KINDS[job.kind].label if job.kind in KINDS else job.kind,
        "can_rerun": services.can_rerun(job),
        "result": result,
        "members_url": members_url,
        "more_problems": max(0, result.get("problem_count", 0) - len(result.get("problems", []))),
        "written": services.import_progress(job),
    }


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    qs = BackgroundExport.objects.filter(services.visible_q(request.user)).defer("params")
    page = Paginator(qs, settings.DANGJIAN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "background/list.html", {"page": page, "rows": page.object_list})


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "background/detail.html", _context(_mine(request, pk)))


@login_required
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The small fragment the detail page polls every second while the export is going on."""
    return render(request, "background/progress.html", _context(_mine(request, pk)))


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _mine(request, pk)
    try:
        fh = services.open_file(job=job, acting_user=request.user, ip=_ip(request))
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(fh, as_attachment=True, filename=job.filename)


@login_required
@require_POST
def export_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    job = _mine(request, pk)
    try:
        services.rerun(job=job, acting_user=request.user, ip=_ip(request))
    except ValueError as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(
            request,
            _("已重新开始生成，请稍候。") if job.makes_file else _("已重新开始导入，请稍候。"),
        )
    return redirect("background:detail", pk=job.pk)
