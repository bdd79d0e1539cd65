"""Residents' ratings of published activities and services (党务居务公开).

Public (no login, at the board's unguessable address): an item's page — its public words and
photos, how residents rated it, and the rating form (five big choices, a phone number that is
only hashed, the arithmetic question) — and the item's own QR code to print for the event.
The community's secretaries (login): the ratings of its items, voiding, the .xlsx ledger.
Thin: the services decide.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.commitments import services_board
from dangjian.commitments.models_board import PublicBoard
from dangjian.commitments.views_board import board_or_404 as _board
from dangjian.core import audit, qr
from dangjian.core.access import CHANGE, VIEW, export_scope_path, get_visible_or_404, scope_for
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation

from . import services_rating
from .models import ItemRating, PublicItem

PAGE_SIZE = 50


# ---- public ------------------------------------------------------------------------------
def _item(board: PublicBoard, pk: int) -> PublicItem:
    """A shown item of this board's community; 404 if withdrawn, another's, or unknown."""
    return get_object_or_404(
        PublicItem.objects.shown().select_related("deed", "meeting"),
        community=board.org,
        pk=pk,
    )


def item_date(item: PublicItem) -> Any:
    source = item.deed if item.deed_id else item.meeting
    return source.date if source is not None else None


def _photos(board: PublicBoard, item: PublicItem) -> list[dict[str, Any]]:
    out = []
    for p in item.photos.all():
        try:
            url = reverse("open:photo", args=[board.slug, p.pk])
        except NoReverseMatch:  # the board's photo page is not there (yet)
            continue
        out.append({"url": url, "caption": p.caption})
    return out


def item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One published activity or service, as residents see it, with the rating form."""
    b = _board(slug)
    it = _item(b, pk)
    return _item_page(request, b, it)


def _item_page(
    request: HttpRequest,
    b: PublicBoard,
    it: PublicItem,
    *,
    entered: dict[str, str] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    stats = ItemRating.objects.counted().filter(item=it).aggregate(avg=Avg("score"), n=Count("pk"))
    return render(
        request,
        "openness/rate_item.html",
        {
            "board": b,
            "community": b.org,
            "item": it,
            "kind_label": it.get_kind_display(),
            "date": item_date(it),
            "photos": _photos(b, it),
            "avg": round(stats["avg"], 1) if stats["avg"] is not None else None,
            "count": stats["n"],
            "scores": list(services_rating.SCORES.items()),
            "challenge": services_board.challenge_new() if it.rating_open else None,
            "entered": entered or {},
            "errors": errors or [],
            "comment_max": services_rating.COMMENT_MAX,
        },
        status=status,
    )


@require_POST
def item_rate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A resident rates the item — no login: one per phone number, a few per address, each
    after answering the page's arithmetic question. A refusal shows the page again with what
    was entered and a new question."""
    b = _board(slug)
    it = _item(b, pk)
    post = request.POST
    try:
        services_board.challenge_spend(
            token=post.get("challenge", ""), answer=post.get("answer", "")
        )
        services_rating.rate_item(
            it,
            phone=post.get("phone", ""),
            score=post.get("score", ""),
            comment=post.get("comment", ""),
            client_addr=request.META.get("REMOTE_ADDR", ""),
        )
    except ValidationError as exc:
        entered = {k: post.get(k, "") for k in ("score", "comment", "phone")}
        return _item_page(request, b, it, entered=entered, errors=exc.messages, status=400)
    messages.success(request, _("谢谢您的评价！"))
    return redirect("open:item", slug=b.slug, pk=it.pk)


def item_qr(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The item's own address as a QR code (SVG), to print for the event itself."""
    b = _board(slug)
    it = _item(b, pk)
    url = request.build_absolute_uri(reverse("open:item", args=[b.slug, it.pk]))
    svg = qr.svg_file(url, title=it.title)
    return HttpResponse(svg, content_type="image/svg+xml")


# ---- the community's secretaries ---------------------------------------------------------
def _community(request: HttpRequest, org: int, action: str = VIEW) -> Organisation:
    """The community, if the user reaches it; 404 otherwise, as for a missing one."""
    return get_visible_or_404(
        Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS), is_active=True),
        request.user,
        action,
        pk=org,
    )


