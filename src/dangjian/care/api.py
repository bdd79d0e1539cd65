"""API: 关爱帮扶 — the care list, one member's care record, putting a member on it, recording a
visit, the visit ledger, the holiday plan and the mutual-aid rounds. The same scoped selectors,
forms and services as the pages; what is not the caller's is the same 404 as what is missing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.core.access import CHANGE
from dangjian.core.api_errors import ErrorOut, form_errors, service_errors
from dangjian.core.api_paging import mapped_pagination
from dangjian.orgs.models import Organisation

from . import selectors, services
from .forms import RecipientForm, VisitFields
from .models import AidGrant, AidRound, Recipient, Visit, VisitKind

router = Router(tags=["关爱帮扶"])


class RecipientOut(Schema):
    id: int
    version: int
    member_id: int
    member_name: str
    org_id: int
    org_name: str
    elderly: bool
    weak: bool
    hardship: bool
    has_project: bool
    project: str
    since: dt.date
    ended_on: dt.date | None
    last_holiday_visit: dt.date | None = None
    last_study: dt.date | None = None
    aid_this_year: Decimal = Decimal("0")


class VisitOut(Schema):
    id: int
    recipient_id: int
    member_name: str
    kind: str
    occasion: str
    date: dt.date
    holiday: str
    holiday_on: dt.date | None
    visitors: str
    materials: str
    gift: str
    money: Decimal
    notes: str


class GrantOut(Schema):
    id: int
    round_id: int
    round_title: str
    recipient_id: int
    member_name: str
    shares: int
    proposed: Decimal
    amount: Decimal
    adjust_reason: str
    state: str


class RecipientDetailOut(RecipientOut):
    situation: str
    end_reason: str
    visits: list[VisitOut]
    grants: list[GrantOut]


class RoundOut(Schema):
    id: int
    version: int
    org_id: int
    org_name: str
    title: str
    fund: Decimal
    project_weight: int
    difficulty_weight: int
    state: str
    paid_on: dt.date | None


class RoundDetailOut(RoundOut):
    note: str
    grants: list[GrantOut]


class PlanRowOut(Schema):
    recipient_id: int
    member_name: str
    visited_on: dt.date | None


class PlanOut(Schema):
    holiday: str
    title: str
    start: dt.date
    end: dt.date
    visit_from: dt.date
    visited: int
    total: int
    rows: list[PlanRowOut]


Loose = str | int | bool | None


class RecipientIn(Schema):
    member_id: Loose = None
    since: str | None = None
    elderly: bool = False
    weak: bool = False
    hardship: bool = False
    has_project: bool = False
    project: str | None = None
    situation: str | None = None


class VisitIn(Schema):
    kind: str | None = Field(
        None, description="holiday（节日慰问）、study（送学上门）、other（走访看望）"
    )
    holiday: str | None = Field(
        None,
        description="节日慰问时：new_year、spring_festival、tomb_sweeping、labour_day、"
        "dragon_boat、mid_autumn、national_day",
    )
    date: str | None = None
    visitors: str | None = None
    materials: str | None = None
    gift: str | None = None
    money: str | None = None
    notes: str | None = None


def _recipient(r: Recipient) -> dict[str, Any]:
    return {
        "id": r.pk,
        "version": r.version,
        "member_id": r.member_id,
        "member_name": r.member.name,
        "org_id": r.member.org_id,
        "org_name": r.member.org.name,
        **{
            f: getattr(r, f)
            for f in ("elderly", "weak", "hardship", "has_project", "project", "since", "ended_on")
        },
        "last_holiday_visit": getattr(r, "last_holiday", None),
        "last_study": getattr(r, "last_study", None),
        "aid_this_year": getattr(r, "aid_year", Decimal("0")) or Decimal("0"),
    }


def _visit(v: Visit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "recipient_id": v.recipient_id,
        "member_name": v.recipient.member.name,
        "occasion": v.occasion,
        **{
            f: getattr(v, f)
            for f in (
                "kind",
                "date",
                "holiday",
                "holiday_on",
                "visitors",
                "materials",
                "gift",
                "money",
                "notes",
            )
        },
    }


def _grant(g: AidGrant, *, member_name: str, round_: AidRound) -> dict[str, Any]:
    return {
        "id": g.pk,
        "round_id": round_.pk,
        "round_title": round_.title,
        "recipient_id": g.recipient_id,
        "member_name": member_name,
        "shares": g.shares,
        "proposed": g.proposed,
        "amount": g.amount,
        "adjust_reason": g.adjust_reason,
        "state": round_.state,
    }


def _round(rnd: AidRound) -> dict[str, Any]:
    return {
        "id": rnd.pk,
        "version": rnd.version,
        "org_id": rnd.org_id,
        "org_name": rnd.org.name,
        **{
            f: getattr(rnd, f)
            for f in (
                "title",
                "fund",
                "project_weight",
                "difficulty_weight",
                "state",
                "paid_on",
            )
        },
    }


def _detail(r: Recipient) -> dict[str, Any]:
    out = _recipient(r)
    out["situation"] = r.situation
    out["end_reason"] = r.end_reason
    out["visits"] = [_visit(v) for v in selectors.visits_of(r).select_related("recipient__member")]
    out["grants"] = [
        _grant(g, member_name=r.member.name, round_=g.round) for g in selectors.grants_of(r)
    ]
    return out


def _org(request: HttpRequest, org: int | None) -> Organisation | None:
    if org is None:
        return None
    found = Organisation.objects.visible_to(request.auth).filter(pk=org).first()
    if found is None:
        raise HttpError(404, _("未找到该党组织，或您无权查看。"))
    return found


def _not_found() -> HttpError:
    return HttpError(404, _("未找到该关爱对象，或您无权查看。"))


RecipientsPagination = mapped_pagination(lambda rows: [_recipient(r) for r in rows])


@router.get("/", response=list[RecipientOut])
@paginate(RecipientsPagination)
def list_recipients(
    request: HttpRequest,
    org: int | None = None,
    state: str = "current",
    reason: str = "",
    q: str = "",
    sort: str = "name",
):
    """关爱对象名单：state=current（在册，默认）/ended/all；reason=elderly/weak/hardship/project；
    每人附最近节日慰问、最近送学和本年互助金。"""
    return selectors.recipients_visible(
        user=request.auth,
        org=_org(request, org),
        state=state if state in selectors.STATES else selectors.CURRENT,
        reason=reason,
        q=q,
        sort=sort if sort in selectors.SORTS else "name",
    )


@router.get("/{int:recipient_id}", response={200: RecipientDetailOut, 404: ErrorOut})
def get_recipient(request: HttpRequest, recipient_id: int):
    """一名关爱对象：原因、发展项目、走访记录和互助金。"""
    r = selectors.recipient_for(user=request.auth, pk=recipient_id)
    if r is None:
        raise _not_found()
    return _detail(r)


@router.post("/", response={201: RecipientDetailOut, 400: ErrorOut})
def add_recipient(request: HttpRequest, payload: RecipientIn):
    """列入关爱对象（至少一项原因：elderly 年老、weak 体弱多病、hardship 生活困难）。"""
    data = {k: v for k, v in payload.dict().items() if v is not None}
    if "member_id" in data:
        data["member"] = data.pop("member_id")
    for flag in ("elderly", "weak", "hardship", "has_project"):
        if not data.get(flag):
            data.pop(flag, None)  # an unchecked box is absent from a form
    form = RecipientForm(data=data, user=request.auth)
    if not form.is_valid():
        return form_errors(form)
    try:
        r = services.recipient_add(acting_user=request.auth, **form.cleaned_data)
    except ValidationError as exc:
        return service_errors(exc)
    return Status(201, _detail(selectors.recipient_for(user=request.auth, pk=r.pk)))


@router.post(
    "/{int:recipient_id}/visits", response={201: RecipientDetailOut, 400: ErrorOut, 404: ErrorOut}
)
def add_visit(request: HttpRequest, recipient_id: int, payload: VisitIn):
    """记录一次走访：节日慰问（须选节日，按日期归到当年的该节日）、送学上门（须填送学内容）或走访看望。"""
    r = selectors.recipient_for(user=request.auth, pk=recipient_id, action=CHANGE)
    if r is None:
        raise _not_found()
    form = VisitFields(data={k: v for k, v in payload.dict().items() if v is not None})
    if not form.is_valid():
        return form_errors(form)
    try:
        services.visit_add(recipient=r, acting_user=request.auth, **form.cleaned_data)
    except ValidationError as exc:
        return service_errors(exc)
    return Status(201, _detail(selectors.recipient_for(user=request.auth, pk=r.pk)))


VisitsPagination = mapped_pagination(lambda rows: [_visit(v) for v in rows])


@router.get("/visits", response=list[VisitOut])
@paginate(VisitsPagination)
def list_visits(
    request: HttpRequest,
    org: int | None = None,
    kind: str = "",
    year: int | None = None,
    q: str = "",
):
    """慰问送学台帐：kind=holiday/study/other，year=年度。"""
    return selectors.visits_visible(
        user=request.auth,
        org=_org(request, org),
        kind=kind if kind in VisitKind.values else "",
        year=year,
        q=q,
    )


@router.get("/holidays", response=list[PlanOut])
def holiday_plan(request: HttpRequest, org: int | None = None):
    """节日慰问计划：接下来的节日、放假日期、开始慰问的日期，以及每名关爱对象是否已走访。"""
    plans = selectors.holiday_plan(user=request.auth, org=_org(request, org))
    return [
        {
            "holiday": p.planned.brk.key,
            "title": p.planned.brk.title,
            "start": p.planned.brk.start,
            "end": p.planned.brk.end,
            "visit_from": p.planned.visit_from,
            "visited": p.visited,
            "total": p.total,
            "rows": [
                {
                    "recipient_id": row.recipient.pk,
                    "member_name": row.recipient.member.name,
                    "visited_on": row.visited_on,
                }
                for row in p.rows
            ],
        }
        for p in plans
    ]


RoundsPagination = mapped_pagination(lambda rows: [_round(r) for r in rows])


@router.get("/aid", response=list[RoundOut])
@paginate(RoundsPagination)
def list_rounds(request: HttpRequest, org: int | None = None, year: int | None = None):
    """党员互助金发放批次。"""
    return selectors.rounds_visible(user=request.auth, org=_org(request, org), year=year)


@router.get("/aid/{int:round_id}", response={200: RoundDetailOut, 404: ErrorOut})
def get_round(request: HttpRequest, round_id: int):
    """一次互助金发放：每人份数、按份数测算的金额、实发金额和调整理由。"""
    rnd = selectors.round_for(user=request.auth, pk=round_id)
    if rnd is None:
        raise HttpError(404, _("未找到该互助金发放，或您无权查看。"))
    out = _round(rnd)
    out["note"] = rnd.note
    out["grants"] = [
        _grant(g, member_name=g.recipient.member.name, round_=rnd) for g in selectors.grants_in(rnd)
    ]
    return out
