"""The 困难家庭台帐's item of the home page's 待办 panel (see core/todos.py): households in the
register with fewer paired in-service members than rule ``households.pairing`` asks.

Its count is read with the other providers' counts, in the panel's one counting statement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core import rules
from dangjian.core.access import CHANGE, scope_for, subtree_q
from dangjian.core.todos import WARNING, Found, counts_later, one_count
from dangjian.orgs.models import COMMUNITY_KINDS, Place

from .models import Difficulty


def unpaired_count(*, user: Any, org: Any) -> int:
    """Households under ``org`` with an open difficulty and too few active pairings (1 query)."""
    return unpaired(user=user, org=org).count()


def unpaired(*, user: Any, org: Any) -> QuerySet[Place]:
    """Households under ``org`` with an open difficulty and too few active pairings."""
    need = rules.value("households.pairing", "min_members", org=org)
    in_register = (
        Difficulty.objects.changeable_by(user)
        .filter(subtree_q("household__community__path", org.path), until__isnull=True)
        .values("household_id")
    )
    return (
        Place.objects.filter(pk__in=in_register)
        .annotate(
            paired=Count(
                "pairings",
                filter=Q(pairings__until__isnull=True, pairings__checkin__ended_on__isnull=True),
            )
        )
        .filter(paired__lt=need)
    )


@counts_later
def todos(*, user: Any, org: Any, today: dt.date) -> Found:
    # need-to-know: only for those who may change the community, and asked per community
    if org.kind not in COMMUNITY_KINDS or not scope_for(user).reaches_path(org.path, CHANGE):
        return []

    return one_count(
        unpaired(user=user, org=org),
        label=lambda n: _("%(n)d 户困难家庭还没有结对帮扶") % {"n": n},
        url=f"{reverse('households:home')}?org={org.pk}",
        level=WARNING,
    )
