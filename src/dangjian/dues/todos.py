"""Dues' item of the home page's 待办 panel (see core/todos.py): members who have not paid for
the art. 9 number of months in a row without a good reason.

Counted without reading the register: the database keeps the few members who could have such a
streak (a dues base set by the streak's first month, and no month paid since), and
``unpaid_streaks`` counts those few exactly (excused months, admission) — a fixed number of
queries however many members the community has.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core import rules
from dangjian.core.todos import DANGER, Todo
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS

from .models import DuesBase, PaidMonth
from .months import add_months, month_of
from .selectors import members_of, unpaid_streaks


def unpaid_for_months(members: QuerySet, *, months: int, today: dt.date) -> list[int]:
    """The members of ``members`` unpaid for ``months`` months in a row or more, up to last
    month: prefiltered in the database, then counted by ``unpaid_streaks`` (four queries)."""
    if months < 1:  # every member has a streak of at least nought months
        return list(members.order_by().values_list("pk", flat=True))
    last = add_months(month_of(today), -1)
    first = add_months(last, -(months - 1))
    ids = list(
        members.filter(
            Exists(DuesBase.objects.filter(member_id=OuterRef("pk"), from_month__lte=first))
        )
        .exclude(
            Exists(
                PaidMonth.objects.filter(
                    member_id=OuterRef("pk"), month__gte=first, month__lte=last
                )
            )
        )
        .order_by()
        .values_list("pk", flat=True)
    )
    if not ids:
        return []
    streaks = unpaid_streaks(ids, today=today)
    return [pk for pk in ids if streaks.get(pk, 0) >= months]


def todos(*, user: Any, org: Any, today: dt.date) -> list[Todo]:
    if org.kind not in COMMUNITY_KINDS and org.kind not in BRANCH_KINDS:
        return []  # a street's list is read per community
    months = int(rules.value("member.no_org_life", "months", org=org))
    n = len(unpaid_for_months(members_of(user=user, org=org), months=months, today=today))
    return [
        Todo(
            _("%(n)d 名党员连续 %(m)d 个月未交党费") % {"n": n, "m": months},
            n,
            f"{reverse('meetings:no_life')}?org={org.pk}",
            DANGER,
        )
    ]
