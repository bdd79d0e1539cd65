"""Pages: cadence — one organisation's grid, the roll-up of a street, its Excel export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from dangjian.core import audit, xlsx
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS, OrgKind

from .. import cadence as cad
from ..selectors import cadence as sel
from ..selectors.lectures import secretary_lectures

#: The years a secretary may look at: a few back, and next year for planning.
YEARS_BACK = 5


def _today() -> dt.date:
    return timezone.localdate()


def _params(request: HttpRequest) -> tuple[int, int]:
    """(organisation id, year) from the query string; the user's top organisation by default."""
    today = _today()
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() else today.year
    if not today.year - YEARS_BACK <= year <= today.year + 1:
        year = today.year
    raw_org = request.GET.get("org", "")
    if raw_org:
        if not raw_org.isdigit():
            raise Http404
        return int(raw_org), year
    org = sel.default_org(request.user)
    if org is None:
        raise Http404
    return org.pk, year


def _years(today: dt.date) -> list[int]:
    return list(range(today.year + 1, today.year - YEARS_BACK - 1, -1))


def _detail_prefix() -> str | None:
    """Where a meeting's page is (another area builds it); ``None`` until it exists."""
    try:
        return reverse("meetings:detail", args=[0]).removesuffix("0/")
    except NoReverseMatch:
        return None


@login_required
def cadence_page(request: HttpRequest) -> HttpResponse:
    org_id, year = _params(request)
    result = sel.cadence_for_org(user=request.user, org=org_id, year=year, today=_today())
    return render(
        request,
        "meetings/cadence/org.html",
        {
            "result": result,
            "org": result.org,
            "ev": result.evaluation,
            "year": year,
            "years": _years(_today()),
            "light_label": cad.light_label(result.light),
            "lines": _lines(result.evaluation),
            "detail_prefix": _detail_prefix(),
            "can_rollup": result.org.kind != OrgKind.GROUP,
            "lectures": _lectures(request, result.org, year),
        },
    )


def _lectures(request: HttpRequest, org: Any, year: int) -> Any:
    """The branch secretary's own lecture (rule meeting.party_lecture): on a branch's page and
    on a community's (its branches); a street's secretaries open it per community."""
    if org.kind not in BRANCH_KINDS and org.kind not in COMMUNITY_KINDS:
        return None
    return secretary_lectures(user=request.user, org=org, year=year, today=_today())


def _lines(ev: cad.Evaluation) -> list[dict[str, Any]]:
    return [
        {
            "line": line,
            "every": cad.period_kind_label(line.period_kind),
            "cells": [{"cell": c, "label": cad.status_label(c.status)} for c in line.cells],
        }
        for line in ev.lines
    ]


def _rollup(request: HttpRequest, *, paged: bool) -> sel.Rollup:
    org_id, year = _params(request)
    return sel.cadence_rollup(
        user=request.user,
        root=org_id,
        year=year,
        today=_today(),
        page=request.GET.get("page") or 1 if paged else None,
        light=request.GET.get("light", ""),
        sort=request.GET.get("sort", "light"),
        grouped=True,
    )


def _group_rows(result: sel.Rollup, light: str) -> list[dict[str, Any]]:
    """The page's communities, each folded or open: open when it is the only one, when a
    state was picked (the rows asked for), or when it has organisations overdue."""
    alone = len(result.groups) == 1
    return [
        {
            "g": g,
            "name": g.org.name,
            "open": alone or light in cad.LIGHTS or g.totals.get(cad.RED, 0) > 0,
            "rows": [{"r": r, "label": cad.light_label(r.light)} for r in g.rows],
        }
        for g in result.groups
    ]


