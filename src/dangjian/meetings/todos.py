"""The meetings' items of the home page's 待办 panel (see core/todos.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core import rules
from dangjian.core.todos import DANGER, INFO, WARNING, Counting, Found, Todo, counts_later, once
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS

from . import cadence as cad
from .selectors.cadence import cadence_rollup
from .selectors.lectures import missing_to_count as lectures_missing
from .selectors.lost import lost_list
from .selectors.nolife import no_life_listed
from .selectors.talks import missing_to_count as talks_missing

#: Talks still to hold are pressing in the last quarter of their period (year end).
TALKS_PRESSING_DAYS = 92


def rollup_of(*, user: Any, org: Any, today: dt.date) -> Any:
    """The year's cadence roll-up of ``org``'s subtree (every row, all lights), read once per
    page: a street's overview counts its red rows (core/town_overview.py)."""
    return once(
        ("cadence_rollup", user.pk, org.pk, today),
        lambda: cadence_rollup(user=user, root=org, year=today.year, today=today),
    )


@counts_later
def todos(*, user: Any, org: Any, today: dt.date) -> Found:
    rollup = rollup_of(user=user, org=org, today=today)
    out = [
        Todo(
            _("%(n)d 个组织的“三会一课”已逾期") % {"n": rollup.totals.get(cad.RED, 0)},
            rollup.totals.get(cad.RED, 0),
            f"{reverse('meetings:cadence_rollup')}?org={org.pk}&light={cad.RED}",
            DANGER,
        ),
        Todo(
            _("%(n)d 个组织本期会议待开") % {"n": rollup.totals.get(cad.AMBER, 0)},
            rollup.totals.get(cad.AMBER, 0),
            f"{reverse('meetings:cadence_rollup')}?org={org.pk}&light={cad.AMBER}",
            WARNING,
        ),
    ]
    # The art. 9 list is counted in the database (a fixed number of queries): asked for a
    # community or a branch, not for a whole street or county (their secretaries open the list
    # per community).
    if org.kind not in COMMUNITY_KINDS and org.kind not in BRANCH_KINDS:
        return out
    # counted with the other providers' counts, in the panel's one statement
    counts = [
        no_life_listed(user=user, org=org, today=today),
        talks_missing(user=user, org=org, today=today),
        lectures_missing(user=user, org=org, today=today),
    ]
    lost = lost_list(user=user, org=org, today=today)

    def build(counts: list[int]) -> list[Todo]:
        n, n_talks, n_lecture = counts
        return [
            *out,
            Todo(
                _("%(n)d 名党员长期未参加组织生活") % {"n": n},
                n,
                f"{reverse('meetings:no_life')}?org={org.pk}",
                WARNING,
            ),
            *_rule_todos(
                org=org,
                today=today,
                n_lost=len(lost.proposals),
                n_talks=n_talks,
                n_lecture=n_lecture,
            ),
        ]

    return Counting(counts, build)


def _rule_todos(
    *, org: Any, today: dt.date, n_lost: int, n_talks: int, n_lecture: int
) -> list[Todo]:
    """Lost-contact decisions due (rule ``member.lost_contact``), members nobody talked with
    this period (``meeting.heart_talk``) and branch secretaries who have not given their own
    lecture this year (``meeting.party_lecture``) — the last two pressing near the period's
    end."""
    ends = cad.period_of(today, str(rules.value("meeting.heart_talk", "period", org=org))).end
    year_end = dt.date(today.year, 12, 31)
    return [
        Todo(
            _("%(n)d 名失联党员待支部作出停止党籍或除名决定") % {"n": n_lost},
            n_lost,
            f"{reverse('meetings:lost')}?org={org.pk}",
            DANGER,
        ),
        Todo(
            _("%(n)d 名党员本年度尚未谈心谈话") % {"n": n_talks},
            n_talks,
            f"{reverse('meetings:talks')}?org={org.pk}",
            WARNING if (ends - today).days < TALKS_PRESSING_DAYS else INFO,
        ),
        Todo(
            _("%(n)d 个支部的书记本年度尚未讲党课") % {"n": n_lecture},
            n_lecture,
            f"{reverse('meetings:cadence')}?org={org.pk}#secretary-lecture",
            WARNING if (year_end - today).days < TALKS_PRESSING_DAYS else INFO,
        ),
    ]
