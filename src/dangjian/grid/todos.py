"""The grid's item of the home page's 待办 panel (see core/todos.py): areas short of cadres or
社情联络员 under rules ``grid.residents_per_cadre`` and ``grid.liaisons``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.todos import WARNING, Todo

from . import selectors_areas as sel


def todos(*, user: Any, org: Any, today: dt.date) -> list[Todo]:
    # need-to-know: only those who may change the community (or a street/county above it)
    if not sel.reaches_org(user=user, org=org):
        return []
    # one query (the areas with their figures); a second only when rule numbers are overridden
    n = sel.shortfall_count(user=user, org=org, on=today)
    return [
        Todo(
            _("%(n)d 个网格/片区包片干部或社情联络员不足") % {"n": n},
            n,
            f"{reverse('grid:home')}?org={org.pk}",
            WARNING,
        )
    ]
