"""Pages of notices (通知公告): the secretary's list of the notices of the organisations they can
see (filters, sort, .xlsx export), posting and correcting a notice, withdrawing it, one notice;
and the member's own page of the notices sent to them, for a phone with large text.

No read receipts, no "please confirm you read it", no unread counters: the formalism SPEC §14
bans. Access follows the tree: a notice outside the user's reach is a 404, as a missing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Min
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, export_scope_path, get_visible_or_404, scope_for, subtree_q
from dangjian.core.forms import add_service_errors, org_options
from dangjian.core.formviews import bound_form, rerender_on_error
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.meetings.selectors.mine import member_of
from dangjian.members.models import Category
from dangjian.orgs.models import Organisation, OrgKind

from . import selectors, services
from .forms import NoticeForm, WithdrawForm
from .models import Audience, Notice

PAGE_SIZE = 50
MINE_PAGE_SIZE = 20

#: what the notice form gives the services, on creating and on editing
FIELDS = ("audience", "to_org", "category", "title", "body", "publish_on", "withdraw_on")


def _staff(request: HttpRequest) -> None:
    if not scope_for(request.user).is_staff_role:
        raise Http404


def _notice(request: HttpRequest, pk: int, action: str = "view") -> Notice:
    return get_visible_or_404(
        Notice.objects.select_related("org", "to_org", "created_by"), request.user, action, pk=pk
    )


def _changeable_orgs(user: Any) -> Any:
    return (
        Organisation.objects.changeable_by(user)
        .filter(is_active=True)
        .exclude(kind=OrgKind.GROUP)
        .order_by("path")
    )


def may_create(user: Any) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.change_paths)


def _filters(request: HttpRequest) -> dict[str, Any]:
    raw = request.GET.get("org", "")
    org = None
    if raw:
        org = get_visible_or_404(
            Organisation.objects.all(), request.user, pk=raw if raw.isdigit() else 0
        )
    audience = request.GET.get("audience", "")
    state = request.GET.get("state", "")
    sort = request.GET.get("sort", "") or "new"
    return {
        "org": org,
        "audience": audience if audience in Audience.values else "",
        "state": state if state in selectors.STATES else "",
        "sort": sort if sort in selectors.SORTS else "new",
    }


def _query(request: HttpRequest, f: dict[str, Any], today: Any) -> Any:
    return selectors.notices_visible(
        user=request.user,
        today=today,
        org=f["org"],
        audience=f["audience"],
        state=f["state"],
        sort=f["sort"],
    )


def _to_label(n: Notice) -> str:
    if n.audience == Audience.PUBLIC:
        return _("居民（社区公开栏）")
    label = n.to_org.name
    if n.category:
        label += f"（{n.get_category_display()}）"
    return label


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """通知公告: the notices of the organisations the user can see."""
    _staff(request)
    today = timezone.localdate()
    f = _filters(request)
    page = Paginator(_query(request, f, today), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    for n in rows:
        n.state = services.state_of(n, today)
        n.state_label = selectors.STATES[n.state]
        n.to_label = _to_label(n)
    return render(
        request,
        "notices/home.html",
        {
            "page": page,
            "rows": rows,
            "filters": f,
            "org_options": org_options(request.user, f["org"].pk if f["org"] else None),
            "audiences": Audience.choices,
            "states": list(selectors.STATES.items()),
            "sorts": [("new", _("发布日期（新的在前）")), ("old", _("发布日期（早的在前）"))],
            "can_create": may_create(request.user),
        },
    )


@login_required
def export(request: HttpRequest) -> FileResponse:
    """通知公告台帐 (.xlsx): the list as filtered, every page."""
    _staff(request)
    today = timezone.localdate()
    f = _filters(request)
    qs = _query(request, f, today)
    title = _("通知公告台帐") + (f"（{f['org'].name}）" if f["org"] else "")
    fh, count = write_table(
        sheet=_("通知公告"),
        title=f"{title}  {_('导出日期')}：{today.isoformat()}",
        columns=[
            (_("发布日期"), 12),
            (_("撤下日期"), 12),
            (_("状态"), 8),
            (_("发布组织"), 24),
            (_("发给"), 14),
            (_("接收对象"), 24),
            (_("标题"), 30),
            (_("正文"), 60),
        ],
        rows=(
            [
                n.publish_on,
                n.withdraw_on,
                str(selectors.STATES[services.state_of(n, today)]),
                n.org.name,
                n.get_audience_display(),
                _to_label(n),
                n.title,
                n.body,
            ]
            for n in qs.iterator(chunk_size=500)
        ),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="notices.notice",
        object_repr=_("通知公告台帐导出（%(n)d 条）") % {"n": count},
        changes={
            "rows": count,
            "filters": {
                "org": f["org"].pk if f["org"] else None,
                "audience": f["audience"],
                "state": f["state"],
            },
        },
        scope_path=export_scope_path(request.user, f["org"].path if f["org"] else None),
        ip=request.META.get("REMOTE_ADDR"),
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('通知公告台帐')}-{today}.xlsx")


def _form(
    request: HttpRequest, *, notice: Notice | None = None, initial: dict[str, Any] | None = None
) -> NoticeForm:
    orgs = _changeable_orgs(request.user)
    base = orgs.aggregate(d=Min("depth"))["d"] or 0
    if notice is not None:
        chosen = notice.org
    else:
        raw = request.POST.get("org") or request.GET.get("org") or ""
        chosen = orgs.filter(pk=raw).first() if raw.isdigit() else None
    to_orgs = orgs.filter(subtree_q("path", chosen.path)) if chosen is not None else orgs
    return NoticeForm(
        request.POST or None,
        orgs=orgs,
        to_orgs=to_orgs,
        base_depth=base,
        edit=notice is not None,
        initial=initial,
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    if not may_create(request.user):
        raise Http404
    today = timezone.localdate()
    raw = request.GET.get("org", "")
    if raw and not _changeable_orgs(request.user).filter(pk=raw if raw.isdigit() else 0).exists():
        raise Http404  # an organisation the user may not post for: as a missing one
    form = _form(
        request,
        initial={
            "publish_on": today,
            "audience": Audience.MEMBERS,
            "org": int(raw) if raw.isdigit() else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            notice = services.notice_create(
                acting_user=request.user,
                org=d["org"],
                **{k: d[k] for k in FIELDS},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已发布。"))
            return redirect("notices:detail", pk=notice.pk)
    return render(
        request, "notices/form.html", {"form": form, "title": _("发布通知公告"), "notice": None}
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk, CHANGE)
    form = _form(
        request,
        notice=notice,
        initial={
            "version": notice.version,
            "audience": notice.audience,
            "to_org": notice.to_org_id if notice.to_org_id != notice.org_id else None,
            "category": notice.category,
            "title": notice.title,
            "body": notice.body,
            "publish_on": notice.publish_on,
            "withdraw_on": notice.withdraw_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.notice_update(
                notice,
                acting_user=request.user,
                expected_version=d["version"],
                **{k: d[k] for k in FIELDS},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("notices:detail", pk=notice.pk)
    return render(
        request,
        "notices/form.html",
        {"form": form, "title": _("修改通知公告"), "notice": notice},
    )


@login_required
def detail(request: HttpRequest, pk: int, bound: dict | None = None) -> HttpResponse:
    notice = _notice(request, pk)
    today = timezone.localdate()
    state = services.state_of(notice, today)
    may_change = services.may_publish(request.user, notice.org)
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "state": state,
            "state_label": selectors.STATES[state],
            "to_label": _to_label(notice),
            "may_change": may_change and state != "withdrawn",
            "withdraw_form": bound_form(bound, "withdraw_form")
            or (
                WithdrawForm(initial={"version": notice.version, "withdraw_on": today})
                if may_change and state == "current"
                else None
            ),
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk, CHANGE)
    form = WithdrawForm(request.POST)
    again = {"name": "withdraw_form", "pk": notice.pk}
    if not form.is_valid():
        return rerender_on_error(detail, request, form, **again)
    try:
        services.notice_withdraw(
            notice,
            acting_user=request.user,
            expected_version=form.cleaned_data["version"],
            on=form.cleaned_data["withdraw_on"],
        )
    except (ValidationError, PermissionDenied) as exc:
        return rerender_on_error(detail, request, form, exc, **again)
    messages.success(request, _("已撤下。这条通知仍保留在台帐中。"))
    return redirect("notices:detail", pk=notice.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的通知: what the member's organisations announced to them, newest first."""
    member = member_of(request.user)
    if member is None:
        return render(request, "notices/mine_no_member.html")
    today = timezone.localdate()
    qs = selectors.for_member(member, today).order_by("-publish_on", "-pk")
    page = Paginator(qs, MINE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/mine.html",
        {"member": member, "page": page, "rows": list(page), "categories": dict(Category.choices)},
    )


app_name = "notices"
urlpatterns = [
    path("", home, name="home"),
    path("export/", export, name="export"),
    path("new/", create, name="create"),
    path("mine/", mine, name="mine"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/withdraw/", withdraw, name="withdraw"),
]
