"""Reads of 共驻共建: a unit's year in numbers (for the rules and the stars, counted from the
deeds the unit took part in), the standing of every unit of a community against the rules (who
is behind), activities for the ledger and the chronicle. Counts are derived from the records — nothing is typed in twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangjian.charity.selectors import unit_donations
from dangjian.core import rules
from dangjian.core.access import subtree_q
from dangjian.deeds.models import Deed
from dangjian.jobs.selectors import offers_per_unit
from dangjian.meetings.models import COUNTS_AS_ATTENDED, Attendance, Criticism, MeetingKind
from dangjian.orgs.models import Organisation, ResidentUnit

from . import stars as star_rules
from .models import Activity, Pledge, StarRating


def _numbers(org: Organisation):  # noqa: ANN202
    def numbers(rule_id: str) -> dict[str, Any]:
        codes = tuple(org.ancestor_codes()) if rules.override_org_codes() else ()
        return rules.effective(rule_id, org_codes=codes)

    return numbers


def units_visible(*, user: Any, community: Organisation | None = None) -> QuerySet[ResidentUnit]:
    qs = ResidentUnit.objects.visible_to(user)
    if community is not None:
        qs = qs.filter(
            subtree_q("community__path", community.path)
            | subtree_q("also_in__path", community.path)
        ).distinct()
    return qs.select_related("community", "party_org").order_by("community__path", "name")


def activities_visible(
    *,
    user: Any,
    community: Organisation | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    kind: str = "",
    unit: ResidentUnit | None = None,
) -> QuerySet[Activity]:
    """Activities with their deed (date, title, units) and photos, the number of members who took
    part counted in the database."""
    qs = Activity.objects.visible_to(user)
    if community is not None:
        qs = qs.filter(subtree_q("deed__community__path", community.path))
    if start:
        qs = qs.filter(deed__date__gte=start)
    if end:
        qs = qs.filter(deed__date__lte=end)
    if kind:
        qs = qs.filter(kind=kind)
    if unit is not None:
        qs = qs.filter(deed__units=unit)
    return (
        qs.select_related("deed__community")
        .prefetch_related("deed__units", "photos")
        .annotate(n_members=Count("deed__participants", distinct=True))
        .order_by("-deed__date", "-pk")
    )


def deeds_to_detail(*, user: Any, community: Organisation) -> QuerySet[Deed]:
    """The community's deeds of the last year that are not co-building activities yet: what a
    new activity can pick instead of typing the event again."""
    since = timezone.localdate() - dt.timedelta(days=366)
    return (
        Deed.objects.visible_to(user)
        .filter(community=community, date__gte=since, activity__isnull=True)
        .order_by("-date", "-pk")
    )


def unit_deeds(*, unit: ResidentUnit, user: Any = None, limit: int = 100) -> list[Deed]:
    """A unit's deeds, newest first, each with its co-building activity when it is one — what
    the unit's year is counted from. ``user`` None: everything of the unit (its contact's page)."""
    qs = Deed.objects.visible_to(user) if user is not None else Deed.objects.all()
    return list(
        qs.filter(units=unit)
        .select_related("activity", "community")
        .order_by("-date", "-pk")[:limit]
    )


# A deed the unit took part in counts for the unit's year: as its practical deed (实事) when it
# has no co-building activity (recorded by the community, a checked-in member, a volunteer
# team…) or its activity is marked so; as a volunteer service or a joint activity only through
# an activity marked so.
_PLAIN = Q(activity__isnull=True)
_DEED = _PLAIN | Q(activity__is_deed=True)
_SERVICE = Q(activity__is_volunteer_service=True)
_JOINT = Q(activity__isnull=False, activity__is_deed=False, activity__is_volunteer_service=False)


def year_counts(units: list[ResidentUnit], year: int) -> dict[int, star_rules.UnitYear]:
    """Each unit's year in numbers — a fixed number of queries for any number of units: the
    deeds, council attendance, pledges and criticism notices, and what the unit gave residents
    through the other services (its job offers, its donations to the charity shop — one query
    each, read from those apps' records)."""
    ids = [u.pk for u in units]
    acts = (
        Deed.objects.filter(units__in=ids, date__year=year)
        .values("units")
        .annotate(
            deeds=Count("pk", filter=_DEED),
            services=Count("pk", filter=_SERVICE),
            joint=Count("pk", filter=_JOINT),
        )
    )
    by_unit = {r["units"]: r for r in acts}
    council = (
        Attendance.objects.filter(
            seat__unit__in=ids,
            meeting__kind=MeetingKind.COUNCIL,
            meeting__date__year=year,
            meeting__cancelled=False,
        )
        .values("seat__unit")
        .annotate(due=Count("pk"), came=Count("pk", filter=Q(status__in=COUNTS_AS_ATTENDED)))
    )
    by_council = {r["seat__unit"]: r for r in council}
    pledges = (
        Pledge.objects.filter(agreement__unit__in=ids, side="unit", checked_on__year=year)
        .values("agreement__unit")
        .annotate(n=Count("pk"), kept=Count("pk", filter=Q(kept=True)))
    )
    by_pledge = {r["agreement__unit"]: r for r in pledges}
    notices = dict(
        Criticism.objects.filter(unit__in=ids, year=year, withdrawn_at__isnull=True)
        .values("unit")
        .annotate(n=Count("pk"))
        .values_list("unit", "n")
    )
    offers = offers_per_unit(ids, year)
    donations = unit_donations(ids, year)
    out = {}
    for u in units:
        a, c, p = by_unit.get(u.pk, {}), by_council.get(u.pk, {}), by_pledge.get(u.pk, {})
        given = donations.get(u.pk)
        out[u.pk] = star_rules.UnitYear(
            councils_due=c.get("due", 0),
            councils_attended=c.get("came", 0),
            deeds=a.get("deeds", 0),
            activities=a.get("joint", 0),
            volunteer_services=a.get("services", 0),
            pledges=p.get("n", 0),
            pledges_kept=p.get("kept", 0),
            criticisms=notices.get(u.pk, 0),
            job_offers=offers.get(u.pk, 0),
            donations=given.times if given else 0,
            donated_pieces=given.quantity if given else 0,
            donated_value=given.value if given else Decimal(0),
        )
    return out


def proposal_for(*, unit: ResidentUnit, year: int) -> star_rules.Proposal:
    return star_rules.propose(year_counts([unit], year)[unit.pk], _numbers(unit.community))


def proposals_for(*, units: list[ResidentUnit], year: int) -> dict[int, star_rules.Proposal]:
    """The proposals of many units at once (the queries of :func:`year_counts`, not per unit)."""
    counts = year_counts(units, year)
    numbers: dict[int, Any] = {}
    out = {}
    for u in units:
        if u.community_id not in numbers:
            numbers[u.community_id] = _numbers(u.community)
        out[u.pk] = star_rules.propose(counts[u.pk], numbers[u.community_id])
    return out


@dataclass
class Standing:
    unit: ResidentUnit
    year: star_rules.UnitYear
    proposal: star_rules.Proposal
    decided: StarRating | None
    deeds_min: int
    services_min: int

    @property
    def behind(self) -> list[str]:
        """What the unit still owes this year under the rules."""
        out = []
        if self.year.deeds < self.deeds_min:
            out.append(f"实事差 {self.deeds_min - self.year.deeds} 件")
        if self.year.volunteer_services < self.services_min:
            out.append(f"志愿服务差 {self.services_min - self.year.volunteer_services} 次")
        return out


def standings(*, user: Any, community: Organisation, year: int) -> list[Standing]:
    """Every unit of the community with its year against the rules, its proposed and decided
    stars — behind first."""
    units = list(units_visible(user=user, community=community))
    counts = year_counts(units, year)
    decided = {s.unit_id: s for s in StarRating.objects.filter(unit__in=units, year=year)}
    numbers = _numbers(community)
    deeds_min = int(numbers("cobuild.unit_deeds")["min_per_year"])
    services_min = int(numbers("cobuild.unit_volunteer_services")["min_per_year"])
    rows = [
        Standing(
            unit=u,
            year=counts[u.pk],
            proposal=star_rules.propose(counts[u.pk], numbers),
            decided=decided.get(u.pk),
            deeds_min=deeds_min,
            services_min=services_min,
        )
        for u in units
    ]
    rows.sort(key=lambda r: (not r.behind, r.unit.name))
    return rows


def unit_of_contact(user: Any) -> ResidentUnit | None:
    """The one unit a resident unit's contact may see (None for everybody else)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return ResidentUnit.objects.filter(contacts__user=user).select_related("community").first()
