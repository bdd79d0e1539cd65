"""Reads of commitments, always for a user (the public board excepted: it reads only what is
on display, and only names and words)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django_fsm import get_available_user_FIELD_transitions

from dangjian.core.access import get_visible_or_404, subtree_q
from dangjian.core.search import fold_query
from dangjian.meetings.models import Meeting
from dangjian.orgs.models import Organisation

from .models import PUBLIC_STATES, Commitment, State
from .services import ACTIONS, DELIBERATING_KINDS


def commitments_visible(
    *,
    user: Any,
    org: Organisation | None = None,
    year: int | None = None,
    state: str = "",
    kind: str = "",
    q: str = "",
) -> QuerySet[Commitment]:
    qs = Commitment.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("org__path", org.path))
    if year:
        qs = qs.filter(year=year)
    if state in State.values:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        folded = fold_query(q)
        if folded:
            qs = qs.filter(Q(member__search_key__contains=folded) | Q(title__contains=q.strip()))
    return qs.select_related("member", "org").order_by("org__path", "member__name", "pk")


def state_counts(qs: QuerySet[Commitment]) -> dict[str, int]:
    agg = qs.order_by().aggregate(**{s: Count("pk", filter=Q(state=s)) for s in State.values})
    return {k: v or 0 for k, v in agg.items()}


def commitment_for(*, user: Any, pk: Any, action: str = "view") -> Commitment:
    return get_visible_or_404(
        Commitment.objects.select_related("member", "org", "org__parent", "meeting"),
        user,
        action=action,
        pk=pk,
    )


def actions_for(c: Commitment, user: Any) -> list[tuple[str, str]]:
    """The steps this user may take now, as (action, words)."""
    return [
        (t.name, str(ACTIONS[t.name]))
        for t in get_available_user_FIELD_transitions(c, user, Commitment._meta.get_field("state"))
        if t.name in ACTIONS
    ]


def deliberation_meetings(c: Commitment, *, today: dt.date) -> QuerySet[Meeting]:
    """The branch's meetings that can have deliberated it: held, not before it was submitted."""
    qs = Meeting.objects.filter(
        org_id=c.org_id, kind__in=DELIBERATING_KINDS, cancelled=False, date__lte=today
    )
    applied = c.steps.filter(action="apply").order_by("-at").values_list("on", flat=True).first()
    if applied:
        qs = qs.filter(date__gte=applied)
    return qs.order_by("-date")


def public_board(*, community: Organisation, year: int | None = None) -> QuerySet[Commitment]:
    """What the community's public board shows: commitments on display, with the member's name
    and the words of the commitment — the template is given nothing else."""
    qs = Commitment.objects.filter(subtree_q("org__path", community.path), state__in=PUBLIC_STATES)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("org__path", "member__name", "pk").values(
        "pk", "member__name", "org__name", "year", "kind", "title", "content", "state"
    )
