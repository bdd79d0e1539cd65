"""The 督查整改 item of the home page's 待办 panel (see core/todos.py): open rectification tasks
past their deadline (rule ``inspection.followup``), for the inspected organisation, every level
above it up to the inspecting one, and the inspecting one — counted with the other providers'
counts in the panel's one statement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.todos import DANGER, Found, counts_later, one_count

from .selectors import overdue_followups


@counts_later
def todos(*, user: Any, org: Any, today: dt.date) -> Found:
    return one_count(
        overdue_followups(user=user, org=org, today=today),
        label=lambda n: _("%(n)d 项督查整改任务逾期未完成") % {"n": n},
        url=f"{reverse('inspections:home')}?org={org.pk}&state=overdue",
        level=DANGER,
    )
