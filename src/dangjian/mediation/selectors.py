"""Reads of 信访、民事调解: the cases a user may reach (filtered, overdue first, counts in the same
query), one case with everything on its page, and the communities a user may pick."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Count, Prefetch, Q, QuerySet, Value, When
from django.db.models import Case as Switch

from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.grid.access import duty_area_paths
from dangjian.orgs.models import COMMUNITY_KINDS, Organisation, Place

from .models import Case, FollowUp, Mediator, Party, Session, State

#: ``state`` filter values beyond the three states
OVERDUE = "overdue"
OPEN = "open"


def cases(
    *,
    user: Any,
    today: dt.date,
    org: Organisation | None = None,
    area: Place | None = None,
    state: str = "",
    kind: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Case]:
    """The cases the user reaches, overdue ones first, then by deadline; ``start``/``end`` keep
    the cases received in the period. Each row carries ``overdue``, ``n_sessions``,
    ``n_followups`` (one query)."""
    qs = Case.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("community__path", org.path))
    if area is not None:
        qs = qs.filter(subtree_q("place__path", area.path))
    if state == OVERDUE:
        qs = qs.overdue(today)
    elif state == OPEN:
        qs = qs.open()
    elif state in State.values:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if start is not None:
        qs = qs.filter(received_on__gte=start)
    if end is not None:
        qs = qs.filter(received_on__lte=end)
    overdue = Switch(
        When(~Q(state=State.CLOSED) & Q(deadline__lt=today), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        qs.select_related("community", "place__parent")
        .annotate(
            overdue=overdue,
            n_sessions=Count("sessions", distinct=True),
            n_followups=Count("follow_ups", distinct=True),
        )
        .order_by("-overdue", "state", "deadline", "pk")
    )


def ledger_rows(qs: QuerySet[Case]) -> QuerySet[Case]:
    """The cases of :func:`cases` with parties and mediators fetched for the ledger (3 queries in
    all, whatever the number of rows)."""
    return qs.prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("role", "pk")),
        Prefetch("mediators", queryset=Mediator.objects.order_by("pk")),
    )


def case_detail(*, user: Any, pk: int) -> Case:
    """One case the user reaches, with parties, mediators, sessions and follow-ups; else
    ``Case.DoesNotExist``."""
    return (
        Case.objects.visible_to(user)
        .select_related("community", "place__parent__parent__parent", "recorded_by")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.order_by("role", "pk")),
            Prefetch("mediators", queryset=Mediator.objects.order_by("pk")),
            Prefetch(
                "sessions",
                queryset=Session.objects.order_by("held_on", "pk").prefetch_related(
                    Prefetch("mediators", queryset=Mediator.objects.order_by("pk"))
                ),
            ),
            Prefetch("follow_ups", queryset=FollowUp.objects.order_by("visited_on", "pk")),
        )
        .get(pk=pk)
    )


def communities(user: Any) -> QuerySet[Organisation]:
    """The communities whose cases the user reaches: by a changing grant, or a cadre duty on one
    of their areas."""
    scope = scope_for(user)
    qs = Organisation.objects.filter(kind__in=list(COMMUNITY_KINDS), is_active=True)
    if scope.everything:
        return qs.order_by("path")
    q = Q(pk__in=[])
    for p in scope.paths(CHANGE):
        q |= subtree_q("path", p)
    areas = duty_area_paths(user)
    if areas:
        q |= Q(pk__in=Place.objects.filter(path__in=areas).values("community_id"))
    return qs.filter(q).order_by("path")


def areas(user: Any, community: Organisation) -> QuerySet[Place]:
    """Grids and buildings of the community the user reaches (a cadre: their own areas)."""
    qs = Place.objects.filter(community=community, kind__in=["grid", "building"])
    if scope_for(user).reaches_path(community.path, CHANGE):
        return qs.order_by("path")
    q = Q(pk__in=[])
    for p in duty_area_paths(user):
        q |= subtree_q("path", p)
    return qs.filter(q).order_by("path")
