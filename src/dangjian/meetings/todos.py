"""The meetings' items of the home page's 待办 panel (see core/todos.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.todos import DANGER, WARNING, Todo
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS

from . import cadence as cad
from .selectors.cadence import cadence_rollup
from .selectors.nolife import no_life_list


def todos(*, user: Any, org: Any, today: dt.date) -> list[Todo]:
    rollup = cadence_rollup(user=user, root=org, year=today.year, today=today)
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
    # The art. 9 list reads every member of the subtree: asked for a community or a branch,
    # not for a whole street or county (their secretaries open the list per community).
    if org.kind in COMMUNITY_KINDS or org.kind in BRANCH_KINDS:
        listed = no_life_list(user=user, org=org, today=today)
        n = len(listed.rows)
        out.append(
            Todo(
                _("%(n)d 名党员长期未参加组织生活") % {"n": n},
                n,
                f"{reverse('meetings:no_life')}?org={org.pk}",
                WARNING,
            )
        )
    return out
