"""Dues' item of the home page's 待办 panel (see core/todos.py): members who have not paid for
the art. 9 number of months in a row without a good reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core import rules
from dangjian.core.todos import DANGER, Todo
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS

from .selectors import members_of, unpaid_streaks


def todos(*, user: Any, org: Any, today: dt.date) -> list[Todo]:
    if org.kind not in COMMUNITY_KINDS and org.kind not in BRANCH_KINDS:
        return []  # a street's list is read per community
    months = rules.value("member.no_org_life", "months", org=org)
    ids = list(members_of(user=user, org=org).values_list("pk", flat=True))
    n = sum(1 for v in unpaid_streaks(ids, today=today).values() if v >= months)
    return [
        Todo(
            _("%(n)d 名党员连续 %(m)d 个月未交党费") % {"n": n, "m": months},
            n,
            f"{reverse('meetings:no_life')}?org={org.pk}",
            DANGER,
        )
    ]
