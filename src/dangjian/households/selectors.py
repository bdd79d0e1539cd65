"""Reads of the 困难家庭台帐: the register as a user may see it (filtered, with each household's
pairings counted in the same query) — row by row for the ledger and the API, one entry per
household for the list page —, the count per kind per community, and one household's page —
difficulties, pairings, and its history (help given, pairings begun and ended, goods handed out
by the charity shop) — each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dangjian.charity.models import Direction, Movement
from dangjian.checkin.models import Pairing
from dangjian.core.access import subtree_q
from dangjian.deeds.models import Deed, Participant
from dangjian.orgs.models import Organisation, Place

from .models import Difficulty, Kind


def _active_pairings(household: str = "household_id") -> Any:
    """Active pairings of the row's household, as a subquery (counted in the list query)."""
    return Coalesce(
        Subquery(
            Pairing.objects.filter(
                household_id=OuterRef(household),
                until__isnull=True,
                checkin__ended_on__isnull=True,
            )
            .values("household_id")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def register(
    *,
    user: Any,
    community: Organisation | None = None,
    kind: str = "",
    area: Place | None = None,
    active: bool | None = True,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Difficulty]:
    """The register rows the user may see: by community, kind, grid/building (a subtree of the
    places tree), open or ended, and those that overlap a period."""
    qs = Difficulty.objects.visible_to(user)
    if community is not None:
        qs = qs.filter(subtree_q("household__community__path", community.path))
    if kind:
        qs = qs.filter(kind=kind)
    if area is not None:
        qs = qs.filter(subtree_q("household__path", area.path))
    if active is True:
        qs = qs.filter(until__isnull=True)
    elif active is False:
        qs = qs.filter(until__isnull=False)
    if end is not None:
        qs = qs.filter(since__lte=end)
    if start is not None:
        qs = qs.filter(Q(until__isnull=True) | Q(until__gte=start))
    return (
        qs.select_related("household__parent__parent__parent", "household__community")
        .annotate(paired=_active_pairings())
        .order_by("household__path", "kind", "-since", "pk")
    )


def register_households(**filters: Any) -> QuerySet[Place]:
    """The households of :func:`register` (same arguments), one each however many kinds of
    difficulty it has, in the order of the places tree, with its active pairings counted. Page
    it, then :func:`with_rows` adds each household's register rows in one query."""
    rows = register(**filters)
    return (
        Place.objects.filter(pk__in=rows.values("household_id"))
        .select_related("parent__parent__parent", "community")
        .annotate(paired=_active_pairings("pk"))
        .order_by("path", "pk")
    )


def with_rows(households: list[Place], **filters: Any) -> list[Place]:
    """Each household of a page with the register rows that matched the filters, as ``rows``
    (open ones first), and ``since`` / ``until`` over them — one query for the page."""
    by_household: dict[int, list[Difficulty]] = {h.pk: [] for h in households}
    rows = register(**filters).filter(household_id__in=list(by_household))
    for d in rows.order_by(F("until").asc(nulls_first=True), "kind", "-since", "pk"):
        by_household[d.household_id].append(d)
    for h in households:
        h.rows = by_household[h.pk]
        h.since = min((d.since for d in h.rows), default=None)
        ended = [d.until for d in h.rows]
        h.until = max(ended) if ended and None not in ended else None
    return households


def counts_by_kind(*, user: Any, community: Organisation | None = None) -> list[dict[str, Any]]:
    """Open difficulties per community and kind (one query): rows of community name, the count
    of each kind (in the order of :class:`Kind`), the households and the total."""
    qs = Difficulty.objects.visible_to(user).filter(until__isnull=True)
    if community is not None:
        qs = qs.filter(subtree_q("household__community__path", community.path))
    rows = (
        qs.values("household__community_id", "household__community__name", "kind")
        .annotate(n=Count("pk"))
        .order_by("household__community__path", "kind")
    )
    out: dict[int, dict[str, Any]] = {}
    for r in rows:
        row = out.setdefault(
            r["household__community_id"],
            {"name": r["household__community__name"], "kinds": dict.fromkeys(Kind.values, 0)},
        )
        row["kinds"][r["kind"]] = r["n"]
    households = dict(
        qs.values("household__community_id")
        .annotate(h=Count("household_id", distinct=True))
        .values_list("household__community_id", "h")
    )
    return [
        {
            "name": row["name"],
            "counts": [row["kinds"][k] for k in Kind.values],
            "by_kind": [(label, row["kinds"][k]) for k, label in Kind.choices],
            "total": sum(row["kinds"].values()),
            "households": households.get(cid, 0),
        }
        for cid, row in out.items()
    ]


def household_difficulties(*, user: Any, household: Place) -> QuerySet[Difficulty]:
    """All of a household's difficulties, open first, then the ended (its history)."""
    return (
        Difficulty.objects.visible_to(user)
        .filter(household=household)
        .select_related("recorded_by")
        .order_by(F("until").asc(nulls_first=True), "-since", "pk")  # the open ones first
    )


def household_pairings(*, user: Any, household: Place) -> QuerySet[Pairing]:
    return (
        Pairing.objects.visible_to(user)
        .filter(household=household)
        .select_related("checkin__member__org", "checkin__community")
        .order_by("-since", "-pk")
        .distinct()
    )


def household_history(*, user: Any, household: Place) -> QuerySet[Deed]:
    """The help the household was given (deeds for it), newest first, with who took part."""
    return (
        Deed.objects.visible_to(user)
        .filter(household=household)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("member").order_by("member__name"),
            )
        )
        .order_by("-date", "-pk")
    )


