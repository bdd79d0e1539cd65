"""Pages of 设岗定责 / 一人一职: the community's posts with who holds them (and which have
nobody), setting them up, a member's own page to choose a post and log their duty, and one
holding's page: its duty log (deeds), picking deeds already recorded, detaching one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.forms import parse_date
from dangjian.deeds.models import Deed
from dangjian.members.models import Member, State
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation
from dangjian.orgs.selectors.communities import community_for

from . import services_posts as sp
from .models_posts import Post, PostHolder, PostKind


def _say(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))


def _community_for(user: Any, raw: str) -> Organisation | None:
    return community_for(user=user, raw=raw)


def _posts(community: Organisation):  # noqa: ANN202
    active = PostHolder.objects.filter(until__isnull=True).select_related("member")
    return (
        Post.objects.filter(community=community)
        .annotate(n=Count("holders", filter=Q(holders__until__isnull=True)))
        .prefetch_related(Prefetch("holders", queryset=active, to_attr="current"))
        .order_by("kind", "order", "pk")
    )


@login_required
def posts(request: HttpRequest) -> HttpResponse:
    community = _community_for(request.user, request.GET.get("org", ""))
    if community is None or not scope_for(request.user).is_staff_role:
        return redirect("commitments:posts_mine")
    rows = list(_posts(community))
    can_change = scope_for(request.user).reaches_path(community.path, CHANGE)
    members = (
        Member.objects.changeable_by(request.user)
        .filter(org__path__startswith=community.path, state=State.ACTIVE)
        .order_by("org__path", "name")[:500]
        if can_change
        else ()
    )
    return render(
        request,
        "commitments/posts.html",
        {
            "community": community,
            "posts": [p for p in rows if p.kind == PostKind.POST],
            "roles": [p for p in rows if p.kind == PostKind.ROLE],
            "empty": [p for p in rows if p.is_active and not p.n],
            "can_change": can_change,
            "members": members,
        },
    )


def _community_to_change(request: HttpRequest) -> Organisation:
    raw = request.POST.get("org", "")
    return get_visible_or_404(
        Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS)),
        request.user,
        CHANGE,
        pk=raw if raw.isdigit() else 0,
    )


def _back(community: Organisation) -> HttpResponse:
    from django.urls import reverse

    return redirect(f"{reverse('commitments:posts')}?org={community.pk}")


@login_required
@require_POST
def posts_seed(request: HttpRequest) -> HttpResponse:
    community = _community_to_change(request)
    try:
        made = sp.posts_seed(acting_user=request.user, community=community)
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已设置 %(n)d 个岗位和角色。") % {"n": len(made)})
    return _back(community)


@login_required
@require_POST
def post_create(request: HttpRequest) -> HttpResponse:
    community = _community_to_change(request)
    try:
        sp.post_create(
            acting_user=request.user,
            community=community,
            name=request.POST.get("name", ""),
            duties=request.POST.get("duties", ""),
            kind=request.POST.get("kind", PostKind.POST),
        )
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已增设岗位。"))
    return _back(community)


def _post_to_change(request: HttpRequest, pk: int) -> Post:
    post = get_visible_or_404(Post.objects.select_related("community"), request.user, CHANGE, pk=pk)
    return post


@login_required
@require_POST
def post_active(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_to_change(request, pk)
    try:
        sp.post_set_active(post, acting_user=request.user, active=request.POST.get("active") == "1")
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    return _back(post.community)


@login_required
@require_POST
def post_take(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a post: the member for themself, or the community assigning a member."""
    post = get_visible_or_404(Post.objects.select_related("community"), request.user, pk=pk)
    scope = scope_for(request.user)
    raw = request.POST.get("member", "")
    if raw:
        member = get_visible_or_404(
            Member.objects.select_related("org"),
            request.user,
            CHANGE,
            pk=raw if raw.isdigit() else 0,
        )
    elif scope.member_id:
        member = Member.objects.select_related("org").get(pk=scope.member_id)
    else:
        raise Http404
    try:
        sp.post_take(
            post, member=member, acting_user=request.user, skill=request.POST.get("skill", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    else:
        messages.success(request, _("%(m)s 已上岗：%(p)s。") % {"m": member.name, "p": post.name})
    return redirect("commitments:posts_mine") if not raw else _back(post.community)


def _holder_for(request: HttpRequest, pk: int) -> PostHolder:
    holder = get_visible_or_404(
        PostHolder.objects.select_related("member__org", "post__community"), request.user, pk=pk
    )
    scope = scope_for(request.user)
    if scope.member_id != holder.member_id and not scope.reaches_path(
        holder.member.org.path, CHANGE
    ):
        raise Http404
    return holder


def _after(request: HttpRequest, holder: PostHolder) -> HttpResponse:
    if scope_for(request.user).member_id == holder.member_id:
        return redirect("commitments:posts_mine")
    return _back(holder.post.community)


@login_required
@require_POST
def holder_leave(request: HttpRequest, pk: int) -> HttpResponse:
    holder = _holder_for(request, pk)
    try:
        sp.post_leave(holder, acting_user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已办理离岗。"))
    return _after(request, holder)


@login_required
def holder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One holding's duty log (its deeds), with the deeds of the member while on the post to
    pick from and a form to record one not recorded before."""
    holder = _holder_for(request, pk)
    return render(
        request,
        "commitments/holder.html",
        {
            "h": holder,
            "deeds": holder.deeds.visible_to(request.user)
            .select_related("team")
            .order_by("-date", "-pk"),
            "pickable": sp.duty_pickable(holder, user=request.user)[:100],
            "today": timezone.localdate(),
        },
    )


def _back_to_holder(request: HttpRequest, holder: PostHolder) -> HttpResponse:
    if request.POST.get("next") == "holder":
        return redirect("commitments:holder", pk=holder.pk)
    return _after(request, holder)


@login_required
@require_POST
def holder_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a deed not recorded before and count it for the holding (记一笔履职)."""
    holder = _holder_for(request, pk)
    day = parse_date(request.POST.get("date")) or timezone.localdate()
    try:
        sp.duty_record(
            holder, acting_user=request.user, date=day, text=request.POST.get("text", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已记录履职情况。"))
    return _back_to_holder(request, holder)


@login_required
@require_POST
def holder_pick(request: HttpRequest, pk: int) -> HttpResponse:
    """Count deeds already recorded (ticked on the holding's page) for the holding."""
    holder = _holder_for(request, pk)
    try:
        picked = sp.duty_pick(
            holder, acting_user=request.user, deed_ids=request.POST.getlist("deed")
        )
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已记入 %(n)d 件实事。") % {"n": len(picked)})
    return redirect("commitments:holder", pk=holder.pk)


@login_required
@require_POST
def holder_detach(request: HttpRequest, pk: int) -> HttpResponse:
    """No longer count one deed for the holding (the deed itself stays)."""
    holder = _holder_for(request, pk)
    raw = request.POST.get("deed", "")
    deed = get_visible_or_404(holder.deeds.all(), request.user, pk=raw if raw.isdigit() else 0)
    try:
        sp.duty_detach(holder, acting_user=request.user, deed=deed)
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    else:
        messages.success(request, _("已不再记入这个岗位（实事本身保留）。"))
    return redirect("commitments:holder", pk=holder.pk)


@login_required
def posts_mine(request: HttpRequest) -> HttpResponse:
    """A member's posts and roles, and the community's posts to choose from."""
    member_id = scope_for(request.user).member_id
    if member_id is None:
        raise Http404
    member = Member.objects.select_related("org").get(pk=member_id)
    mine = list(
        PostHolder.objects.filter(member=member, until__isnull=True)
        .select_related("post")
        .prefetch_related(
            Prefetch("deeds", queryset=Deed.objects.order_by("-date", "-pk"), to_attr="log")
        )
    )
    offered = (
        Post.objects.visible_to(request.user)
        .filter(is_active=True)
        .exclude(pk__in=[h.post_id for h in mine])
        .order_by("kind", "order")
    )
    return render(
        request,
        "commitments/posts_mine.html",
        {"mine": mine, "offered": offered, "today": timezone.localdate()},
    )


urls = [
    path("posts/", posts, name="posts"),
    path("posts/mine/", posts_mine, name="posts_mine"),
    path("posts/seed/", posts_seed, name="posts_seed"),
    path("posts/new/", post_create, name="post_create"),
    path("posts/<int:pk>/active/", post_active, name="post_active"),
    path("posts/<int:pk>/take/", post_take, name="post_take"),
    path("holders/<int:pk>/leave/", holder_leave, name="holder_leave"),
    path("holders/<int:pk>/", holder_detail, name="holder"),
    path("holders/<int:pk>/log/", holder_log, name="holder_log"),
    path("holders/<int:pk>/pick/", holder_pick, name="holder_pick"),
    path("holders/<int:pk>/detach/", holder_detach, name="holder_detach"),
]
