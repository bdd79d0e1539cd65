"""Pages of 在职党员到社区报到: the community's checked-in members with their year against the
rule and the silent ones first, the ledger (.xlsx), one check-in with its deeds (the community's
deeds the member took part in) and pairings (households on the places tree), the
feedback letter (.docx), and the member's own page (made for a phone) to check in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import audit
from dangjian.core.access import ancestor_paths, get_visible_or_404, scope_for
from dangjian.core.forms import parse_date
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place, PlaceKind
from dangjian.orgs.selectors.communities import community_for

from . import letters, selectors, services
from .models import CHECKIN_RELATED, CheckIn


def _say(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))


def _pk(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


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


def _checkin(request: HttpRequest, pk: int) -> CheckIn:
    return get_visible_or_404(CheckIn.objects.select_related(*CHECKIN_RELATED), request.user, pk=pk)


#: Beyond this many households the select waits for a search (no script needed).
HOUSEHOLDS_IN_SELECT = 300


def _households(request: HttpRequest, c: CheckIn) -> tuple[list[tuple[int, str]], int, str]:
    """The community's households the user may see, for the household selects: (id, "楼栋
    单元 户") pairs, how many there are, and the search typed (a long list is searched first)."""
    qs = Place.objects.visible_to(request.user).filter(
        community=c.community, kind=PlaceKind.HOUSEHOLD
    )
    total = qs.count()
    q = request.GET.get("hh", "").strip()[:50]
    if q:
        qs = qs.filter(
            Q(name__contains=q) | Q(parent__name__contains=q) | Q(parent__parent__name__contains=q)
        )
    elif total > HOUSEHOLDS_IN_SELECT:
        return [], total, q
    rows = qs.select_related("parent__parent").order_by("path")[:HOUSEHOLDS_IN_SELECT]
    return [(p.pk, _place_label(p)) for p in rows], total, q


def _place_label(p: Place) -> str:
    parts = [p.name]
    node = p.parent
    for _level in range(2):  # building and corridor are enough to find it
        if node is None:
            break
        parts.append(node.name)
        node = node.parent
    return " ".join(reversed(parts))


def _standing(c: CheckIn):  # noqa: ANN202
    today = timezone.localdate()
    return selectors.standings([c], year=today.year, today=today)[0]


@login_required
def checkin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = _checkin(request, pk)
    households, total, q = _households(request, c) if c.ended_on is None else ([], 0, "")
    scope = scope_for(request.user)
    return render(
        request,
        "checkin/detail.html",
        {
            "c": c,
            "s": _standing(c),
            "deeds": selectors.checkin_deeds(user=request.user, checkin=c),
            "pairings": c.pairings.select_related("household"),
            "households": households,
            "households_total": total,
            "households_searched": q,
            "households_long": total > HOUSEHOLDS_IN_SELECT,
            "today": timezone.localdate(),
            "staff": scope.is_staff_role,
            "posts_url": (
                f"{reverse('commitments:posts')}?org={c.community_id}"
                if scope.is_staff_role
                else reverse("commitments:posts_mine")
            ),
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
            household=_pk(request.POST.get("household")),
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
            household=_pk(request.POST.get("household")),
            household_note=request.POST.get("household_note", ""),
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
    member = Member.objects.select_related(
        "org", "household__community", "employer_unit__party_org"
    ).get(pk=member_id)
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
                    employer=request.POST.get("employer", ""),
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
    path("me/", mine, name="mine"),
    path("<int:pk>/", checkin_detail, name="detail"),
    path("<int:pk>/deeds/", deed_add, name="deed_add"),
    path("<int:pk>/pairings/", pairing_add, name="pairing_add"),
    path("<int:pk>/end/", checkin_end, name="end"),
    path("<int:pk>/letter/", letter, name="letter"),
    path("<int:pk>/opinion/", opinion, name="opinion"),
]