@login_required
def cadence_rollup(request: HttpRequest) -> HttpResponse:
    result = _rollup(request, paged=True)
    light = request.GET.get("light", "")
    return render(
        request,
        "meetings/cadence/rollup.html",
        {
            "result": result,
            "org": result.root,
            "page": result.page,
            "rows": [{"r": r, "label": cad.light_label(r.light)} for r in result.rows],
            "groups": _group_rows(result, light),
            "year": result.year,
            "years": _years(_today()),
            "light": request.GET.get("light", ""),
            "sort": request.GET.get("sort", "light"),
            "lights": [(v, cad.light_label(v)) for v in cad.LIGHTS],
            "sorts": [
                ("light", _("按状态（逾期在前）")),
                ("-overdue", _("按逾期次数")),
                ("-due", _("按待开次数")),
                ("name", _("按组织顺序")),
            ],
        },
    )


_FILLS = {
    cad.RED: PatternFill("solid", fgColor="F8D7DA"),
    cad.AMBER: PatternFill("solid", fgColor="FFF3CD"),
    cad.GREEN: PatternFill("solid", fgColor="D1E7DD"),
}


@login_required
def cadence_rollup_export(request: HttpRequest) -> HttpResponse:
    """The whole roll-up (every page) as .xlsx, logged as an export."""
    result = _rollup(request, paged=False)
    title = _("%(org)s %(year)d 年组织生活按期召开情况") % {
        "org": result.root.name,
        "year": result.year,
    }
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("按期召开情况"))
    for col, width in zip("ABCDEFGH", (24, 36, 16, 12, 10, 10, 10, 14), strict=True):
        ws.column_dimensions[col].width = width
    head = f"{title}  {_('统计日期')}：{result.today.isoformat()}"
    ws.append([xlsx.cell(ws, head, font=Font(bold=True, size=14))])
    totals = result.totals
    ws.append(
        [
            _("合计：逾期 %(r)d 个，待开 %(a)d 个，按时 %(g)d 个")
            % {"r": totals[cad.RED], "a": totals[cad.AMBER], "g": totals[cad.GREEN]}
        ]
    )
    heads = (
        _("所属社区"),
        _("党组织"),
        _("组织类型"),
        _("状态"),
        _("逾期（期）"),
        _("待开（期）"),
        _("已开（期）"),
        _("联系县领导"),
    )
    ws.append(xlsx.header_row(ws, heads))
    for r in result.rows:
        state = xlsx.cell(ws, cad.light_label(r.light), fill=_FILLS[r.light])
        ws.append(
            xlsx.row(
                ws,
                [
                    r.community.name if r.community else result.root.name,
                    r.org.name,
                    r.org.get_kind_display(),
                    state,
                    r.evaluation.overdue,
                    r.evaluation.due,
                    r.evaluation.done,
                    f"{r.leaders.linked}/{r.leaders.required}" if r.leaders else None,
                ],
            )
        )
    sums = wb.create_sheet(_("按社区小计"))
    for col, width in zip("ABCDE", (36, 10, 10, 10, 10), strict=True):
        sums.column_dimensions[col].width = width
    sums.append(
        xlsx.header_row(
            sums, (_("所属社区"), _("组织数"), _("有逾期"), _("本期待开"), _("按时召开"))
        )
    )
    for g in result.groups:
        sums.append(
            xlsx.row(
                sums,
                [g.org.name, g.count, g.totals[cad.RED], g.totals[cad.AMBER], g.totals[cad.GREEN]],
            )
        )
    fh = xlsx.save(wb)
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=result.root,
        acting_user=request.user,
        object_repr=_("%(org)s %(year)d 年按期召开情况导出（%(n)d 个组织）")
        % {"org": result.root.name, "year": result.year, "n": len(result.rows)},
        changes={
            "year": result.year,
            "light": request.GET.get("light", ""),
            "rows": len(result.rows),
        },
        ip=request.META.get("REMOTE_ADDR"),
    )
    return FileResponse(
        fh,
        as_attachment=True,
        filename=f"{_('按期召开情况')}-{result.root.name}-{result.year}.xlsx",
    )


urls = [
    path("cadence/", cadence_page, name="cadence"),
    path("cadence/rollup/", cadence_rollup, name="cadence_rollup"),
    path("cadence/rollup/export/", cadence_rollup_export, name="cadence_rollup_export"),
]
