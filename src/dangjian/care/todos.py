"""Care's item of the home page's 待办 panel (see core/todos.py): from ``lead_days`` before a
holiday's break to its last day, the members on the care list not yet visited for it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.todos import WARNING, Todo
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS

from . import holidays
from .selectors import unvisited_count


def todos(*, user: Any, org: Any, today: dt.date) -> list[Todo]:
    if org.kind not in COMMUNITY_KINDS and org.kind not in BRANCH_KINDS:
        return []  # a street's list is read per community
    out = []
    for planned in holidays.open_now(today=today, org=org):
        n = unvisited_count(user=user, org=org, planned=planned)
        out.append(
            Todo(
                _("%(h)s慰问：%(n)d 名关爱对象尚未走访（%(d)s 放假）")
                % {"h": planned.brk.title, "n": n, "d": planned.brk.start.strftime("%m-%d")},
                n,
                f"{reverse('care:holidays')}?org={org.pk}",
                WARNING,
            )
        )
    return out
