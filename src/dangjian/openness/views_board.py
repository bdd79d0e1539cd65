"""党务居务公开: the community's public board (no login, at the board's unguessable address),
its QR code and printable poster, the photos it shows; and for the community's secretaries,
publishing activities, services and theme days on it. Thin: selectors read, services decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.assessment.selectors import communities_visible
from dangjian.commitments.models_board import PublicBoard
from dangjian.commitments.services_board import board_for
from dangjian.commitments.views_board import board_or_404 as _board
from dangjian.core import qr as qrcode
from dangjian.core.access import CHANGE, VIEW, get_visible_or_404, scope_for, subtree_q
from dangjian.core.files import image_type, private_file
from dangjian.core.formviews import bound_form, rerender_on_error
from dangjian.deeds.models import Deed
from dangjian.meetings.models import Meeting
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from . import selectors, services
from .forms import ItemForm, WithdrawForm
from .models import PublicItem

PAGE_SIZE = 30
#: how many years back the board's year selector offers
YEARS_BACK = 4


# ---- public ------------------------------------------------------------------------------
def _year(request: HttpRequest) -> int:
    this = timezone.localdate().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else this
    return year if this - YEARS_BACK <= year <= this else this


def _rate_url(slug: str, pk: int) -> str | None:
    """The rating page of an item (built by the rating pages), if it exists."""
    try:
        return reverse("open:item", args=[slug, pk])
    except NoReverseMatch:
        return None


def _board_url(request: HttpRequest, b: PublicBoard) -> str:
    return request.build_absolute_uri(reverse("open:board", args=[b.slug]))


def board(request: HttpRequest, slug: str) -> HttpResponse:
    """党务居务公开: notices, commitments, stars, activities, finances and services of one
    community, readable without logging in — and nothing personal."""
    b = _board(slug)
    year = _year(request)
    data = selectors.board_page(b, year=year)
    for it in data["items"]:
        it.rate_url = _rate_url(b.slug, it.pk) if it.rating_open else None
    this = timezone.localdate().year
    return render(
        request,
        "openness/board.html",
        {
            "board": b,
            "community": b.org,
            "year": year,
            "years": list(range(this, this - YEARS_BACK - 1, -1)),
            **data,
        },
    )


def photo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A photo of a shown item of this board — only a real photo (by its bytes)."""
    b = _board(slug)
    p = selectors.photo_on_board(b, pk)
    if p is None:
        raise Http404
    stored = p.cobuild_photo.file if p.cobuild_photo_id else p.meeting_file.file
    try:
        with stored.open("rb") as fh:
            head = fh.read(16)
    except (FileNotFoundError, ValueError, OSError):
        raise Http404 from None
    if image_type(head) is None:
        raise Http404
    response = private_file(stored)
    response["Cache-Control"] = "public, max-age=300"
    return response


def qr(request: HttpRequest, slug: str) -> HttpResponse:
    """The board's address as a QR code (SVG) to print."""
    b = _board(slug)
    svg = qrcode.svg_file(_board_url(request, b), title=b.org.name)
    return HttpResponse(svg, content_type="image/svg+xml")


def poster(request: HttpRequest, slug: str) -> HttpResponse:
    """A printable A4 poster for the notice board: the community, the QR code, the address."""
    b = _board(slug)
    url = _board_url(request, b)
    svg = qrcode.svg_inline(url, title=b.org.name)
    return render(
        request,
        "openness/poster.html",
        {"board": b, "community": b.org, "board_url": url, "qr_svg": svg},
    )


public_urls = [
    path("<str:slug>/", board, name="board"),
    path("<str:slug>/photo/<int:pk>/", photo, name="photo"),
    path("<str:slug>/qr.svg", qr, name="qr"),
    path("<str:slug>/poster/", poster, name="poster"),
]


