"""首页待办: leave requests waiting for the secretary's decision (see core/todos.py).

One line per meeting with undecided requests — “<主题> <日期>：N 人请假待批准” — linking to the
meeting page where leave is decided; a meeting whose day has come says that the leave is still
undecided. Only the requests the user may decide (CHANGE on the meeting's organisation) are
counted, in one query whatever the number of meetings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.access import subtree_q
from dangjian.core.todos import DANGER, WARNING, Todo

from .models import LeaveRequest, LeaveState

#: at most this many meetings are listed one by one; the rest are summed in one line
MAX_LINES = 10


def todos(*, user: Any, org: Any, today: dt.date) -> list[Todo]:
    pending = (
        LeaveRequest.objects.changeable_by(user)
        .filter(subtree_q("meeting__org__path", org.path))
        .filter(state=LeaveState.PENDING, meeting__cancelled=False)
    )
    per_meeting = list(
        pending.values("meeting_id", "meeting__topic", "meeting__date")
        .annotate(n=Count("pk"))
        .order_by("meeting__date", "meeting_id")[: MAX_LINES + 1]
    )
    out: list[Todo] = []
    for row in per_meeting[:MAX_LINES]:
        day: dt.date = row["meeting__date"]
        label = _("%(topic)s %(date)s：%(n)d 人请假待批准") % {
            "topic": row["meeting__topic"],
            "date": day.isoformat(),
            "n": row["n"],
        }
        if day <= today:
            label = f"{label}（{_('会议当天仍未批准')}）"
        out.append(
            Todo(
                label,
                row["n"],
                f"{reverse('meetings:detail', args=[row['meeting_id']])}#leave",
                DANGER if day <= today else WARNING,
            )
        )
    if len(per_meeting) > MAX_LINES:
        # a second query only when there are more meetings than lines
        shown = [r["meeting_id"] for r in per_meeting[:MAX_LINES]]
        rest = pending.exclude(meeting_id__in=shown).aggregate(
            m=Count("meeting_id", distinct=True), n=Count("pk")
        )
        out.append(
            Todo(
                _("另有 %(m)d 次会议共 %(n)d 人请假待批准") % rest,
                rest["n"],
                f"{reverse('meetings:list')}?org={org.pk}",
                WARNING,
            )
        )
    return out
