"""Member development's items of the home page's 待办 panel (see core/todos.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.todos import DANGER, Todo

from .selectors import candidates_visible, pipeline_rows


def todos(*, user: Any, org: Any, today: dt.date) -> list[Todo]:
    rows = pipeline_rows(candidates_visible(user=user, org=org), on=today)
    late = sum(1 for r in rows if r.due is not None and r.due.overdue)
    return [
        Todo(
            _("发展党员：%(n)d 人的下一步已超期") % {"n": late},
            late,
            f"{reverse('development:pipeline')}?org={org.pk}",
            DANGER,
        )
    ]