# ---- the community's secretaries ---------------------------------------------------------
def _say(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _can_change(user: Any, org: Organisation) -> bool:
    return scope_for(user).reaches_path(org.path, CHANGE)


def _changeable_community(request: HttpRequest, org: int) -> Organisation:
    return get_visible_or_404(
        Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS), is_active=True),
        request.user,
        CHANGE,
        pk=org,
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """公开栏管理: a community's board link, QR code and poster, and what it has published."""
    communities = list(communities_visible(user=request.user))
    raw = request.GET.get("org", "")
    community = None
    if raw:
        community = next((c for c in communities if str(c.pk) == raw), None)
        if community is None:
            raise Http404
    elif communities:
        community = communities[0]
    ctx: dict[str, Any] = {"communities": communities, "community": community}
    if community is not None:
        b = board_for(community)
        page = Paginator(selectors.items_for(community), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        ctx.update(
            board=b,
            board_url=_board_url(request, b),
            page=page,
            can_change=_can_change(request.user, community),
        )
    return render(request, "openness/home.html", ctx)


def _source(request: HttpRequest, community: Organisation) -> tuple[Deed | None, Meeting | None]:
    data = request.POST if request.method == "POST" else request.GET
    deed_raw, meeting_raw = data.get("deed", ""), data.get("meeting", "")
    if deed_raw.isdigit():
        deed = (
            Deed.objects.filter(community=community)
            .select_related("activity")
            .filter(pk=int(deed_raw))
            .first()
        )
        if deed is None:
            raise Http404
        return deed, None
    if meeting_raw.isdigit():
        meeting = Meeting.objects.filter(
            subtree_q("org__path", community.path), pk=int(meeting_raw)
        ).first()
        if meeting is None:
            raise Http404
        return None, meeting
    return None, None


@login_required
def publish(request: HttpRequest, org: int) -> HttpResponse:
    """发布到公开栏: pick a recent activity, service or theme day, write what residents read,
    choose the photos."""
    community = _changeable_community(request, org)
    today = timezone.localdate()
    deed, meeting = _source(request, community)
    if deed is None and meeting is None:
        return render(
            request,
            "openness/publish_pick.html",
            {
                "community": community,
                "deeds": [
                    {"deed": d, "kind": selectors.kind_of_deed(d)}
                    for d in selectors.candidate_deeds(community, today)[:60]
                ],
                "meetings": selectors.candidate_meetings(community, today)[:60],
            },
        )
    photos = selectors.record_photos(deed=deed, meeting=meeting)
    src_title = deed.title if deed is not None else meeting.topic
    form = ItemForm(
        request.POST or None,
        photos=photos,
        initial={"title": src_title[:100], "summary": "", "rating_open": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_publish(
                acting_user=request.user,
                community=community,
                deed=deed,
                meeting=meeting,
                **form.cleaned_data,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("已发布到社区公开栏。"))
            return redirect("openness:item", pk=item.pk)
    form.mark_errors()
    return render(
        request,
        "openness/publish.html",
        {
            "community": community,
            "deed": deed,
            "meeting": meeting,
            "form": form,
            "photos": photos,
        },
    )


@login_required
def item(request: HttpRequest, pk: int, bound: dict | None = None) -> HttpResponse:
    """One published item: how it reads on the board, its ratings; its words and photos to
    change (those who may change the community). ``bound``: the withdraw form typed wrong,
    shown again (``core.formviews``)."""
    posted = request.method == "POST" and bound is None
    action = CHANGE if request.method == "POST" else VIEW
    it = get_visible_or_404(
        PublicItem.objects.select_related("community", "deed", "meeting"),
        request.user,
        action,
        pk=pk,
    )
    can_change = _can_change(request.user, it.community)
    photos = selectors.record_photos(deed=it.deed, meeting=it.meeting) if can_change else []
    chosen = [p.cobuild_photo_id or p.meeting_file_id for p in it.photos.all()]
    form = ItemForm(
        request.POST if posted else None,
        photos=photos,
        initial={
            "title": it.title,
            "summary": it.summary,
            "photos": chosen,
            "rating_open": it.rating_open,
        },
    )
    if posted and form.is_valid():
        try:
            services.item_update(
                it,
                acting_user=request.user,
                expected_version=_version(request),
                **form.cleaned_data,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("已保存。"))
            return redirect("openness:item", pk=it.pk)
    form.mark_errors()
    b = board_for(it.community)
    return render(
        request,
        "openness/item.html",
        {
            "item": it,
            "community": it.community,
            "board": b,
            "form": form,
            "can_change": can_change,
            "withdraw_form": bound_form(bound, "withdraw_form") or WithdrawForm(),
            "ratings": selectors.rating_figures(it),
            "shown_photos": list(it.photos.all()),
            "rate_url": _rate_url(b.slug, it.pk),
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    it = get_visible_or_404(
        PublicItem.objects.select_related("community"), request.user, CHANGE, pk=pk
    )
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return rerender_on_error(item, request, form, name="withdraw_form", pk=it.pk)
    try:
        services.item_withdraw(
            it,
            acting_user=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=_version(request),
        )
    except (ValidationError, PermissionDenied) as exc:
        return rerender_on_error(item, request, form, exc, name="withdraw_form", pk=it.pk)
    messages.success(request, _("已从公开栏撤下。"))
    return redirect("openness:item", pk=it.pk)


manage_urls = [
    path("", home, name="home"),
    path("<int:org>/publish/", publish, name="publish"),
    path("items/<int:pk>/", item, name="item"),
    path("items/<int:pk>/withdraw/", withdraw, name="withdraw"),
]
