"""Reads of re-employment: offers and seekers a user may see, suggested matches (same category,
open offer, consent not withdrawn, not yet referred — one query each way), the referrals ledger,
and each unit's offers in a year for its co-building year (one query)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from dangjian.core.access import subtree_q
from dangjian.orgs.models import Organisation

from .models import Offer, Outcome, Referral, Seeker, SeekerSkill


def open_q(on: dt.date, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}ended_on__isnull": True,
            f"{prefix}valid_from__lte": on,
            f"{prefix}valid_until__gte": on,
        }
    )


def offers_visible(
    *,
    user: Any,
    community: Organisation | None = None,
    category: str = "",
    state: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    on: dt.date | None = None,
) -> QuerySet[Offer]:
    """Offers valid at some time in [start, end]; ``state`` "open" / "ended" as of ``on``."""
    qs = Offer.objects.visible_to(user)
    if community is not None:
        qs = qs.filter(subtree_q("community__path", community.path))
    if category:
        qs = qs.filter(category=category)
    if start is not None:
        qs = qs.filter(valid_until__gte=start)
    if end is not None:
        qs = qs.filter(valid_from__lte=end)
    if state and on is not None:
        qs = qs.filter(open_q(on)) if state == "open" else qs.exclude(open_q(on))
    return (
        qs.select_related("unit", "community")
        .annotate(
            n_referred=Count("referrals"),
            n_hired=Count("referrals", filter=Q(referrals__outcome=Outcome.HIRED)),
        )
        .order_by("-valid_from", "-pk")
    )


def seekers_visible(
    *,
    user: Any,
    community: Organisation | None = None,
    active: bool | None = None,
    category: str = "",
) -> QuerySet[Seeker]:
    qs = Seeker.objects.visible_to(user)
    if community is not None:
        qs = qs.filter(subtree_q("community__path", community.path))
    if active is True:
        qs = qs.filter(withdrawn_on__isnull=True)
    elif active is False:
        qs = qs.filter(withdrawn_on__isnull=False)
    if category:
        qs = qs.filter(skills__category=category)
    return (
        qs.select_related("community")
        .prefetch_related(Prefetch("skills", queryset=SeekerSkill.objects.order_by("category")))
        .annotate(
            n_referred=Count("referrals", distinct=True),
            n_hired=Count("referrals", filter=Q(referrals__outcome=Outcome.HIRED), distinct=True),
        )
        .order_by("-consent_on", "-pk")
    )


def suggested_offers(*, seeker: Seeker, on: dt.date) -> QuerySet[Offer]:
    """Open offers of the seeker's community in a category the seeker can do, not yet referred
    to — one query (the skills and earlier referrals are subqueries). None once consent is
    withdrawn."""
    if seeker.withdrawn_on is not None:
        return Offer.objects.none()
    skills = SeekerSkill.objects.filter(seeker=seeker).values("category")
    done = Referral.objects.filter(seeker=seeker).values("offer_id")
    return (
        Offer.objects.filter(open_q(on), community_id=seeker.community_id, category__in=skills)
        .exclude(pk__in=done)
        .select_related("unit")
        .order_by("valid_until", "pk")
    )


def suggested_seekers(*, offer: Offer) -> QuerySet[Seeker]:
    """Seekers of the offer's community who can do its category, consent not withdrawn, not yet
    referred to it — one query."""
    done = Referral.objects.filter(offer=offer).values("seeker_id")
    return (
        Seeker.objects.filter(
            community_id=offer.community_id,
            withdrawn_on__isnull=True,
            skills__category=offer.category,
        )
        .exclude(pk__in=done)
        .distinct()
        .order_by("consent_on", "pk")
    )


def referrals_visible(
    *,
    user: Any,
    community: Organisation | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    offer: Offer | None = None,
    seeker: Seeker | None = None,
) -> QuerySet[Referral]:
    qs = Referral.objects.visible_to(user)
    if community is not None:
        qs = qs.filter(subtree_q("offer__community__path", community.path))
    if start is not None:
        qs = qs.filter(referred_on__gte=start)
    if end is not None:
        qs = qs.filter(referred_on__lte=end)
    if offer is not None:
        qs = qs.filter(offer=offer)
    if seeker is not None:
        qs = qs.filter(seeker=seeker)
    return qs.select_related("offer__unit", "offer__community", "seeker").order_by(
        "-referred_on", "-pk"
    )


def offers_per_unit(units: Iterable[Any], year: int) -> dict[int, int]:
    """How many offers each unit made that were valid at some time in ``year`` — one query.
    This is what the unit's co-building year counts as 提供就业岗位."""
    ids = [getattr(u, "pk", u) for u in units]
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = (
        Offer.objects.filter(unit_id__in=ids, valid_from__lte=last, valid_until__gte=first)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    out = dict.fromkeys(ids, 0)
    out.update(dict(rows))
    return out
