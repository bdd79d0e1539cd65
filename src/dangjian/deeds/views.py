"""Pages of deeds (实事与服务记录): the community's list with period filter and export, the one
form to record a deed (a secretary names everyone who took part; a member records their own),
one deed with everything it counts for, correcting and deleting it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for, subtree_q
from dangjian.core.forms import DATE_FORMATS, add_service_errors
from dangjian.core.formviews import bound_form, rerender_on_error
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.funds.selectors import spending_for
from dangjian.members.models import Member
from dangjian.members.selectors import search_filter
from dangjian.orgs.models import Organisation, Place, PlaceKind, ResidentUnit
from dangjian.orgs.selectors.communities import community_for

from . import selectors, services
from .forms import DeedEditForm, DeedForm
from .models import Deed

PAGE_SIZE = 50


def _date(raw: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The period asked for (start/end), else the year asked for, else this year."""
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    year = year or timezone.localdate().year
    start = _date(request.GET.get("start", "")) or dt.date(year, 1, 1)
    end = _date(request.GET.get("end", "")) or dt.date(year, 12, 31)
    return start, end


def _filtered(request: HttpRequest, community: Organisation | None) -> Any:
    start, end = _period(request)
    scope = scope_for(request.user)
    member = None
    if not scope.is_staff_role:
        member = Member.objects.filter(pk=scope.member_id).first()
        if member is None:
            raise Http404
        community = None
    qs = selectors.deeds_visible(
        user=request.user, community=community, member=member, start=start, end=end
    )
    q = request.GET.get("q", "").strip()
    if q:
        # the member search (pinyin, initials, the SQLite index) through the participants
        qs = qs.filter(search_filter(q, prefix="participants__member__", indexed=False)).distinct()
    return qs, start, end


@login_required
def home(request: HttpRequest) -> HttpResponse:
    community = community_for(user=request.user, raw=request.GET.get("org", ""))
    if community is None and scope_for(request.user).is_staff_role:
        return render(request, "deeds/home.html", {"community": None})
    qs, start, end = _filtered(request, community)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deeds/home.html",
        {
            "community": community,
            "page": page,
            "start": start,
            "end": end,
            "q": request.GET.get("q", ""),
            "is_staff": scope_for(request.user).is_staff_role,
            "can_change": community is not None
            and scope_for(request.user).reaches_path(community.path, CHANGE),
        },
    )


def _form_parts(request: HttpRequest, community: Organisation, full: bool) -> dict[str, Any]:
    if not full:
        return {"households": Place.objects.none(), "members": None, "units": None, "teams": None}
    from dangjian.volunteering.models import Team

    units = ResidentUnit.objects.visible_to(request.user).filter(
        subtree_q("community__path", community.path) | subtree_q("also_in__path", community.path)
    )
    return {
        "households": Place.objects.filter(community=community, kind=PlaceKind.HOUSEHOLD),
        "members": Member.objects.filter(services.eligible_members(community))
        .select_related("org")
        .distinct()
        .order_by("org__path", "name"),
        "units": units.distinct().order_by("name"),
        "teams": Team.objects.filter(community=community, is_active=True),
    }


def _member_community(request: HttpRequest) -> Organisation | None:
    """A member records in their own community, or in the one they checked in to."""
    from dangjian.checkin.models import CheckIn
    from dangjian.core.access import ancestor_paths
    from dangjian.orgs.models import COMMUNITY_KINDS

    scope = scope_for(request.user)
    member = Member.objects.select_related("org").filter(pk=scope.member_id).first()
    if member is None:
        return None
    own = (
        Organisation.objects.filter(
            kind__in=list(COMMUNITY_KINDS), path__in=ancestor_paths(member.org.path)
        )
        .order_by("-depth")
        .first()
    )
    allowed = {o.pk: o for o in [own] if o is not None}
    for c in CheckIn.objects.filter(member=member, ended_on__isnull=True).select_related(
        "community"
    ):
        allowed[c.community_id] = c.community
    raw = request.GET.get("org", "")
    if raw:
        if not raw.isdigit() or int(raw) not in allowed:
            raise Http404
        return allowed[int(raw)]
    return own


@login_required
def record(request: HttpRequest) -> HttpResponse:
    """登记一件实事/一次服务 for a community: its secretary names everyone who took part."""
    community = community_for(user=request.user, raw=request.GET.get("org", ""))
    if community is None or not scope_for(request.user).reaches_path(community.path, CHANGE):
        raise Http404
    return _record(request, community, full=True)


@login_required
def record_mine(request: HttpRequest) -> HttpResponse:
    """A member records what they did themself (and only that), in their own community or the
    one they checked in to."""
    if not scope_for(request.user).member_id:
        raise Http404
    community = _member_community(request)
    if community is None:
        raise Http404
    return _record(request, community, full=False)


