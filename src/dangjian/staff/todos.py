"""The staff roster's item of the home page's 待办 panel (see core/todos.py): seconded cadres
(下派干部) whose term ends within the reminder days of rule ``staff.seconded_term``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.access import CHANGE, scope_for
from dangjian.core.todos import INFO, Found, counts_later, one_count

from .selectors import seconded_ending


@counts_later
def todos(*, user: Any, org: Any, today: dt.date) -> Found:
    if not scope_for(user).reaches_path(org.path, CHANGE):
        return []

    return one_count(
        seconded_ending(user=user, org=org, on=today),
        label=lambda n: _("%(n)d 名下派干部任期将满，请安排轮换或延期") % {"n": n},
        url=f"{reverse('staff:home')}?org={org.pk}",
        level=INFO,
    )
