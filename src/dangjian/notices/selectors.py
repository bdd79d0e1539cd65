"""Reads of notices: what the community's public board shows, and what a member sees."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.access import ancestor_paths, subtree_q
from dangjian.members.models import Member, MemberCategory
from dangjian.orgs.models import Organisation

from .models import Audience, Notice, NoticeQuerySet


def public_for(community, today: dt.date) -> NoticeQuerySet:  # noqa: ANN001
    """The notices on the community's public board on ``today``: published by the community or
    an organisation below it, to residents. No personal data is asked for on a notice."""
    return (
        Notice.objects.filter(audience=Audience.PUBLIC, org__path__startswith=community.path)
        .current(today)
        .select_related("org")
    )


def for_member(member: Member, today: dt.date) -> NoticeQuerySet:
    """The notices to ``member`` on ``today``: sent to their organisation or one above it, to
    all members or to a category the member is in. Two queries at most (categories, notices)."""
    cats = list(MemberCategory.objects.filter(member=member).values_list("category", flat=True))
    return (
        Notice.objects.filter(
            audience=Audience.MEMBERS, to_org__path__in=ancestor_paths(member.org.path)
        )
        .filter(Q(category="") | Q(category__in=cats))
        .current(today)
        .select_related("org", "to_org")
    )


#: The states a secretary filters the list by.
STATES = {
    "current": _("显示中"),
    "pending": _("待发布"),
    "withdrawn": _("已撤下"),
}
#: Sort orders of the list: by publish date, newest or oldest first.
SORTS = {
    "new": ("-publish_on", "-pk"),
    "old": ("publish_on", "pk"),
}


def with_state(qs: NoticeQuerySet, state: str, today: dt.date) -> NoticeQuerySet:
    if state == "current":
        return qs.current(today)
    if state == "pending":
        return qs.filter(publish_on__gt=today)
    if state == "withdrawn":
        return qs.filter(withdraw_on__lte=today)
    return qs


def notices_visible(
    *,
    user: Any,
    today: dt.date,
    org: Organisation | None = None,
    audience: str = "",
    state: str = "",
    sort: str = "new",
) -> NoticeQuerySet:
    """The notices of the organisations ``user`` may see, filtered: published by ``org`` or an
    organisation below it, to ``audience``, in ``state``. One query however many rows."""
    qs = Notice.objects.visible_to(user).select_related("org", "to_org")
    if org is not None:
        qs = qs.filter(subtree_q("org__path", org.path))
    if audience in Audience.values:
        qs = qs.filter(audience=audience)
    qs = with_state(qs, state, today)
    return qs.order_by(*SORTS.get(sort, SORTS["new"]))
