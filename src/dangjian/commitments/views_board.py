"""The community's public board (公开示诺): the page residents open from the printed QR code and
rate on, at an unguessable address; and, for the community's secretaries, its settings and the
page where suspicious bursts of ratings are seen and voided. Thin: services decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core import qr
from dangjian.core.access import CHANGE, get_visible_or_404, scope_for, subtree_q
from dangjian.core.formviews import bound_form, rerender_on_error
from dangjian.core.names import public_name
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from . import selectors, services_board, services_rating
from .forms import BoardForm, VoidForm
from .models import Commitment, Kind, State
from .models_board import PublicBoard

PAGE_SIZE = 50


def board_or_404(slug: str) -> PublicBoard:
    """The board at ``slug`` of an active community, else 404 (the public pages of the board:
    commitments here, the whole board and its items in ``openness``)."""
    return get_object_or_404(
        PublicBoard.objects.select_related("org"),
        slug=slug,
        org__kind__in=list(COMMUNITY_KINDS),
        org__is_active=True,
    )


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() else timezone.localdate().year


# ---- public ------------------------------------------------------------------------------
def board(request: HttpRequest, slug: str) -> HttpResponse:
    """公开示诺: a community's commitments on display, readable without logging in — the
    member's name (张某 unless the community chose otherwise, in full for those logged in),
    branch and the words of the commitment, nothing else; and a question to answer to rate."""
    b = board_or_404(slug)
    rows = selectors.public_board(community=b.org, year=_year(request))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    full = request.user.is_authenticated or b.show_full_names
    kinds = dict(Kind.choices)
    page.object_list = [
        {
            "pk": r["pk"],
            "title": r["title"],
            "content": r["content"],
            "org_name": r["org__name"],
            "name": r["member__name"] if full else public_name(r["member__name"]),
            "kind_label": kinds.get(r["kind"], ""),
            "challenge": None if r["state"] == State.EVALUATED else services_board.challenge_new(),
        }
        for r in page.object_list
    ]
    return render(
        request, "commitments/public.html", {"board": b, "community": b.org, "page": page}
    )


@require_POST
def board_rate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A resident rates a commitment on the board — no login: one per phone number, a few per
    address, each after answering the page's arithmetic question."""
    b = board_or_404(slug)
    c = get_object_or_404(Commitment.objects.filter(subtree_q("org__path", b.org.path)), pk=pk)
    try:
        services_board.challenge_spend(
            token=request.POST.get("challenge", ""), answer=request.POST.get("answer", "")
        )
        services_rating.rate_as_resident(
            c,
            phone=request.POST.get("phone", ""),
            score=request.POST.get("score", ""),
            comment=request.POST.get("comment", ""),
            client_addr=request.META.get("REMOTE_ADDR", ""),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("谢谢您的评价！"))
    return redirect("commitments:board", slug=b.slug)


def board_qr(request: HttpRequest, slug: str) -> HttpResponse:
    """The board's address as a QR code (SVG) to print on the notice board, so residents can
    open it and rate with their phones."""
    b = board_or_404(slug)
    url = request.build_absolute_uri(reverse("commitments:board", args=[b.slug]))
    svg = qr.svg_file(url, title=b.org.name)
    return HttpResponse(svg, content_type="image/svg+xml")


def public_by_code(request: HttpRequest, code: str) -> HttpResponse:
    """The old address, made of the organisation code: it leads to the board only while the
    community keeps it (for QR codes printed before); otherwise it is not found."""
    b = get_object_or_404(
        PublicBoard.objects.only("slug"),
        org__code=code,
        org__kind__in=list(COMMUNITY_KINDS),
        org__is_active=True,
        allow_code_address=True,
    )
    return redirect("commitments:board", slug=b.slug)


