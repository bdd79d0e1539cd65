"""Pages of the member register. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from dangjian.core.access import get_visible_or_404

from . import selectors, services
from .models import Category, Member, Mode, Status


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    qs = selectors.members_visible(
        user=request.user,
        org=int(g["org"]) if g.get("org", "").isdigit() else None,
        category=g.get("category") or None,
        status=g.get("status") or None,
        mode=g.get("mode") or None,
        q=g.get("q") or None,
    )
    page = Paginator(selectors.with_list_data(qs), 50).get_page(g.get("page"))
    return render(
        request,
        "members/list.html",
        {
            "page": page,
            "categories": Category.choices,
            "statuses": Status.choices,
            "modes": Mode.choices,
        },
    )


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(
        Member.objects.select_related("org", "household"), request.user, pk=pk
    )
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "timeline": selectors.member_timeline(member=member),
            "categories": member.categories.all(),
        },
    )


@login_required
@require_POST
def member_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member.objects.all(), request.user, action="change", pk=pk)
    number = services.member_reveal_id(
        member, acting_user=request.user, ip=request.META.get("REMOTE_ADDR")
    )
    return HttpResponse(f'<span class="font-monospace" id="id-number">{number}</span>')
