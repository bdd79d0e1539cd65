"""Mobility's item of the home page's 待办 panel (see core/todos.py): members away whose card
has expired or is about to, who are away longer than the card allows, or who have not been
contacted within the rule's months (rule member.mobile_followup)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.todos import WARNING, Found, counts_later, one_count
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS

from .selectors import outbounds_visible


@counts_later
def todos(*, user: Any, org: Any, today: dt.date) -> Found:
    if org.kind not in COMMUNITY_KINDS and org.kind not in BRANCH_KINDS:
        return []

    return one_count(
        outbounds_visible(user=user, org=org, warn_only=True, on=today),
        label=lambda n: _("%(n)d 名流动党员需要跟进（活动证到期、外出超期或久未联系）") % {"n": n},
        url=f"{reverse('mobility:list')}?org={org.pk}&warn=1",
        level=WARNING,
    )
