"""The workflow of a service request (便民服务工单): its steps, the states each may start from,
and who may take it. :func:`.services.request_step` is the one function that moves a request;
it refuses every move not listed here, so no step can be skipped.

    受理 → 分派 → 办理中 → 办结 → 回访 → 评价（结束）
    转办 (to a department, with a reason) from 受理, 分派, 办理中 — the request leaves the desk;
    退回 (with a reason) from 分派, 办理中 — the handler gives it back to be assigned again.

Who: the community's secretaries and staff (a changing grant on the community) take every step;
the handler it was assigned to (a staff member, or a member holding a post or checked in here)
also starts, finishes and gives back their own request. A resident rates through their link
(see ``services.request_rate_by_link``), never through this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from dangjian.core.access import CHANGE, scope_for

from .models import State


@dataclass(frozen=True)
class Move:
    label: Any
    sources: tuple[str, ...]
    target: str
    handler_may: bool = False
    needs_reason: bool = False


MOVES: dict[str, Move] = {
    "assign": Move(_("分派"), (State.RECEIVED,), State.ASSIGNED),
    "start": Move(_("开始办理"), (State.ASSIGNED,), State.IN_PROGRESS, handler_may=True),
    "finish": Move(_("办结"), (State.IN_PROGRESS,), State.DONE, handler_may=True),
    "visit": Move(_("回访"), (State.DONE,), State.VISITED),
    "rate": Move(_("评价"), (State.VISITED,), State.CLOSED),
    "transfer": Move(
        _("转办"),
        (State.RECEIVED, State.ASSIGNED, State.IN_PROGRESS),
        State.TRANSFERRED,
        needs_reason=True,
    ),
    "return": Move(
        _("退回"),
        (State.ASSIGNED, State.IN_PROGRESS),
        State.RECEIVED,
        handler_may=True,
        needs_reason=True,
    ),
}


def is_the_community(request: Any, user: Any) -> bool:
    return scope_for(user).reaches_path(request.community.path, CHANGE)


def is_the_handler(request: Any, user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if request.assigned_user_id and request.assigned_user_id == user.pk:
        return True
    member_id = scope_for(user).member_id
    return bool(member_id and request.assigned_member_id == member_id)


def may_take(request: Any, user: Any, action: str) -> bool:
    move = MOVES[action]
    if is_the_community(request, user):
        return True
    return move.handler_may and is_the_handler(request, user)


def moves_for(request: Any, user: Any) -> list[tuple[str, Move]]:
    """The steps this user may take on this request now (for the buttons on its page)."""
    return [
        (a, m)
        for a, m in MOVES.items()
        if request.state in m.sources and may_take(request, user, a)
    ]
