"""Pages of 在职党员到社区报到: the community's checked-in members with their year against the
rule and the silent ones first, the ledger (.xlsx), one check-in with deeds and pairings, the
feedback letter (.docx), and the member's own page (made for a phone) to check in."""

from __future__ import annotations

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
from dangjian.core.access import ancestor_paths, get_visible_or_404, scope_for
from dangjian.core.forms import parse_date
from dangjian.core.models import AuditEntry
from dangjian.core.xlsx import write_table
from dangjian.members.models import Member
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation
from dangjian.orgs.selectors.communities import community_for

from . import letters, selectors, services
from .models import CheckIn


def _say(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))


def _community(request: HttpRequest) -> Organisation:
    found = community_for(user=request.user, raw=request.GET.get("org", ""))
    if found is None or not scope_for(request.user).is_staff_role:
        raise Http404
    return found


def _rows(request: HttpRequest, community: Organisation):  # noqa: ANN202
    today = timezone.localdate()
    rows = selectors.standings(
        list(selectors.checkins_visible(user=request.user, community=community)),
        year=today.year,
        today=today,
    )
    show = request.GET.get("show", "")
    if show == "invisible":
        rows = [r for r in rows if r.invisible]
    elif show == "behind":
        rows = [r for r in rows if not r.met]
    rows.sort(key=lambda r: (not r.invisible, r.met, r.checkin.member.name))
    return rows


@login_required
def checkin_list(request: HttpRequest) -> HttpResponse:
    community = _community(request)  # a member's own page is checkin:mine
    rows = _rows(request, community)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "checkin/list.html",
        {
            "community": community,
            "page": page,
            "show": request.GET.get("show", ""),
            "invisible": sum(1 for r in rows if r.invisible),
        },
    )


@login_required
def checkin_export(request: HttpRequest) -> FileResponse:
    community = _community(request)
    rows = _rows(request, community)
    fh, count = write_table(
        sheet=_("在职党员报到台帐"),
        title=_("%(c)s在职党员到社区报到台帐") % {"c": community.name},
        columns=[
            (_("姓名"), 10),
            (_("工作单位"), 24),
            (_("单位党组织"), 24),
            (_("报到日期"), 12),
            (_("认领岗位"), 16),
            (_("今年实事"), 8),
            (_("结对帮扶户"), 10),
            (_("最近活动"), 12),
            (_("情况"), 30),
        ],
        rows=(
            [
                r.checkin.member.name,
                r.checkin.employer,
                r.checkin.employer_party_org,
                r.checkin.checked_in_on,
                r.checkin.post,
                r.deeds,
                r.households,
                r.last_active,
                "；".join(r.behind) + ("；长期未参加社区活动" if r.invisible else ""),
            ]
            for r in rows
        ),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        field="checkin.ledger",
        changes={"rows": count},
        scope_path=community.path,
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('在职党员报到台帐')}.xlsx")


def _checkin(request: HttpRequest, pk: int) -> CheckIn:
    return get_visible_or_404(
        CheckIn.objects.select_related("member__org", "community", "unit"), request.user, pk=pk
    )


def _standing(c: CheckIn):  # noqa: ANN202
    today = timezone.localdate()
    return selectors.standings([c], year=today.year, today=today)[0]


@login_required
def checkin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = _checkin(request, pk)
    return render(
        request,
        "checkin/detail.html",
        {
            "c": c,
            "s": _standing(c),
            "deeds": c.deeds.all(),
            "pairings": c.pairings.all(),
            "today": timezone.localdate(),
            "staff": scope_for(request.user).is_staff_role,
        },
    )