def _record(request: HttpRequest, community: Organisation, *, full: bool) -> HttpResponse:
    scope = scope_for(request.user)
    parts = _form_parts(request, community, full)
    form = DeedForm(request.POST or None, **parts)
    if not full:
        del form.fields["household"]
        del form.fields["beneficiaries"]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if full:
            hours = d.get("hours") or ""
            members: Any = {m.pk: hours for m in d["members"]}
        else:
            members = [scope.member_id]
        try:
            deed = services.deed_record(
                acting_user=request.user,
                community=community,
                date=d["date"],
                title=d["title"],
                place=d.get("place", ""),
                household=d.get("household"),
                beneficiaries=d.get("beneficiaries"),
                members=members,
                units=d.get("units") or (),
                team=d.get("team"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记。这件事会计入报到、践诺、履职、志愿服务各台帐。"))
            return redirect("deeds:detail", pk=deed.pk)
    if request.method == "GET":
        form.initial = {"date": timezone.localdate()}
    return render(
        request, "deeds/record.html", {"form": form, "community": community, "full": full}
    )


def _deed(request: HttpRequest, pk: int, action: str = "view") -> Deed:
    qs = Deed.objects.select_related("community", "household", "team")
    if action == CHANGE:
        deed = get_visible_or_404(qs, request.user, pk=pk)
        ids = list(deed.participants.values_list("member_id", flat=True))
        if not services.may_record(
            acting_user=request.user, community=deed.community, member_ids=ids
        ):
            raise Http404
        return deed
    return get_visible_or_404(qs, request.user, pk=pk)


@login_required
def detail(request: HttpRequest, pk: int, bound: dict | None = None) -> HttpResponse:
    deed = _deed(request, pk)
    participants = deed.participants.select_related("member__org").order_by("member__name")
    ids = [p.member_id for p in participants]
    can_change = services.may_record(
        acting_user=request.user, community=deed.community, member_ids=ids
    )
    form = bound_form(bound)
    if can_change and form is None:
        form = DeedEditForm(
            initial={
                "version": deed.version,
                "date": deed.date,
                "title": deed.title,
                "place": deed.place,
                "household": deed.household_id,
                "beneficiaries": deed.beneficiaries,
            },
            households=Place.objects.filter(community=deed.community, kind=PlaceKind.HOUSEHOLD),
        )
    return render(
        request,
        "deeds/detail.html",
        {
            "deed": deed,
            "participants": participants,
            "units": deed.units.all(),
            "commitments": deed.commitments.select_related("member"),
            "holdings": deed.holdings.select_related("post", "member"),
            "activity": getattr(deed, "activity", None),
            "can_change": can_change,
            "can_cobuild": scope_for(request.user).reaches_path(deed.community.path, CHANGE),
            "form": form,
            # money recorded once in the funds ledger, shown where it was spent
            "spending": list(spending_for(deed, user=request.user)),
        },
    )


@login_required
@require_POST
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    deed = _deed(request, pk, CHANGE)
    form = DeedEditForm(
        request.POST,
        households=Place.objects.filter(community=deed.community, kind=PlaceKind.HOUSEHOLD),
    )
    if not form.is_valid():
        return rerender_on_error(detail, request, form, pk=deed.pk)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        services.deed_update(deed, acting_user=request.user, version=version, data=data)
    except (ValidationError, PermissionDenied) as exc:
        return rerender_on_error(detail, request, form, exc, pk=deed.pk)
    messages.success(request, _("已保存修改。"))
    return redirect("deeds:detail", pk=deed.pk)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    deed = _deed(request, pk, CHANGE)
    community = deed.community
    try:
        services.deed_delete(deed, acting_user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return redirect("deeds:detail", pk=pk)
    messages.success(request, _("已删除这条记录（删除已记入操作日志）。"))
    return redirect(f"{reverse('deeds:home')}?org={community.pk}")


@login_required
def export(request: HttpRequest) -> FileResponse:
    """实事与服务台帐 (.xlsx): the list as filtered (community, period, name)."""
    if not scope_for(request.user).is_staff_role:
        raise Http404
    community = community_for(user=request.user, raw=request.GET.get("org", ""))
    if community is None:
        raise Http404
    qs, start, end = _filtered(request, community)
    fh, count = write_table(
        sheet=_("实事与服务台帐"),
        title=_("%(c)s 实事与服务台帐（%(s)s 至 %(e)s）")
        % {"c": community.name, "s": start.isoformat(), "e": end.isoformat()},
        columns=[
            (_("日期"), 12),
            (_("做了什么"), 40),
            (_("地点"), 16),
            (_("服务对象（户）"), 16),
            (_("服务人数"), 10),
            (_("参加党员（小时）"), 40),
            (_("参加单位"), 24),
            (_("服务队"), 14),
            (_("总时长（小时）"), 12),
        ],
        rows=(
            [
                d.date,
                d.title,
                d.place,
                d.household.name if d.household else "",
                d.beneficiaries,
                "、".join(
                    f"{p.member.name}（{p.hours}）" if p.hours else p.member.name
                    for p in d.participants.all()
                ),
                "、".join(u.name for u in d.units.all()),
                d.team.name if d.team else "",
                float(sum((p.hours or 0) for p in d.participants.all())),
            ]
            for d in qs.iterator(chunk_size=500)
        ),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="deeds.deed",
        changes={"rows": count, "start": start.isoformat(), "end": end.isoformat()},
        scope_path=community.path,
    )
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('实事与服务台帐')}-{start}-{end}.xlsx"
    )


app_name = "deeds"
urlpatterns = [
    path("", home, name="home"),
    path("new/", record, name="record"),
    path("mine/new/", record_mine, name="record_mine"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/delete/", delete, name="delete"),
    path("export/", export, name="export"),
]
