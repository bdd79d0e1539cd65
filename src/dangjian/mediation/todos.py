"""The 信访、调解 item of the home page's 待办 panel (see core/todos.py): open cases past their
deadline (rule ``grid.case_deadline``), counted in at most two queries (the user's cadre duties,
cached per request, and the count — on the home page read with the other providers' counts, in
the panel's one counting statement)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.access import subtree_q
from dangjian.core.todos import DANGER, Found, counts_later, one_count

from .models import Case


def overdue_cases(*, user: Any, org: Any, today: dt.date) -> QuerySet[Case]:
    return (
        Case.objects.visible_to(user).overdue(today).filter(subtree_q("community__path", org.path))
    )


def overdue_count(*, user: Any, org: Any, today: dt.date) -> int:
    return overdue_cases(user=user, org=org, today=today).count()


@counts_later
def todos(*, user: Any, org: Any, today: dt.date) -> Found:
    return one_count(
        overdue_cases(user=user, org=org, today=today),
        label=lambda n: _("%(n)d 件信访、矛盾纠纷超过办理时限仍未了结") % {"n": n},
        url=f"{reverse('mediation:list')}?org={org.pk}&state=overdue",
        level=DANGER,
    )
