"""Reads of the register, always for a user: the list with filters, one member, past registers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery

from dangjian.core.search import fold_query

from .models import Member, MemberCategory, MemberEvent, State


def members_visible(
    *,
    user: Any,
    org: int | None = None,
    category: str | None = None,
    status: str | None = None,
    mode: str | None = None,
    state: str | None = State.ACTIVE,
    q: str | None = None,
) -> QuerySet[Member]:
    """The members the user may see, filtered. ``org`` includes the organisation's subtree."""
    qs = Member.objects.visible_to(user)
    if org:
        from dangjian.orgs.models import Organisation

        path = Organisation.objects.filter(pk=org).values_list("path", flat=True).first()
        qs = qs.filter(org__path__startswith=path) if path else qs.none()
    if state:
        qs = qs.filter(state=state)
    if status:
        qs = qs.filter(status=status)
    if mode:
        qs = qs.filter(mode=mode)
    if category:
        qs = qs.filter(
            Exists(MemberCategory.objects.filter(member=OuterRef("pk"), category=category))
        )
    if q:
        folded = fold_query(q)
        if folded:
            qs = qs.filter(search_key__contains=folded)
    return qs


def with_list_data(qs: QuerySet[Member]) -> QuerySet[Member]:
    """What a list row shows, in a constant number of queries."""
    return qs.select_related("org").prefetch_related(
        Prefetch("categories", queryset=MemberCategory.objects.order_by("category"))
    )


def member_timeline(*, member: Member) -> QuerySet[MemberEvent]:
    return member.events.select_related("org", "recorded_by").order_by("date", "seq", "id")


def register_on(*, user: Any, org_path: str, on: dt.date) -> QuerySet[MemberEvent]:
    """The register of an organisation's subtree as it stood at the end of day ``on``.

    Each member's latest event on or before that date tells where they were and in what state.
    Returns those events (with ``member`` joined); the members are the rows' ``member``.
    """
    latest = (
        MemberEvent.objects.filter(member=OuterRef("member"), date__lte=on)
        .order_by("-date", "-seq", "-id")
        .values("pk")[:1]
    )
    visible = Member.objects.visible_to(user).values("pk")
    return (
        MemberEvent.objects.filter(pk=Subquery(latest), member__in=visible)
        .filter(date__lte=on, org__path__startswith=org_path, state=State.ACTIVE)
        .select_related("member", "org")
        .order_by("org__path", "member__name")
    )
