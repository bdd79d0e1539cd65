"""Reads of commitments, always for a user (the public board excepted: it reads only what is
on display, and only names and words)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django_fsm import get_available_user_FIELD_transitions

from dangjian.core.access import get_visible_or_404, subtree_q
from dangjian.core.search import fold_query
from dangjian.meetings.models import Meeting
from dangjian.members.selectors import search_filter
from dangjian.orgs.models import Organisation

from .models import PUBLIC_STATES, Commitment, Rating, State, Tier
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
        if fold_query(q):
            qs = qs.filter(
                search_filter(q, using=qs.db, prefix="member__", indexed=False)
                | Q(title__contains=q.strip())
            )
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


# ---- suspicious bursts of residents' ratings ---------------------------------------------
# Not a rule of the work (§13) but a tripwire: five ratings inside ten minutes is more than a
# notice board draws by itself, and about what one person with a handful of invented phone
# numbers produces. A burst is only shown; the community decides whether to void it.
BURST_SIZE = 5
BURST_WINDOW = dt.timedelta(minutes=10)


@dataclass
class Burst:
    """Residents' ratings that came close together, on one commitment or from one address."""

    by: str  # "commitment" or "address"
    label: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def first(self) -> dt.datetime:
        return self.rows[0]["at"]

    @property
    def last(self) -> dt.datetime:
        return self.rows[-1]["at"]

    @property
    def open_ids(self) -> list[int]:
        """The ratings that may still be voided (not voided, commitment not yet graded)."""
        return [r["pk"] for r in self.rows if not r["voided_at"] and r["state"] != State.EVALUATED]


def _bursts_of(rows: list[dict[str, Any]], by: str, key: str, label: Any) -> list[Burst]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r[key]:
            groups.setdefault(r[key], []).append(r)
    out: list[Burst] = []
    for group in groups.values():
        marked = [False] * len(group)
        start = 0
        for end, r in enumerate(group):  # rows come ordered by time
            while r["at"] - group[start]["at"] > BURST_WINDOW:
                start += 1
            if end - start + 1 >= BURST_SIZE:
                marked[start : end + 1] = [True] * (end - start + 1)
        current: Burst | None = None
        for r, hit in zip(group, marked, strict=True):
            if not hit:
                current = None
                continue
            if current is None or r["at"] - current.last > BURST_WINDOW:
                current = Burst(by=by, label=label(r))
                out.append(current)
            current.rows.append(r)
    return sorted(out, key=lambda b: b.first, reverse=True)


def resident_bursts(*, community: Organisation, year: int) -> dict[str, list[Burst]]:
    """The bursts among residents' ratings of the community's commitments of a year (one
    query): by commitment, and by address (one network rating many commitments)."""
    rows = list(
        Rating.objects.filter(
            subtree_q("commitment__org__path", community.path),
            tier=Tier.RESIDENT,
            commitment__year=year,
        )
        .order_by("at", "pk")
        .values(
            "pk",
            "at",
            "score",
            "comment",
            "resident_addr",
            "voided_at",
            "void_reason",
            "commitment_id",
            title=F("commitment__title"),
            member=F("commitment__member__name"),
            state=F("commitment__state"),
        )
    )
    for r in rows:
        r["source"] = r["resident_addr"][:6] if r["resident_addr"] else ""
    return {
        "commitment": _bursts_of(rows, "commitment", "commitment_id", lambda r: r["title"]),
        "address": _bursts_of(rows, "address", "resident_addr", lambda r: r["source"]),
    }
