"""Commitments' items of the home page's 待办 panel (see core/todos.py): submitted commitments
awaiting the branch's deliberation, and deliberated ones awaiting the review above."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.access import CHANGE, scope_for
from dangjian.core.todos import INFO, Counting, Found, Todo, counts_later

from .models import State
from .selectors import commitments_visible


@counts_later
def todos(*, user: Any, org: Any, today: dt.date) -> Found:
    if not scope_for(user).reaches_path(org.path, CHANGE):
        return []
    visible = commitments_visible(user=user, org=org, year=today.year)
    url = reverse("commitments:list")

    def build(counts: list[int]) -> list[Todo]:
        applied, deliberated = counts
        return [
            Todo(
                _("%(n)d 条党员承诺待支部议诺") % {"n": applied},
                applied,
                f"{url}?org={org.pk}&state={State.APPLIED}",
                INFO,
            ),
            Todo(
                _("%(n)d 条党员承诺待上级审诺") % {"n": deliberated},
                deliberated,
                f"{url}?org={org.pk}&state={State.DELIBERATED}",
                INFO,
            ),
        ]

    return Counting(
        [visible.filter(state=State.APPLIED), visible.filter(state=State.DELIBERATED)], build
    )
