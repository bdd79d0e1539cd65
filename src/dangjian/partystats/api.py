"""API of 党内统计: the tables as JSON, through the same selectors as the page.

``GET /api/v1/partystats/?org=&on=&since=``. 404 ``{"detail": …}`` for an organisation that
does not exist *or* that no grant of the caller reaches (the same answer); 400 for a bad date.
The national-system exports (full ID numbers) are pages only, each one audited.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from dangjian.core.api_errors import ErrorOut

from . import selectors
from .periods import period_from

router = Router(tags=["党内统计"])


class RowOut(Schema):
    key: str
    label: str
    values: dict[str, int]
    detail: bool


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[RowOut]
    total: dict[str, int]
    note: str


class ChangeOut(Schema):
    key: str
    label: str
    added: int
    removed: int
    events: int


class ReconciliationOut(Schema):
    start: int
    added: int
    removed: int
    end: int
    admitted: int
    reconciles: bool


class OrgCellOut(Schema):
    setting: str
    setting_label: str
    type: str
    type_label: str
    count: int


class OrgsOut(Schema):
    total: int
    cells: list[OrgCellOut]
    note: str


class StatisticsOut(Schema):
    org_id: int
    org_name: str
    on: dt.date
    since: dt.date
    register_total: int
    tables: list[TableOut]
    changes: list[ChangeOut]
    reconciliation: ReconciliationOut
    orgs: OrgsOut


def _values(values: list[int]) -> dict[str, int]:
    return dict(zip(selectors.COLUMN_KEYS, values, strict=True))


@router.get("/", response={200: StatisticsOut, 400: ErrorOut, 404: ErrorOut})
def statistics(request: HttpRequest, org: str = "", on: str = "", since: str = ""):
    """某组织（含下级）截至某日（on，默认最近的半年末）的党内统计，变动自 since（默认上一个半年末）起。"""
    org_obj = selectors.org_for(request.auth, org.strip())
    if org_obj is None:
        return Status(404, {"detail": _("未找到该党组织，或您无权查看。")})
    period = period_from(on, since)
    if period.errors:
        errors: dict[str, list[str]] = {}
        for param, message in period.errors:
            errors.setdefault(param, []).append(message)
        return Status(400, {"detail": period.messages[0], "errors": errors})
    stats = selectors.statistics(org=org_obj, on=period.on, since=period.since)
    labels = dict(stats.orgs.settings), dict(stats.orgs.types)
    ch = stats.changes
    return {
        "org_id": org_obj.pk,
        "org_name": org_obj.name,
        "on": stats.on,
        "since": stats.since,
        "register_total": stats.register,
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "columns": list(selectors.COLUMN_KEYS),
                "rows": [
                    {
                        "key": r.key,
                        "label": r.label,
                        "values": _values(r.values),
                        "detail": r.detail,
                    }
                    for r in t.rows
                ],
                "total": _values(t.total.values),
                "note": t.note,
            }
            for t in stats.tables
        ],
        "changes": [
            {
                "key": r.key,
                "label": r.label,
                "added": r.added,
                "removed": r.removed,
                "events": r.events,
            }
            for r in ch.rows
        ],
        "reconciliation": {
            "start": ch.start,
            "added": ch.added,
            "removed": ch.removed,
            "end": ch.end,
            "admitted": ch.admitted,
            "reconciles": ch.reconciles,
        },
        "orgs": {
            "total": stats.orgs.total,
            "cells": [
                {
                    "setting": s,
                    "setting_label": labels[0][s],
                    "type": t,
                    "type_label": labels[1][t],
                    "count": n,
                }
                for (s, t), n in sorted(stats.orgs.cells.items())
            ],
            "note": stats.orgs.note,
        },
    }
