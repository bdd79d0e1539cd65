"""The service desk's item of the home page's 待办 panel: overdue requests, counted with the
other providers' counts in the panel's one statement (see core/todos.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.access import CHANGE, scope_for
from dangjian.core.todos import DANGER, Found, counts_later, one_count
from dangjian.orgs.models import COMMUNITY_KINDS

from .selectors import overdue_requests


@counts_later
def todos(*, user: Any, org: Any, today: dt.date) -> Found:
    if org.kind not in COMMUNITY_KINDS or not scope_for(user).reaches_path(org.path, CHANGE):
        return []

    return one_count(
        overdue_requests(user=user, community=org, today=today),
        label=lambda n: _("%(n)d 张便民服务工单已超过办理时限") % {"n": n},
        url=f"{reverse('servicedesk:home')}?org={org.pk}&state=overdue",
        level=DANGER,
    )
