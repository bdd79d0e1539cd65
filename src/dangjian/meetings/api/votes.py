"""API: votes of a branch general meeting (党员大会表决, rule ``meeting.general_vote``) — list
them, record one, withdraw one entered by mistake. The same selectors and services as the
meeting's page: refused (400) without a quorum or with more votes than voters; 404 for a
meeting or vote the caller may not reach (the same as a missing one). A withdrawn vote stays in
the list with ``voided`` true and ``passed`` null: it is not a result of the meeting."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from dangjian.core.access import CHANGE
from dangjian.core.api_errors import ErrorOut

from .. import services_votes
from ..models_votes import Vote
from ..selectors import votes as vsel
from .meetings import _meeting, _service_errors

router = Router(tags=["党员大会表决"])


class VoteOut(Schema):
    id: int
    meeting_id: int
    motion: str
    yes: int
    no: int
    abstain: int
    expected: int
    present: int
    fraction: float
    needed: int
    passed: bool | None
    voided: bool
    voided_at: dt.datetime | None
    void_reason: str
    version: int


class VoteIn(Schema):
    motion: str = ""
    yes: int = 0
    no: int = 0
    abstain: int = 0


class VoidIn(Schema):
    reason: str = ""
    version: int | None = None


def _vote_out(v: Vote) -> dict:
    return {
        "id": v.pk,
        "meeting_id": v.meeting_id,
        "motion": v.motion,
        "yes": v.yes,
        "no": v.no,
        "abstain": v.abstain,
        "expected": v.expected,
        "present": v.present,
        "fraction": v.fraction,
        "needed": v.needed,
        "passed": None if v.voided else v.passed,
        "voided": v.voided,
        "voided_at": v.voided_at,
        "void_reason": v.void_reason,
        "version": v.version,
    }


@router.get("/{int:meeting_id}/votes", response={200: list[VoteOut], 404: ErrorOut})
def vote_list(request: HttpRequest, meeting_id: int):
    """一次支部党员大会的表决事项，按表决顺序；已撤销的保留（voided=true，passed 为 null）。"""
    meeting = _meeting(request, meeting_id)
    return [_vote_out(v) for v in vsel.votes_of(user=request.auth, meeting=meeting)]


@router.post("/{int:meeting_id}/votes", response={201: VoteOut, 400: ErrorOut, 404: ErrorOut})
def vote_record(request: HttpRequest, meeting_id: int, payload: VoteIn):
    """登记一项表决的票数。须先登记考勤且到会人数超过半数；赞成票超过应到会有表决权党员的
    半数为通过（比例见规则 meeting.general_vote）。"""
    meeting = _meeting(request, meeting_id, CHANGE)
    for name in ("yes", "no", "abstain"):
        if getattr(payload, name) < 0:
            msg = _("票数不能为负数。")
            return Status(400, {"detail": msg, "errors": {name: [msg]}})
    try:
        vote = services_votes.vote_record(
            meeting=meeting,
            motion=payload.motion,
            yes=payload.yes,
            no=payload.no,
            abstain=payload.abstain,
            acting_user=request.auth,
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return Status(201, _vote_out(vote))


@router.post(
    "/votes/{int:vote_id}/void",
    response={200: VoteOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def vote_void(request: HttpRequest, vote_id: int, payload: VoidIn):
    """撤销一项录入有误的表决（须填写原因）：记录保留、标明已撤销，不再作为表决结果；
    正确的票数请重新登记。"""
    try:
        vote = vsel.vote_for(user=request.auth, pk=vote_id, action=CHANGE)
    except Http404:
        raise HttpError(404, _("未找到该表决，或您无权处理。")) from None
    try:
        vote = services_votes.vote_void(
            vote=vote,
            reason=payload.reason,
            acting_user=request.auth,
            expected_version=payload.version,
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return _vote_out(vote)
