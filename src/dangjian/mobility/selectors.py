"""Reads about mobile members, always for a user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from dangjian.core import rules
from dangjian.core.access import CHANGE, subtree_q
from dangjian.members.models import Member, State
from dangjian.members.selectors import search_filter
from dangjian.orgs.models import Organisation

from . import checks
from .models import ContactLog, Outbound, OutboundState

OUT = OutboundState.OUT
RETURNED = OutboundState.RETURNED
ALL = "all"
STATES = (OUT, RETURNED, ALL)
#: sort keys offered on the list: (key, ORDER BY)
SORTS = {
    "warn": ("warn_rank", "card_valid_until", "left_on", "id"),
    "left_on": ("-left_on", "id"),
    "valid": (F("card_valid_until").asc(nulls_last=True), "id"),
    "name": ("member__name", "id"),
}


def today() -> dt.date:
    return timezone.localdate()


def _rank(on: dt.date, r: checks.FollowRules) -> Case:
    """Warnings first, in the order the checks give them; returned members last. (For ordering
    and the "only warnings" filter; the row's own alerts come from :mod:`checks`.)"""
    out = Q(state=OUT)
    return Case(
        When(out & Q(card_valid_until__lt=on), then=Value(0)),
        When(
            out & Q(card_valid_until__lte=on + dt.timedelta(days=r.card_warn_days)),
            then=Value(1),
        ),
        When(out & Q(left_on__lt=checks.add_months(on, -r.max_absence_months)), then=Value(2)),
        When(
            out & Q(since__lt=checks.add_months(on, -r.contact_every_months)),
            then=Value(3),
        ),
        When(out & Q(card_no=""), then=Value(4)),
        When(out, then=Value(8)),
        default=Value(9),
        output_field=IntegerField(),
    )


def outbounds_visible(
    *,
    user: Any,
    org: Organisation | None = None,
    state: str = OUT,
    q: str = "",
    warn_only: bool = False,
    sort: str = "warn",
    on: dt.date | None = None,
) -> QuerySet[Outbound]:
    on = on or today()
    r = checks.FollowRules.for_org(org)
    qs = Outbound.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("member__org__path", org.path))
    if state in (OUT, RETURNED):
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(search_filter(q, using=qs.db, prefix="member__", indexed=False))
    qs = qs.annotate(since=Coalesce("last_contact_on", "left_on")).annotate(warn_rank=_rank(on, r))
    if warn_only:
        qs = qs.filter(warn_rank__lt=8)
    return qs.select_related("member", "member__org", "contact_member").order_by(
        *SORTS.get(sort, SORTS["warn"])
    )


class RulesByOrg:
    """The follow-up numbers per organisation, read once each (no query without overrides)."""

    def __init__(self) -> None:
        self._default = checks.FollowRules.for_org(None)
        self._has_overrides = bool(rules.override_org_codes())
        self._by_org: dict[int, checks.FollowRules] = {}

    def __call__(self, org: Organisation) -> checks.FollowRules:
        if not self._has_overrides:
            return self._default
        if org.pk not in self._by_org:
            self._by_org[org.pk] = checks.FollowRules.for_org(org)
        return self._by_org[org.pk]


@dataclass(frozen=True)
class Row:
    outbound: Outbound
    alerts: list[checks.Alert]


def rows(outbounds: Any, *, on: dt.date | None = None) -> list[Row]:
    on = on or today()
    r = RulesByOrg()
    return [Row(o, checks.alerts(o, today=on, r=r(o.member.org))) for o in outbounds]


def outbound_for(*, user: Any, pk: int, action: str = "view") -> Outbound | None:
    qs = (
        Outbound.objects.changeable_by(user)
        if action == CHANGE
        else Outbound.objects.visible_to(user)
    )
    return qs.select_related("member", "member__org", "contact_member").filter(pk=pk).first()


def contacts(*, outbound: Outbound) -> QuerySet[ContactLog]:
    return outbound.contacts.select_related("recorded_by").order_by("-date", "-id")


def history(*, outbound: Outbound) -> QuerySet[Outbound]:
    """The member's other absences, newest first."""
    return (
        Outbound.objects.filter(member_id=outbound.member_id)
        .exclude(pk=outbound.pk)
        .order_by("-left_on")
    )


def members_to_register(*, user: Any) -> QuerySet[Member]:
    """Members on the register the user may record an absence for (not away already)."""
    return (
        Member.objects.changeable_by(user)
        .filter(state=State.ACTIVE)
        .exclude(outbounds__state=OUT)
        .select_related("org")
        .order_by("org__path", "name", "id")
    )


def contact_choices(*, user: Any, member: Member | None = None) -> QuerySet[Member]:
    """Members who may be the paired contact: on the register, visible to the user (branch
    members, retired members …), not the person away."""
    qs = Member.objects.visible_to(user).filter(state=State.ACTIVE)
    if member is not None:
        qs = qs.exclude(pk=member.pk)
    return qs.order_by("name", "id")