# ---- the community's secretaries ---------------------------------------------------------
def _community(request: HttpRequest, org: int) -> Organisation:
    """The community, if the user may change it; a 404 otherwise, as for a missing one."""
    return get_visible_or_404(
        Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS), is_active=True),
        request.user,
        CHANGE,
        pk=org,
    )


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@login_required
def board_settings(request: HttpRequest, org: int) -> HttpResponse:
    """The board's address and QR code, whether the old address still works, whether visitors
    see full names."""
    community = _community(request, org)
    b = services_board.board_for(community)
    form = BoardForm(
        request.POST or None,
        initial={
            "allow_code_address": b.allow_code_address,
            "show_full_names": b.show_full_names,
            "show_stars": b.show_stars,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_board.board_update(
                b, acting_user=request.user, expected_version=_version(request), **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("公开示诺页面的设置已保存。"))
            return redirect("commitments:board_settings", org=community.pk)
    form.mark_errors()
    return render(
        request,
        "commitments/board_settings.html",
        {
            "community": community,
            "board": b,
            "form": form,
            "board_url": request.build_absolute_uri(reverse("commitments:board", args=[b.slug])),
            "code_url": request.build_absolute_uri(
                reverse("commitments:public", args=[community.code])
            ),
            "open_url": request.build_absolute_uri(reverse("open:board", args=[b.slug])),
        },
    )


@login_required
@require_POST
def board_new_address(request: HttpRequest, org: int) -> HttpResponse:
    community = _community(request, org)
    b = services_board.board_for(community)
    try:
        services_board.board_new_address(
            b, acting_user=request.user, expected_version=_version(request)
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已换成新地址。请下载新二维码，换下张贴的旧二维码。"))
    return redirect("commitments:board_settings", org=community.pk)


@login_required
def board_bursts(
    request: HttpRequest,
    org: int,
    year: int | None = None,
    ids: tuple[int, ...] = (),
    bound: dict | None = None,
) -> HttpResponse:
    """居民评价核查: residents' ratings that came in bursts, to void those that are stuffing. A
    void form typed wrong (``bound``) comes back on the burst of its ratings (``ids``)."""
    community = _community(request, org)
    year = year or _year(request)
    bursts = selectors.resident_bursts(community=community, year=year)
    bad = bound_form(bound)
    for b in (*bursts["commitment"], *bursts["address"]):
        b.bad_form = None
        if bad is not None and set(b.open_ids) == set(ids):
            b.bad_form, bad = bad, None
    if bad is not None:  # its burst is gone (voided meanwhile): say it above the page
        messages.error(request, "；".join(e for errs in bad.errors.values() for e in errs))
    return render(
        request,
        "commitments/board_bursts.html",
        {
            "community": community,
            "year": year,
            "by_commitment": bursts["commitment"],
            "by_address": bursts["address"],
            "size": selectors.BURST_SIZE,
            "minutes": int(selectors.BURST_WINDOW.total_seconds() // 60),
            "form": VoidForm(),
        },
    )


@login_required
@require_POST
def board_void(request: HttpRequest, org: int) -> HttpResponse:
    community = _community(request, org)
    form = VoidForm(request.POST)
    ids = [int(x) for x in request.POST.getlist("rating") if x.isdigit()]
    year = request.POST.get("year", "")
    again = {"org": community.pk, "year": int(year) if year.isdigit() else None, "ids": ids}
    if not form.is_valid():
        return rerender_on_error(board_bursts, request, form, **again)
    try:
        rows = services_board.ratings_void(
            community=community,
            ids=ids,
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
        )
    except (ValidationError, PermissionDenied) as exc:
        return rerender_on_error(board_bursts, request, form, exc, **again)
    messages.success(request, _("已作废 %(n)d 条居民评价，不再计入得分。") % {"n": len(rows)})
    url = reverse("commitments:board_bursts", args=[community.pk])
    return redirect(f"{url}?year={year}" if year.isdigit() else url)


def board_links(user: Any, community: Organisation | None) -> dict[str, Any]:
    """What the commitments list shows of the board: its address (made on first need), and
    whether this user may manage it."""
    if community is None:
        return {"board": None, "can_manage_board": False}
    return {
        "board": services_board.board_for(community),
        "can_manage_board": scope_for(user).reaches_path(community.path, CHANGE),
    }


urls = [
    path("board/<str:slug>/", board, name="board"),
    path("board/<str:slug>/<int:pk>/rate/", board_rate, name="board_rate"),
    path("board/<str:slug>/qr.svg", board_qr, name="board_qr"),
    path("public/<str:code>/", public_by_code, name="public"),
    path("public-board/<int:org>/", board_settings, name="board_settings"),
    path("public-board/<int:org>/address/", board_new_address, name="board_new_address"),
    path("public-board/<int:org>/ratings/", board_bursts, name="board_bursts"),
    path("public-board/<int:org>/ratings/void/", board_void, name="board_void"),
]
