"""API: nolife — members without organisational life for N months (art. 9), and the branch's
handling of each case. 404 for an organisation the caller holds no grant on (the same as a
missing one); recording needs a changing grant (secretary or admin)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from dangjian.core.access import CHANGE
from dangjian.core.api_errors import ErrorOut

from .. import services_nolife
from ..models import NoLifeCase
from ..selectors import nolife as sel

router = Router(tags=["不参加组织生活"])
PER_PAGE = 50


class MissedOut(Schema):
    meeting_id: int
    date: dt.date
    topic: str
    kind_label: str
    recorded: bool


class CaseOut(Schema):
    id: int
    member_id: int
    org_id: int
    handling: str
    handling_label: str
    handled_on: dt.date
    last_attended: dt.date | None
    note: str


class RowOut(Schema):
    member_id: int
    name: str
    org_id: int
    org_name: str
    months: int
    window_start: dt.date
    last_attended: dt.date | None
    missed: list[MissedOut]
    cases: list[CaseOut]


class ListOut(Schema):
    org_id: int
    org_name: str
    today: dt.date
    rule: str
    source: str
    count: int
    page: int
    items: list[RowOut]


class PageIn(Schema):
    page: int = 1


class CaseIn(Schema):
    member_id: int
    handling: str
    handled_on: dt.date | None = None
    note: str = ""


def _case_out(c: NoLifeCase) -> dict:
    return {
        "id": c.pk,
        "member_id": c.member_id,
        "org_id": c.org_id,
        "handling": c.handling,
        "handling_label": c.get_handling_display(),
        "handled_on": c.handled_on,
        "last_attended": c.last_attended,
        "note": c.note,
    }


def _org(request: HttpRequest, org_id: int, action: str = "view"):
    try:
        return sel.org_or_404(user=request.auth, pk=org_id, action=action)
    except Http404:
        raise HttpError(404, _("未找到该组织，或您无权查看。")) from None


@router.get("/{int:org_id}", response={200: ListOut, 404: ErrorOut})
def no_life_list(request: HttpRequest, org_id: int, q: Query[PageIn]):
    """组织（含下级）中连续 N 个月没有参加组织生活的党员，每人未参加的会议和处理情况；每页 50 人。"""
    org = _org(request, org_id)
    page = max(q.page, 1)
    result, p = sel.no_life_page(
        user=request.auth, org=org, today=timezone.localdate(), page=page, per_page=PER_PAGE
    )
    # the page's paginator turns a page past the end into the last page; the API answers an
    # empty page there (the same as before the list was paged in the database)
    rows = result.rows if p.number == page else []
    return {
        "org_id": org.pk,
        "org_name": org.name,
        "today": result.today,
        "rule": result.rule.explain,
        "source": result.rule.source,
        "count": p.paginator.count,
        "page": page,
        "items": [
            {
                "member_id": r.member_id,
                "name": r.name,
                "org_id": r.org.pk,
                "org_name": r.org.name,
                "months": r.months,
                "window_start": r.start,
                "last_attended": r.last_attended,
                "missed": [m.__dict__ for m in r.missed],
                "cases": [_case_out(c) for c in r.cases],
            }
            for r in rows
        ],
    }


@router.post("/{int:org_id}/cases", response={201: CaseOut, 400: ErrorOut, 404: ErrorOut})
def no_life_case(request: HttpRequest, org_id: int, payload: CaseIn):
    """登记支部对某位党员的处理情况（谈话提醒、限期改正、有正当理由、已恢复、按自行脱党除名）。"""
    org = _org(request, org_id, CHANGE)
    try:
        member = sel.member_or_404(user=request.auth, org=org, pk=payload.member_id)
    except Http404:
        msg = _("本组织中没有这位党员。")
        return Status(400, {"detail": msg, "errors": {"member_id": [msg]}})
    try:
        case = services_nolife.no_life_case_add(
            member=member,
            handling=payload.handling,
            handled_on=payload.handled_on or timezone.localdate(),
            note=payload.note,
            acting_user=request.auth,
        )
    except ValidationError as exc:
        errors = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        return Status(400, {"detail": next(iter(errors.values()))[0], "errors": errors})
    return Status(201, _case_out(case))
