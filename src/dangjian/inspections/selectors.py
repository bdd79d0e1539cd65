"""Reads of 督查与整改: the inspections a user reaches (filtered, with their tasks counted in the
same query), one inspection with its findings and tasks (overdue ones first), the rows of the
督查整改台帐, and the overdue count of the 待办 panel — each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from dangjian.core.access import ancestor_paths, scope_for, subtree_q
from dangjian.orgs.models import COMMUNITY_KINDS, UPPER_KINDS, Organisation

from .models import Event, Finding, FollowUp, Inspection, Kind

OPEN, OVERDUE, CLOSED = "open", "overdue", "closed"
STATES = (OPEN, OVERDUE, CLOSED)


def inspections(
    *,
    user: Any,
    today: dt.date,
    org: Organisation | None = None,
    year: int | None = None,
    kind: str = "",
    state: str = "",
) -> QuerySet[Inspection]:
    """The inspections the user reaches, newest first: of ``org`` (inspected in its subtree, or
    made by it), of a year, of a kind; ``state`` keeps those with open / overdue tasks, or with
    every task closed. Each row carries ``n_tasks``, ``n_open``, ``n_overdue``, ``n_findings``."""
    qs = Inspection.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("inspected__path", org.path) | Q(inspecting=org))
    if year:
        qs = qs.filter(date__year=year)
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    tasks = FollowUp.objects.filter(finding__inspection=OuterRef("pk"))
    if state == OPEN:
        qs = qs.filter(Exists(tasks.filter(closed_on__isnull=True)))
    elif state == OVERDUE:
        qs = qs.filter(Exists(tasks.filter(closed_on__isnull=True, deadline__lt=today)))
    elif state == CLOSED:
        qs = qs.filter(Exists(tasks)).exclude(Exists(tasks.filter(closed_on__isnull=True)))
    task = "findings__follow_ups"
    return (
        qs.select_related("inspecting", "inspected")
        .annotate(
            n_findings=Count("findings", distinct=True),
            n_tasks=Count(task, distinct=True),
            n_open=Count(task, filter=Q(**{f"{task}__closed_on__isnull": True}), distinct=True),
            n_overdue=Count(
                task,
                filter=Q(**{f"{task}__closed_on__isnull": True, f"{task}__deadline__lt": today}),
                distinct=True,
            ),
        )
        .order_by("-date", "-pk")
    )


def inspection_detail(*, user: Any, pk: Any) -> Inspection:
    """One inspection the user reaches with its findings, each finding's tasks (as ``tasks``)
    with their owner, the closure in force and every event; ``Inspection.DoesNotExist``
    otherwise."""
    return (
        Inspection.objects.visible_to(user)
        .select_related("inspecting", "inspected", "recorded_by")
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=Finding.objects.order_by("order", "pk").prefetch_related(
                    Prefetch(
                        "follow_ups",
                        queryset=FollowUp.objects.select_related("owner", "closure").order_by(
                            "deadline", "pk"
                        ),
                    ),
                    Prefetch(
                        "follow_ups__events",
                        queryset=Event.objects.select_related("by").order_by("at", "pk"),
                    ),
                ),
            )
        )
        .get(pk=int(pk))
    )


def sort_tasks(tasks: list[FollowUp], today: dt.date) -> list[FollowUp]:
    """Overdue first, then the other open ones by deadline, then the closed ones."""
    return sorted(
        tasks,
        key=lambda t: (not t.is_overdue(today), not t.is_open, t.deadline, t.pk),
    )


def ledger_rows(
    *,
    user: Any,
    today: dt.date,
    org: Organisation | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    state: str = "",
) -> QuerySet[FollowUp]:
    """The tasks of the inspections in the period (by inspection date), one row each, with what
    the 督查整改台帐 shows — one query."""
    qs = FollowUp.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(
            subtree_q("finding__inspection__inspected__path", org.path)
            | Q(finding__inspection__inspecting=org)
        )
    if start is not None:
        qs = qs.filter(finding__inspection__date__gte=start)
    if end is not None:
        qs = qs.filter(finding__inspection__date__lte=end)
    if state == OPEN:
        qs = qs.open()
    elif state == OVERDUE:
        qs = qs.overdue(today)
    elif state == CLOSED:
        qs = qs.filter(closed_on__isnull=False)
    return qs.select_related(
        "finding__inspection__inspecting", "finding__inspection__inspected", "closure"
    ).order_by("finding__inspection__date", "finding__inspection_id", "finding__order", "pk")


def overdue_for(*, user: Any, org: Organisation, today: dt.date) -> int:
    """Overdue open tasks that concern ``org``: of inspections of ``org`` or below it, made by
    ``org`` or an organisation above it — so the inspected organisation, every level between,
    and the inspecting one each see them, and no level above the inspecting one. One query."""
    return overdue_followups(user=user, org=org, today=today).count()


def overdue_followups(*, user: Any, org: Organisation, today: dt.date) -> QuerySet[FollowUp]:
    """The overdue open tasks :func:`overdue_for` counts."""
    return (
        FollowUp.objects.visible_to(user)
        .overdue(today)
        .filter(subtree_q("finding__inspection__inspected__path", org.path))
        .filter(finding__inspection__inspecting__path__in=ancestor_paths(org.path))
    )


def orgs_to_filter(user: Any) -> QuerySet[Organisation]:
    """Streets, towns, county and communities the user reaches (the list's organisation filter)."""
    scope = scope_for(user)
    if not scope.everything and not scope.view_paths:
        return Organisation.objects.none()
    return (
        Organisation.objects.visible_to(user)
        .filter(kind__in=[*UPPER_KINDS, *COMMUNITY_KINDS], is_active=True)
        .order_by("path")
    )


def org_in_reach(user: Any, raw: Any) -> Organisation | None:
    """The organisation asked for by id, if the user (holding a grant) reaches it."""
    scope = scope_for(user)
    if not str(raw).isdigit() or (not scope.everything and not scope.view_paths):
        return None
    return Organisation.objects.visible_to(user).filter(pk=int(raw)).first()


def inspected_choices(user: Any) -> QuerySet[Organisation]:
    """Communities and branches below an upper organisation the user changes (what an inspection
    may be of)."""
    from .services import INSPECTED_KINDS

    scope = scope_for(user)
    qs = Organisation.objects.filter(kind__in=list(INSPECTED_KINDS), is_active=True)
    if not scope.everything:
        q = Q(pk__in=[])
        for p in scope.change_paths:
            q |= subtree_q("path", p)
        qs = qs.filter(q)
    return qs.order_by("path")


def inspecting_choices(user: Any) -> QuerySet[Organisation]:
    """Streets, towns and county the user changes (who may record an inspection)."""
    return (
        Organisation.objects.changeable_by(user)
        .filter(kind__in=list(UPPER_KINDS), is_active=True)
        .order_by("path")
    )
