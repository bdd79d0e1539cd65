"""Home page, health check, the rules table and the audit trail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules
from .access import scope_for
from .selectors import audit_visible, looked_at_me
from .todos import one_page, todos_for_all

PAGE_SIZE = 50
#: How many of a user's organisations get their 待办 items on the home page.
TODO_CARDS = 3


@login_required
def home(request: HttpRequest) -> HttpResponse:
    with one_page():  # what the 待办 panel and a street's overview both need, read once
        return _home(request)


def _home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.is_staff_role and scope.member_id:
        return redirect("memberapp:home")
    if not scope.is_staff_role and hasattr(request.user, "unit_contact"):
        return redirect("cobuild:my_unit")
    # a grid cadre or a department's contact without a grant: straight to their own work
    if not scope.is_staff_role and getattr(request.user, "_has_area_duty", False):
        return redirect("grid:home")
    if not scope.is_staff_role and getattr(request.user, "_is_contact", False):
        return redirect("admission:home")
    from dangjian.orgs.selectors import coverage_for, org_roots_for, org_summaries, warnings_in

    from .town_overview import town_overview

    roots = org_roots_for(user=request.user)
    today = timezone.localdate()
    summaries = org_summaries(orgs=roots)
    # what is due, for the first few (a user holds a handful of grants at most): every count of
    # every card in one statement
    todos = todos_for_all(user=request.user, orgs=roots[:TODO_CARDS], today=today)
    cards = [
        {
            "org": org,
            "counts": summaries.get(org.pk, {}),
            "coverage": coverage_for(user=request.user, org=org, gaps=False),
            "warnings": len(warnings_in(user=request.user, org=org)),
            "todos": todos[i] if i < TODO_CARDS else None,
            # a street's (town's, county's) figures per community below it, grouped queries
            "overview": town_overview(user=request.user, org=org, today=today)
            if i < TODO_CARDS
            else None,
        }
        for i, org in enumerate(
            roots[:12]
        )  # a user holds a handful of grants; the tree page lists the rest
    ]
    return render(request, "core/home.html", {"cards": cards, "more": len(roots) > 12})


@login_required
def rules_table(request: HttpRequest) -> HttpResponse:
    """The rules in plain Chinese (see :mod:`.rules_view`); administrators also see each key."""
    from .rules_view import rows as rule_rows

    user = request.user
    show_keys = bool(getattr(user, "is_superuser", False) or scope_for(user).everything)
    context = {"rows": rule_rows(rules.as_rows()), "show_keys": show_keys}
    return render(request, "core/rules.html", context)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail the user may read: per object (?ct=&id=) or per user (?actor=), filtered
    by who, kind of record, organisation, action, dates and a search (see :mod:`.audit_view`);
    ``?export=xlsx`` gives the same entries as a ledger."""
    from . import audit_view
    from .audit_display import readable

    visible = audit_visible(
        user=request.user,
        ct=request.GET.get("ct"),
        object_id=request.GET.get("id"),
        actor=request.GET.get("actor"),
        looked=request.GET.get("looked") == "1",
    )
    qs, f = audit_view.apply(visible, request.user, request.GET)
    if request.GET.get("export") == "xlsx":
        return audit_view.export(qs, user=request.user, f=f)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    # Headings come from the rows the user may read — never from looking the object or user up
    # directly, which would tell a guessed id's name to someone outside its scope.
    actor_name = object_name = ""
    if request.GET.get("actor"):
        if request.GET["actor"] == str(request.user.pk):
            actor_name = request.user.get_username()
        elif rows and rows[0].actor is not None:
            actor_name = rows[0].actor.get_username()
    if request.GET.get("id") and rows:
        object_name = rows[0].object_repr
    return render(
        request,
        "core/audit.html",
        {
            "page": page,
            "rows": readable(rows, user=request.user),
            "actor_name": actor_name,
            "object_name": object_name,
            "filtered": bool(request.GET.get("actor") or request.GET.get("id")),
            "looked": request.GET.get("looked") == "1",
            "f": f,
            # one object's history needs no choice of kind or organisation
            "kinds": [] if request.GET.get("id") else audit_view.kind_options(),
            "orgs": [] if request.GET.get("id") else audit_view.org_options(request.user),
            "actions": audit_view.ACTIONS,
            "export_query": audit_view.export_query(request.GET),
            "title": _("审计记录"),
        },
    )


@login_required
def audit_mine(request: HttpRequest) -> HttpResponse:
    """谁查看过我的信息: who opened or revealed the user's own member record, and when."""
    page = Paginator(looked_at_me(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_mine.html",
        {"page": page, "rows": list(page), "title": _("谁查看过我的信息")},
    )
