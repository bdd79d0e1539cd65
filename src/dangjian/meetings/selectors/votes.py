"""Reads of the votes of a branch general meeting (rule ``meeting.general_vote``)."""

from __future__ import annotations

from typing import Any

from dangjian.core.access import VIEW, get_visible_or_404

from ..models import Meeting
from ..models_votes import Vote


def votes_of(*, user: Any, meeting: Meeting, standing: bool = False) -> list[Vote]:
    """The votes of ``meeting`` the user may see, in the order they were taken; withdrawn ones
    included (shown as withdrawn, never as a result) unless ``standing``."""
    qs = Vote.objects.visible_to(user).filter(meeting=meeting)
    if standing:
        qs = qs.standing()
    return list(qs.order_by("id"))


def vote_for(*, user: Any, pk: Any, action: str = VIEW) -> Vote:
    """One vote the user may reach, else 404."""
    return get_visible_or_404(Vote.objects.select_related("meeting__org"), user, action, pk=pk)
