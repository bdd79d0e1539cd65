"""API: cadence — one organisation's periods, and the roll-up of a subtree.

404 ``{"detail": "…"}`` for an organisation that does not exist or is not the caller's to see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from dangjian.core.api_errors import ErrorOut

from .. import cadence as cad
from ..selectors import cadence as sel

router = Router()


class MeetingRef(Schema):
    id: int
    date: dt.date


class CellOut(Schema):
    period: str
    label: str
    start: dt.date
    end: dt.date
    status: str
    count: int
    meetings: list[MeetingRef]


class LineOut(Schema):
    check: str
    rule_id: str
    title: str
    source: str
    period: str
    required: int
    applicable: bool
    reason: str
    cells: list[CellOut]


class LeadersOut(Schema):
    linked: int
    required: int
    ok: bool


class OrgCadenceOut(Schema):
    org_id: int
    org_name: str
    year: int
    today: dt.date
    light: str
    overdue: int
    due: int
    done: int
    full_members: int
    leaders: LeadersOut | None
    lines: list[LineOut]


class RollupRowOut(Schema):
    org_id: int
    org_name: str
    kind: str
    light: str
    overdue: int
    due: int
    done: int
    leaders: LeadersOut | None


class RollupOut(Schema):
    org_id: int
    org_name: str
    year: int
    today: dt.date
    totals: dict[str, int]
    count: int
    page: int
    pages: int
    items: list[RollupRowOut]


def _year(year: int | None) -> int:
    today = timezone.localdate()
    if year is None:
        return today.year
    if not 2000 <= year <= today.year + 1:
        raise HttpError(400, _("年度不正确。"))
    return year


def _leaders(r: sel.OrgCadence) -> dict[str, Any] | None:
    if r.leaders is None:
        return None
    return {"linked": r.leaders.linked, "required": r.leaders.required, "ok": r.leaders.ok}


def _not_found() -> HttpError:
    return HttpError(404, _("未找到该党组织，或您无权查看。"))


@router.get("/{int:org_id}", response={200: OrgCadenceOut, 400: ErrorOut, 404: ErrorOut})
def org_cadence(request: HttpRequest, org_id: int, year: int | None = None):
    """一个党组织某年度各项会议按期召开情况：每项规则、每个周期的状态（done 已开、overdue 逾期、
    due 待开、upcoming 未到、na 不适用）及召开的会议。"""
    year = _year(year)
    try:
        r = sel.cadence_for_org(
            user=request.auth, org=org_id, year=year, today=timezone.localdate()
        )
    except Http404:
        raise _not_found() from None
    ev = r.evaluation
    return {
        "org_id": r.org.pk,
        "org_name": r.org.name,
        "year": ev.year,
        "today": ev.today,
        "light": ev.light,
        "overdue": ev.overdue,
        "due": ev.due,
        "done": ev.done,
        "full_members": r.full_members,
        "leaders": _leaders(r),
        "lines": [
            {
                "check": line.check.id,
                "rule_id": line.check.rule_id,
                "title": line.title,
                "source": line.source,
                "period": line.period_kind,
                "required": line.required,
                "applicable": line.applicable,
                "reason": line.reason,
                "cells": [
                    {
                        "period": c.period.key,
                        "label": c.period.label,
                        "start": c.period.start,
                        "end": c.period.end,
                        "status": c.status,
                        "count": c.count,
                        "meetings": [{"id": m, "date": d} for m, d in c.meetings],
                    }
                    for c in line.cells
                ],
            }
            for line in ev.lines
        ],
    }


@router.get("/rollup/{int:org_id}", response={200: RollupOut, 400: ErrorOut, 404: ErrorOut})
def rollup(
    request: HttpRequest,
    org_id: int,
    year: int | None = None,
    light: str = "",
    page: int = 1,
    sort: str = "light",
):
    """某党组织及其下级各组织某年度按期召开情况汇总（每页 50 个），totals 为全部下级组织的
    red（有逾期）/amber（本期待开）/green（按时召开）个数；light 按状态筛选。"""
    year = _year(year)
    if light and light not in cad.LIGHTS:
        raise HttpError(400, _("状态只能是 red、amber、green。"))
    try:
        r = sel.cadence_rollup(
            user=request.auth,
            root=org_id,
            year=year,
            today=timezone.localdate(),
            page=max(page, 1),
            light=light,
            sort=sort,
        )
    except Http404:
        raise _not_found() from None
    assert r.page is not None
    return {
        "org_id": r.root.pk,
        "org_name": r.root.name,
        "year": r.year,
        "today": r.today,
        "totals": r.totals,
        "count": r.page.paginator.count,
        "page": r.page.number,
        "pages": r.page.paginator.num_pages,
        "items": [
            {
                "org_id": x.org.pk,
                "org_name": x.org.name,
                "kind": x.org.kind,
                "light": x.light,
                "overdue": x.evaluation.overdue,
                "due": x.evaluation.due,
                "done": x.evaluation.done,
                "leaders": _leaders(x),
            }
            for x in r.rows
        ],
    }
