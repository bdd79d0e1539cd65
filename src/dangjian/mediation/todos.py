"""The 信访、调解 item of the home page's 待办 panel (see core/todos.py): open cases past their
deadline (rule ``grid.case_deadline``), counted in at most two queries (the user's cadre duties,
cached per request, and the count)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.access import subtree_q
from dangjian.core.todos import DANGER, Todo

from .models import Case


def overdue_count(*, user: Any, org: Any, today: dt.date) -> int:
    return (
        Case.objects.visible_to(user)
        .overdue(today)
        .filter(subtree_q("community__path", org.path))
        .count()
    )


def todos(*, user: Any, org: Any, today: dt.date) -> list[Todo]:
    n = overdue_count(user=user, org=org, today=today)
    if not n:
        return []
    return [
        Todo(
            _("%(n)d 件信访、矛盾纠纷超过办理时限仍未了结") % {"n": n},
            n,
            f"{reverse('mediation:list')}?org={org.pk}&state=overdue",
            DANGER,
        )
    ]
