"""设岗定责、一人一职台帐 (.xlsx): each post and role of the communities with the members who
hold it — one row per holder, a post nobody holds on a row of its own.

Filtered by organisation (``?org=``: a community and what is below it; for a branch, its
community's posts with the branch's own members on them) and by period (``?year=`` or
``?from=&to=``: who held a post at some time in it; without one, who holds it today). Two
queries for any number of posts and holders."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.access import ancestor_paths, subtree_q
from dangjian.core.xlsx import write_table
from dangjian.orgs.export_filters import (
    Period,
    org_from,
    period_from,
    register_export,
    respond,
    title,
)
from dangjian.orgs.models import Organisation

from .models_posts import Post, PostHolder


def post_rows(*, user: Any, org: Organisation | None, period: Period) -> list[list[Any]]:
    posts = Post.objects.visible_to(user)
    holders = PostHolder.objects.visible_to(user)
    if org is not None:
        posts = posts.filter(
            subtree_q("community__path", org.path) | Q(community__path__in=ancestor_paths(org.path))
        )
        holders = holders.filter(
            subtree_q("member__org__path", org.path) | subtree_q("post__community__path", org.path)
        )
    if period:
        holders = holders.filter(period.overlaps("since", "until"))
    else:
        today = timezone.localdate()
        holders = holders.filter(Q(until__isnull=True) | Q(until__gt=today))
    holders = holders.select_related("member__org").order_by("since", "member__name", "pk")
    posts = (
        posts.select_related("community")
        .prefetch_related(Prefetch("holders", queryset=holders, to_attr="shown"))
        .order_by("community__path", "kind", "order", "pk")
    )
    out: list[list[Any]] = []
    for p in posts:
        head = [
            p.community.name,
            p.get_kind_display(),
            p.name,
            p.duties,
            _("是") if p.is_active else _("否"),
        ]
        if not p.shown:
            if p.is_active:
                out.append([*head, _("（无人在岗）"), "", None, None, ""])
            continue
        for h in p.shown:
            out.append([*head, h.member.name, h.member.org.name, h.since, h.until, h.skill])
    return out


def columns() -> list[tuple[str, int]]:
    return [
        (_("社区党组织"), 20),
        (_("类别"), 18),
        (_("岗位/角色"), 16),
        (_("职责"), 36),
        (_("启用"), 6),
        (_("党员"), 10),
        (_("所在党组织"), 24),
        (_("上岗日期"), 12),
        (_("离岗日期"), 12),
        (_("特长"), 16),
    ]


@register_export
def posts_export(request: HttpRequest) -> FileResponse:
    org, period = org_from(request), period_from(request)
    what = _("设岗定责一人一职台帐")
    fh, count = write_table(
        sheet=_("党员岗位"),
        title=title(what, org=org, period=period),
        columns=columns(),
        rows=post_rows(user=request.user, org=org, period=period),
    )
    return respond(request, fh=fh, count=count, what=what, org=org, period=period)