@dataclass
class Entry:
    """One line of a household's history."""

    date: dt.date
    kind: str  # "help" | "pairing" | "pairing_end" | "charity"
    text: str
    people: list[str] = field(default_factory=list)
    deed: Deed | None = None
    order: int = 0  # same day: the later record first


def household_charity(*, user: Any, household: Place) -> QuerySet[Movement]:
    """Goods the charity shop handed out to the household that still stand (a hand-out voided
    as a mistake is left out), newest first."""
    return (
        Movement.objects.visible_to(user)
        .filter(
            household=household,
            direction=Direction.OUT,
            voids__isnull=True,
            voided_by__isnull=True,
        )
        .select_related("item", "handed_by_member")
        .order_by("-date", "-pk")
    )


def household_timeline(
    *, user: Any, household: Place, pairings: list[Pairing] | None = None
) -> list[Entry]:
    """The household's history, newest first: the help given (deeds for it), each pairing begun
    and ended, and the goods handed out by the charity shop — three queries (two when the
    pairings are passed in), whatever their number."""
    out: list[Entry] = []
    for d in household_history(user=user, household=household):
        out.append(
            Entry(
                d.date,
                "help",
                d.title,
                [p.member.name for p in d.participants.all()],
                deed=d,
                order=d.pk,
            )
        )
    if pairings is None:
        pairings = list(household_pairings(user=user, household=household))
    for p in pairings:
        name = p.checkin.member.name
        out.append(Entry(p.since, "pairing", _("与在职党员结对"), [name], order=p.pk))
        end = p.until or p.checkin.ended_on
        if end is not None:
            text = _("结束结对") if p.until else _("报到解除，结对随之结束")
            out.append(Entry(end, "pairing_end", text, [name], order=p.pk))
    for m in household_charity(user=user, household=household):
        out.append(
            Entry(
                m.date,
                "charity",
                _("爱心超市发放：%(item)s %(n)d %(unit)s")
                % {"item": m.item.name, "n": m.quantity, "unit": m.item.unit},
                [m.handed_by_member.name] if m.handed_by_member_id else [],
                order=m.pk,
            )
        )
    out.sort(key=lambda e: (e.date, e.order), reverse=True)
    return out