def ratings_of(user: Any, community: Organisation, item: str = "") -> Any:
    """The community's item ratings the user may see, newest first (voided ones included)."""
    qs = (
        ItemRating.objects.visible_to(user)
        .filter(item__community=community)
        .select_related("item", "voided_by")
        .order_by("-at", "-pk")
    )
    if item.isdigit():
        qs = qs.filter(item_id=int(item))
    return qs


@login_required
def ratings(request: HttpRequest, org: int) -> HttpResponse:
    """居民评价: the ratings of the community's published activities and services."""
    community = _community(request, org)
    item_filter = request.GET.get("item", "")
    page = Paginator(ratings_of(request.user, community, item_filter), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = [
        {
            "pk": r.pk,
            "at": r.at,
            "item": r.item.title,
            "item_pk": r.item_id,
            "score": r.score,
            "score_label": services_rating.SCORES.get(r.score, ""),
            "comment": r.comment,
            "source": r.resident_addr[:6],
            "voided_at": r.voided_at,
            "void_reason": r.void_reason,
        }
        for r in page.object_list
    ]
    items = list(
        PublicItem.objects.visible_to(request.user)
        .filter(community=community)
        .values("pk", "title", "withdrawn_at")
    )
    summary = (
        ItemRating.objects.visible_to(request.user)
        .counted()
        .filter(item__community=community)
        .aggregate(avg=Avg("score"), n=Count("pk"))
    )
    return render(
        request,
        "openness/ratings.html",
        {
            "community": community,
            "page": page,
            "items": items,
            "item_filter": int(item_filter) if item_filter.isdigit() else None,
            "can_void": scope_for(request.user).reaches_path(community.path, CHANGE),
            "avg": round(summary["avg"], 1) if summary["avg"] is not None else None,
            "count": summary["n"],
        },
    )


@login_required
@require_POST
def ratings_void(request: HttpRequest, org: int) -> HttpResponse:
    community = _community(request, org, CHANGE)
    ids = [int(x) for x in request.POST.getlist("rating") if x.isdigit()]
    try:
        rows = services_rating.ratings_void(
            community=community,
            ids=ids,
            reason=request.POST.get("reason", ""),
            acting_user=request.user,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已作废 %(n)d 条居民评价，不再计入满意度。") % {"n": len(rows)})
    url = reverse("openness:ratings", args=[community.pk])
    item_filter = request.POST.get("item", "")
    return redirect(f"{url}?item={item_filter}" if item_filter.isdigit() else url)


@login_required
def ratings_export(request: HttpRequest, org: int) -> FileResponse:
    """The ratings as an .xlsx ledger (no phone or address hashes in it); the export is logged."""
    from dangjian.core.xlsx import write_table

    community = _community(request, org)
    item_filter = request.GET.get("item", "")
    rows = ratings_of(request.user, community, item_filter)

    def lines():  # noqa: ANN202
        for r in rows.iterator(chunk_size=500):
            yield [
                timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M"),
                r.item.title,
                r.item.get_kind_display(),
                r.score,
                services_rating.SCORES.get(r.score, ""),
                r.comment,
                _("已作废") if r.voided_at else _("计入"),
                r.void_reason,
            ]

    fh, count = write_table(
        sheet=_("居民评价"),
        title=_("%(c)s 公开活动居民评价") % {"c": community.name},
        columns=[
            (_("时间"), 18),
            (_("活动或服务"), 30),
            (_("类别"), 10),
            (_("满意度（分）"), 10),
            (_("满意程度"), 10),
            (_("意见建议"), 50),
            (_("状态"), 8),
            (_("作废原因"), 30),
        ],
        rows=lines(),
    )
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=request.user,
        object_repr=_("公开活动居民评价导出（%(n)d 条）") % {"n": count},
        changes={"filters": {"org": community.pk, "item": item_filter}, "rows": count},
        scope_path=export_scope_path(request.user, community.path),
        ip=request.META.get("REMOTE_ADDR"),
    )
    return FileResponse(fh, as_attachment=True, filename=f"{_('公开活动居民评价')}.xlsx")


public_urls = [
    path("<str:slug>/item/<int:pk>/", item, name="item"),
    path("<str:slug>/item/<int:pk>/rate/", item_rate, name="item_rate"),
    path("<str:slug>/item/<int:pk>/qr.svg", item_qr, name="item_qr"),
]
manage_urls = [
    path("<int:org>/ratings/", ratings, name="ratings"),
    path("<int:org>/ratings/void/", ratings_void, name="ratings_void"),
    path("<int:org>/ratings/export/", ratings_export, name="ratings_export"),
]
