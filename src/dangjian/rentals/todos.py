"""The 流动人口台帐's item of the home page's 待办 panel (see core/todos.py): tenants still living
in a dwelling whose residence permit (居住证) expires within rule ``grid.permit_reminder`` days,
or has expired. The user's cadre duties (cached per request), and the count read with the other
providers' counts in the panel's one statement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.todos import WARNING, Found, counts_later, one_count
from dangjian.grid.access import reaches_grid
from dangjian.orgs.models import COMMUNITY_KINDS

from . import selectors


@counts_later
def todos(*, user: Any, org: Any, today: dt.date) -> Found:
    if org.kind not in COMMUNITY_KINDS or not reaches_grid(user):
        return []
    days = selectors.reminder_days(org)

    return one_count(
        selectors.expiring(user=user, org=org, today=today, days=days),
        label=lambda n: _("%(n)d 名流动人口的居住证 %(d)d 天内到期") % {"n": n, "d": days},
        url=f"{reverse('rentals:tenants')}?org={org.pk}",
        level=WARNING,
    )
