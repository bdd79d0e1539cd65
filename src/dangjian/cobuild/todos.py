"""Co-building's item of the home page's 待办 panel (see core/todos.py): resident units still
short of this year's practical deeds or volunteer services — from the fourth quarter on, when
there is still time but not much."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.todos import WARNING, Todo
from dangjian.orgs.models import COMMUNITY_KINDS

from .selectors import standings

LAST_QUARTER = 10


def todos(*, user: Any, org: Any, today: dt.date) -> list[Todo]:
    if org.kind not in COMMUNITY_KINDS or today.month < LAST_QUARTER:
        return []
    n = sum(1 for r in standings(user=user, community=org, year=today.year) if r.behind)
    return [
        Todo(
            _("%(n)d 个驻区单位今年的实事或志愿服务尚未达标") % {"n": n},
            n,
            f"{reverse('cobuild:overview')}?org={org.pk}",
            WARNING,
        )
    ]
