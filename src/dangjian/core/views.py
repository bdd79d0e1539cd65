"""Home page, health check, the rules table and the audit trail."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import rules
from .access import scope_for
from .models import AuditEntry
from .selectors import audit_visible


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the database's state when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        return JsonResponse(
            {"status": "ok", "database": {"vendor": connection.vendor, "state": "ok"}}
        )
    except Exception as exc:  # the point of a health check is to report any failure
        return JsonResponse(
            {
                "status": "error",
                "database": {
                    "vendor": connection.vendor,
                    "state": "error",
                    "error": str(exc)[:200],
                },
            },
            status=503,
        )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_staff_role and scope.member_id:
        return redirect("members:detail", pk=scope.member_id)
    from dangjian.orgs.selectors import org_roots_for, org_summaries

    roots = org_roots_for(user=request.user)
    return render(
        request, "core/home.html", {"roots": roots, "summaries": org_summaries(orgs=roots)}
    )


@login_required
def rules_table(request: HttpRequest) -> HttpResponse:
    return render(request, "core/rules.html", {"rows": rules.as_rows()})


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail the user may read: per object (?ct=&id=) or per user (?actor=)."""
    qs = audit_visible(
        user=request.user,
        ct=request.GET.get("ct"),
        object_id=request.GET.get("id"),
        actor=request.GET.get("actor"),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    actor = None
    if request.GET.get("actor", "").isdigit():
        actor = get_user_model().objects.filter(pk=request.GET["actor"]).first()
    return render(
        request,
        "core/audit.html",
        {"page": page, "actor": actor, "title": _("审计记录"), "actions": AuditEntry.Action},
    )
