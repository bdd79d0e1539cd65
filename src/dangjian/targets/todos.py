"""The target letters' items of the home page's 待办 panel (see core/todos.py).

* For a street, town or county: the communities below it without a signed letter for this year,
  once today is on or after the signing date of rule ``targets.sign_by``.
* For a community: its letter of this year still awaiting signature (a draft).

Counting only, with the other providers' counts in the panel's one statement.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core import rules
from dangjian.core.access import CHANGE, scope_for
from dangjian.core.todos import INFO, WARNING, Counting, Found, Todo, counts_later
from dangjian.orgs.models import COMMUNITY_KINDS, UPPER_KINDS

from .models import Letter, Status
from .selectors import unsigned


def sign_by(*, org: Any, year: int) -> dt.date:
    month = int(rules.value("targets.sign_by", "month", org=org))
    day = int(rules.value("targets.sign_by", "day", org=org))
    return dt.date(year, month, day)


@counts_later
def todos(*, user: Any, org: Any, today: dt.date) -> Found:
    scope = scope_for(user)
    url = f"{reverse('targets:home')}?org={org.pk}&year={today.year}"
    if org.kind in UPPER_KINDS:
        if not scope.reaches_path(org.path, CHANGE) or today < sign_by(org=org, year=today.year):
            return []
        return Counting(
            [unsigned(org=org, year=today.year)],
            lambda counts: [
                Todo(
                    _("%(n)d 个社区还没有签订 %(y)d 年度党建工作目标责任书")
                    % {"n": counts[0], "y": today.year},
                    counts[0],
                    url,
                    WARNING,
                )
            ],
        )
    if org.kind in COMMUNITY_KINDS and scope.reaches_path(org.path):
        drafts = Letter.objects.filter(community=org, year=today.year, status=Status.DRAFT)
        return Counting(
            [drafts],
            lambda counts: [
                Todo(
                    _("%(y)d 年度党建工作目标责任书待签订") % {"y": today.year},
                    counts[0],
                    url,
                    INFO,
                )
            ],
        )
    return []
