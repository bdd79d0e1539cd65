"""Reads about care, always for a user: the care list with each member's latest visits and this
year's aid, the holiday plan (who has been visited for the coming holiday), the visit ledger and
the mutual-aid rounds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from dangjian.core.access import CHANGE, subtree_q
from dangjian.members.models import Member, State
from dangjian.members.selectors import search_filter
from dangjian.orgs.models import Organisation

from . import holidays
from .models import AidGrant, AidRound, AidState, Recipient, Visit, VisitKind

CURRENT, ENDED, ALL = "current", "ended", "all"
STATES = (CURRENT, ENDED, ALL)
REASONS = ("elderly", "weak", "hardship", "project")
#: sort keys offered on the list: (key, ORDER BY)
SORTS = {
    "name": ("member__name", "id"),
    "org": ("member__org__path", "member__name", "id"),
    "since": ("-since", "id"),
    # never visited first, on both databases (PostgreSQL puts NULLs last by default)
    "visited": (F("last_visit").asc(nulls_first=True), "member__name", "id"),
}


def today() -> dt.date:
    return timezone.localdate()


def _latest_date(visits: QuerySet[Visit]) -> Subquery:
    """The date of the latest of ``visits`` (correlated to the outer recipient)."""
    return Subquery(visits.order_by().values("recipient").annotate(m=Max("date")).values("m")[:1])


def _last(kind: str | None = None) -> Subquery:
    visits = Visit.objects.filter(recipient=OuterRef("pk"))
    return _latest_date(visits.filter(kind=kind) if kind else visits)


def current_under(*, user: Any, org: Organisation | None = None) -> QuerySet[Recipient]:
    """The members on the care list now, under ``org`` (or all the user sees) — with nothing
    annotated: for the holiday plan, its 待办 count and the round-of-visits form."""
    qs = Recipient.objects.visible_to(user).current()
    if org is not None:
        qs = qs.filter(subtree_q("member__org__path", org.path))
    return qs.select_related("member", "member__org")


def recipients_visible(
    *,
    user: Any,
    org: Organisation | None = None,
    state: str = CURRENT,
    reason: str = "",
    q: str = "",
    sort: str = "name",
    year: int | None = None,
) -> QuerySet[Recipient]:
    year = year or today().year
    qs = Recipient.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("member__org__path", org.path))
    if state == CURRENT:
        qs = qs.filter(ended_on__isnull=True)
    elif state == ENDED:
        qs = qs.filter(ended_on__isnull=False)
    if reason == "project":
        qs = qs.filter(has_project=True)
    elif reason in REASONS:
        qs = qs.filter(**{reason: True})
    if q:
        qs = qs.filter(search_filter(q, using=qs.db, prefix="member__", indexed=False))
    aid = (
        AidGrant.objects.filter(
            recipient=OuterRef("pk"), round__state=AidState.PAID, round__paid_on__year=year
        )
        .order_by()
        .values("recipient")
        .annotate(s=Sum("amount"))
        .values("s")[:1]
    )
    qs = qs.annotate(
        last_holiday=_last(VisitKind.HOLIDAY),
        last_study=_last(VisitKind.STUDY),
        last_visit=_last(),
        aid_year=Coalesce(
            Subquery(aid, output_field=DecimalField(max_digits=11, decimal_places=2)),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=11, decimal_places=2),
        ),
    )
    order = SORTS.get(sort, SORTS["name"])
    return qs.select_related("member", "member__org").order_by(*order)


def recipient_for(*, user: Any, pk: int, action: str = "view") -> Recipient | None:
    qs = (
        Recipient.objects.changeable_by(user)
        if action == CHANGE
        else Recipient.objects.visible_to(user)
    )
    return qs.select_related("member", "member__org").filter(pk=pk).first()


def visits_of(recipient: Recipient) -> QuerySet[Visit]:
    return recipient.visits.select_related("recorded_by").order_by("-date", "-id")


def grants_of(recipient: Recipient) -> QuerySet[AidGrant]:
    return recipient.grants.select_related("round").order_by("-round__created_at", "-id")


def members_to_add(*, user: Any) -> QuerySet[Member]:
    """Members on the register the user may put on the care list (not on it already)."""
    return (
        Member.objects.changeable_by(user)
        .filter(state=State.ACTIVE)
        .filter(~Exists(Recipient.objects.filter(member=OuterRef("pk"), ended_on__isnull=True)))
        .select_related("org")
        .order_by("org__path", "name", "id")
    )


# --- holiday plan ------------------------------------------------------------------------------


@dataclass
class PlanRow:
    recipient: Recipient
    visited_on: dt.date | None


@dataclass
class Plan:
    planned: holidays.Planned
    rows: list[PlanRow]

    @property
    def visited(self) -> int:
        return sum(1 for r in self.rows if r.visited_on)

    @property
    def total(self) -> int:
        return len(self.rows)


def _visited_q(planned: holidays.Planned) -> QuerySet[Visit]:
    return Visit.objects.filter(
        recipient=OuterRef("pk"),
        kind=VisitKind.HOLIDAY,
        holiday=planned.brk.key,
        holiday_on=planned.brk.start,
    )


def holiday_plan(
    *, user: Any, org: Organisation | None, on: dt.date | None = None, count: int = 3
) -> list[Plan]:
    """The coming holidays, each with the members on the care list and whether (and when) each
    has been visited for it. One query per holiday, whatever the size of the list."""
    on = on or today()
    base = current_under(user=user, org=org).filter(since__lte=on)
    out = []
    for planned in holidays.upcoming(today=on, org=org, count=count):
        visited = _latest_date(_visited_q(planned))
        rows = [
            PlanRow(r, r.visited_on)
            for r in base.annotate(visited_on=visited).order_by("member__org__path", "member__name")
        ]
        out.append(Plan(planned, rows))
    return out


def unvisited_count(*, user: Any, org: Organisation, planned: holidays.Planned) -> int:
    """How many members on the care list under ``org`` have no visit for ``planned`` (one
    query: for the 待办 panel)."""
    return current_under(user=user, org=org).filter(~Exists(_visited_q(planned))).count()


# --- visits ledger -----------------------------------------------------------------------------


def visits_visible(
    *,
    user: Any,
    org: Organisation | None = None,
    kind: str = "",
    year: int | None = None,
    q: str = "",
) -> QuerySet[Visit]:
    qs = Visit.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("recipient__member__org__path", org.path))
    if kind in VisitKind.values:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(date__year=year)
    if q:
        qs = qs.filter(search_filter(q, using=qs.db, prefix="recipient__member__", indexed=False))
    return qs.select_related("recipient__member__org").order_by("-date", "-id")


def visit_for(*, user: Any, pk: int, action: str = "view") -> Visit | None:
    qs = Visit.objects.changeable_by(user) if action == CHANGE else Visit.objects.visible_to(user)
    return qs.select_related("recipient__member__org").filter(pk=pk).first()


# --- the mutual-aid fund -----------------------------------------------------------------------


def rounds_visible(
    *, user: Any, org: Organisation | None = None, year: int | None = None
) -> QuerySet[AidRound]:
    qs = AidRound.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("org__path", org.path))
    if year:
        qs = qs.filter(Q(paid_on__year=year) | Q(paid_on__isnull=True, created_at__year=year))
    return (
        qs.select_related("org")
        .annotate(paid_total=Coalesce(Sum("grants__amount"), Value(Decimal("0"))))
        .order_by("-created_at", "-id")
    )


def round_for(*, user: Any, pk: int, action: str = "view") -> AidRound | None:
    qs = (
        AidRound.objects.changeable_by(user)
        if action == CHANGE
        else AidRound.objects.visible_to(user)
    )
    return qs.select_related("org").filter(pk=pk).first()


def grants_in(rnd: AidRound) -> QuerySet[AidGrant]:
    return rnd.grants.select_related("recipient__member__org").order_by(
        "-shares", "recipient__member__name", "id"
    )


def aid_candidates(*, user: Any, org: Organisation) -> QuerySet[Recipient]:
    """Members in difficulty on the community's care list (the round's default selection)."""
    return (
        Recipient.objects.changeable_by(user)
        .current()
        .filter(subtree_q("member__org__path", org.path))
        .select_related("member", "member__org")
        .order_by("-has_project", "-hardship", "member__name", "id")
    )
