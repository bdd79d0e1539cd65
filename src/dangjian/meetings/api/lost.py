"""API: members who lost contact (失联党员, rule ``member.lost_contact``) — the open cases of an
organisation with what the platform proposes (停止党籍 / 除名), and recording the branch's
decision. The same selectors and service as the pages. 404 for an organisation or a case the
caller holds no grant on (the same as a missing one); deciding needs a changing grant."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from dangjian.core.access import CHANGE, get_visible_or_404, scope_for
from dangjian.core.api_errors import ErrorOut

from .. import services_lost
from ..models_lost import LostContact, LostContactDecision, LostDecisionKind
from ..selectors import lost as sel
from ..selectors.nolife import org_or_404
from .meetings import _service_errors

router = Router(tags=["失联党员"])
PER_PAGE = 50


class DecisionOut(Schema):
    id: int
    case_id: int
    kind: str
    kind_label: str
    decided_on: dt.date
    decided_by: str
    note: str
    member_event_id: int | None


class CaseOut(Schema):
    id: int
    member_id: int
    name: str
    org_id: int
    org_name: str
    lost_on: dt.date
    found_on: dt.date | None
    note: str
    suspended_on: dt.date | None
    suspend_due: dt.date
    remove_due: dt.date | None
    proposal: str
    proposal_label: str
    decisions: list[DecisionOut]
    version: int


class LostListOut(Schema):
    org_id: int
    org_name: str
    today: dt.date
    rule: str
    source: str
    proposals: int
    count: int
    page: int
    items: list[CaseOut]


class PageIn(Schema):
    page: int = 1


class DecisionIn(Schema):
    kind: str
    decided_on: dt.date | None = None
    decided_by: str = ""
    note: str = ""


def _decision_out(d: LostContactDecision) -> dict:
    return {
        "id": d.pk,
        "case_id": d.case_id,
        "kind": d.kind,
        "kind_label": str(d.get_kind_display()),
        "decided_on": d.decided_on,
        "decided_by": d.decided_by,
        "note": d.note,
        "member_event_id": d.member_event_id,
    }


def _row_out(r: sel.LostRow) -> dict:
    c = r.case
    p = r.proposal
    return {
        "id": c.pk,
        "member_id": c.member_id,
        "name": c.member.name,
        "org_id": c.org_id,
        "org_name": c.org.name,
        "lost_on": c.lost_on,
        "found_on": c.found_on,
        "note": c.note,
        "suspended_on": r.suspended_on,
        "suspend_due": r.suspend_due,
        "remove_due": r.remove_due,
        "proposal": p,
        "proposal_label": str(LostDecisionKind(p).label) if p else "",
        "decisions": [_decision_out(d) for d in r.decisions],
        "version": c.version,
    }


def _not_found() -> HttpError:
    return HttpError(404, _("未找到该组织，或您无权查看。"))


@router.get("/{int:org_id}", response={200: LostListOut, 404: ErrorOut})
def lost_list(request: HttpRequest, org_id: int, q: Query[PageIn]):
    """组织（含下级）的失联党员：失去联系日期、已作出的决定和系统提议（suspend 停止党籍、
    remove 按自行脱党除名、restore 恢复联系后可审查恢复党籍）；每页 50 人。"""
    try:
        org = org_or_404(user=request.auth, pk=org_id)
    except Http404:
        raise _not_found() from None
    result = sel.lost_list(user=request.auth, org=org, today=timezone.localdate())
    page = max(q.page, 1)
    chunk = result.rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    return {
        "org_id": org.pk,
        "org_name": org.name,
        "today": result.today,
        "rule": result.rule.explain,
        "source": result.rule.source,
        "proposals": len(result.proposals),
        "count": len(result.rows),
        "page": page,
        "items": [_row_out(r) for r in chunk],
    }


@router.post(
    "/cases/{int:case_id}/decisions",
    response={201: DecisionOut, 400: ErrorOut, 404: ErrorOut},
)
def lost_decide(request: HttpRequest, case_id: int, payload: DecisionIn):
    """登记支部对失联党员作出的决定（kind：suspend 停止党籍、remove 按自行脱党除名、
    restore 恢复党籍），记入党员档案，不能撤销。未到规则规定的时间的会被拒绝（400）。"""
    try:
        case = get_visible_or_404(
            LostContact.objects.select_related("member", "org"), request.auth, CHANGE, pk=case_id
        )
        if not scope_for(request.auth).reaches_path(case.org.path, CHANGE):
            raise Http404
    except Http404:
        raise HttpError(404, _("未找到该失联登记，或您无权处理。")) from None
    try:
        decision = services_lost.lost_contact_decide(
            case=case,
            kind=payload.kind,
            decided_on=payload.decided_on or timezone.localdate(),
            decided_by=payload.decided_by,
            note=payload.note,
            acting_user=request.auth,
        )
    except ValidationError as exc:
        return _service_errors(exc)
    return Status(201, _decision_out(decision))
