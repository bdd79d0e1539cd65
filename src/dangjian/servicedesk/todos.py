"""The service desk's item of the home page's 待办 panel: overdue requests (one query)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.access import CHANGE, scope_for
from dangjian.core.todos import DANGER, Todo
from dangjian.orgs.models import COMMUNITY_KINDS

from .selectors import overdue_count


def todos(*, user: Any, org: Any, today: dt.date) -> list[Todo]:
    if org.kind not in COMMUNITY_KINDS or not scope_for(user).reaches_path(org.path, CHANGE):
        return []
    n = overdue_count(user=user, community=org, today=today)
    return [
        Todo(
            _("%(n)d 张便民服务工单已超过办理时限") % {"n": n},
            n,
            f"{reverse('servicedesk:home')}?org={org.pk}&state=overdue",
            DANGER,
        )
    ]