@login_required
@require_POST
def deed_add(request: HttpRequest, pk: int) -> HttpResponse:
    c = _checkin(request, pk)
    try:
        services.deed_add(
            c,
            acting_user=request.user,
            date=parse_date(request.POST.get("date")),
            title=request.POST.get("title", ""),
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已记录。"))
    return redirect("checkin:detail", pk=c.pk)


@login_required
@require_POST
def pairing_add(request: HttpRequest, pk: int) -> HttpResponse:
    c = _checkin(request, pk)
    try:
        services.pairing_add(
            c,
            acting_user=request.user,
            household=request.POST.get("household", ""),
            since=parse_date(request.POST.get("since")),
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已记录结对帮扶。"))
    return redirect("checkin:detail", pk=c.pk)


@login_required
@require_POST
def checkin_end(request: HttpRequest, pk: int) -> HttpResponse:
    """报到解除 (the form, with a confirmation, sits on the detail page)."""
    c = _checkin(request, pk)
    try:
        services.check_out(
            c,
            acting_user=request.user,
            on=parse_date(request.POST.get("on")),
            reason=request.POST.get("reason", ""),
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已解除报到。"))
    return redirect("checkin:detail", pk=c.pk)


@login_required
def letter(request: HttpRequest, pk: int) -> FileResponse:
    c = _checkin(request, pk)
    if not scope_for(request.user).is_staff_role:
        raise Http404
    fh = letters.write_letter(_standing(c), on=timezone.localdate())
    audit.record(
        action=AuditEntry.Action.EXPORT, obj=c, acting_user=request.user, field="checkin.letter"
    )
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('报到情况反馈函')}-{c.member.name}.docx"
    )


@login_required
@require_POST
def opinion(request: HttpRequest, pk: int) -> FileResponse:
    """The community's opinion (.docx) for the employer's appraisal or development of the member."""
    c = _checkin(request, pk)
    if not scope_for(request.user).reaches_path(c.community.path, "change"):
        raise Http404
    fh = letters.write_opinion(
        _standing(c),
        purpose=request.POST.get("purpose", "").strip() or _("单位考核"),
        opinion=request.POST.get("opinion", "").strip(),
        on=timezone.localdate(),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT, obj=c, acting_user=request.user, field="checkin.opinion"
    )
    return FileResponse(
        fh, as_attachment=True, filename=f"{_('社区党组织意见')}-{c.member.name}.docx"
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A member checks in to the community where they live, and sees their year (phone)."""
    member_id = scope_for(request.user).member_id
    if member_id is None:
        raise Http404
    member = Member.objects.select_related("org", "household__community").get(pk=member_id)
    current = (
        CheckIn.objects.filter(member=member, ended_on__isnull=True)
        .select_related("community")
        .first()
    )
    communities = Organisation.objects.filter(
        kind__in=list(COMMUNITY_KINDS), is_active=True
    ).order_by("path")
    home = member.household.community if member.household_id else None
    if home is None:
        home = (
            communities.filter(path__in=ancestor_paths(member.org.path)).order_by("-depth").first()
        )
    if request.method == "POST" and current is None:
        raw = request.POST.get("community", "")
        community = communities.filter(pk=raw if raw.isdigit() else 0).first()
        if community is None:
            messages.error(request, _("请选择报到的社区。"))
        else:
            try:
                services.check_in(
                    acting_user=request.user,
                    member=member,
                    community=community,
                    employer=request.POST.get("employer", "") or member.work_unit,
                    employer_party_org=request.POST.get("employer_party_org", ""),
                    post=request.POST.get("post", ""),
                )
            except (ValidationError, PermissionDenied) as exc:
                _say(request, exc)
            else:
                messages.success(request, _("报到成功！社区会与您联系，安排岗位或服务。"))
                return redirect("checkin:mine")
    return render(
        request,
        "checkin/mine.html",
        {
            "member": member,
            "current": current,
            "s": _standing(current) if current else None,
            "communities": communities[:200],
            "home": home,
        },
    )


app_name = "checkin"
urlpatterns = [
    path("", checkin_list, name="list"),
    path("export/", checkin_export, name="export"),
    path("me/", mine, name="mine"),
    path("<int:pk>/", checkin_detail, name="detail"),
    path("<int:pk>/deeds/", deed_add, name="deed_add"),
    path("<int:pk>/pairings/", pairing_add, name="pairing_add"),
    path("<int:pk>/end/", checkin_end, name="end"),
    path("<int:pk>/letter/", letter, name="letter"),
    path("<int:pk>/opinion/", opinion, name="opinion"),
]
