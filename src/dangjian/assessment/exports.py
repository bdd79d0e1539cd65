"""The assessment's .xlsx: the table of communities, one community's scorecard (one row per
indicator with the page's figures, and a sheet of the five goods), and all the records of one
indicator. Written through ``core.xlsx`` (text stays text); each download is audited."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dangjian.core import audit, xlsx
from dangjian.core.models import AuditEntry

from . import views_rows as rows_
from .indicators import Good


def _dec(value: Any) -> Any:
    """A Decimal as a number the spreadsheet can add (``None`` stays empty)."""
    if value is None:
        return None
    f = float(value)
    return int(f) if f == int(f) else f


def _audit(user: Any, what: str, scope_path: str, changes: dict[str, Any]) -> None:
    audit.record(
        action=AuditEntry.Action.EXPORT,
        obj=None,
        acting_user=user,
        field=what,
        changes=changes,
        scope_path=scope_path,
    )


def _response(fh: Any, name: str) -> FileResponse:
    return FileResponse(fh, as_attachment=True, filename=f"{name}.xlsx")


def table(user: Any, org: Any, year: int, table: list[rows_.CommunityRow]) -> FileResponse:
    goods = rows_.good_labels()
    columns = [(_("社区党组织"), 28)]
    columns += [(label, 12) for _g, label in goods]
    columns += [(_("总分"), 8), (_("等次"), 8)]
    fh, count = xlsx.write_table(
        sheet=_("五个好考核"),
        title=_("%(o)s %(y)d 年度“五个好”社区党组织考核得分") % {"o": org.name, "y": year},
        columns=columns,
        rows=(
            [r.community.name, *[_dec(g.points) for g in r.goods], _dec(r.total), r.level]
            for r in table
        ),
    )
    _audit(user, "assessment.table", org.path, {"rows": count, "year": year})
    return _response(fh, f"{_('五个好考核')}-{year}")


SCORECARD_COLUMNS = [
    (_("考核项目"), 12),
    (_("指标编号"), 18),
    (_("指标"), 28),
    (_("单位"), 6),
    (_("记录数"), 8),
    (_("实得"), 8),
    (_("应得"), 8),
    (_("完成比例(%)"), 10),
    (_("达标线(%)"), 10),
    (_("权重"), 6),
    (_("得分率(%)"), 10),
    (_("折合分"), 8),
    (_("说明"), 40),
]


def scorecard(user: Any, card: Any) -> FileResponse:
    """Sheet 指标: one row per indicator counted; sheet 五个好: the goods, total and level."""
    community = card.community
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("指标"))
    for i, (_text, width) in enumerate(SCORECARD_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C3"
    title = _("%(o)s %(y)d 年度“五个好”考核评分表") % {"o": community.name, "y": card.year}
    ws.append([xlsx.cell(ws, title, font=Font(bold=True, size=14))])
    ws.append(xlsx.header_row(ws, [t for t, _w in SCORECARD_COLUMNS], wrap=True))
    n = 0
    for good in rows_.good_rows(card):
        for ln in good.lines:
            ws.append(
                xlsx.row(
                    ws,
                    [
                        good.label,
                        ln.key,
                        ln.indicator.title,
                        ln.indicator.unit,
                        ln.count,
                        _dec(ln.numerator),
                        _dec(ln.denominator),
                        _dec(ln.percent),
                        _dec(ln.target_percent),
                        _dec(ln.line.weight),
                        _dec(ln.score_percent),
                        _dec(ln.points),
                        ln.line.measure.note,
                    ],
                )
            )
            n += 1
    summary = wb.create_sheet(_("五个好"))
    summary.column_dimensions["A"].width = 16
    summary.column_dimensions["B"].width = 28
    summary.append([xlsx.cell(summary, title, font=Font(bold=True, size=14))])
    summary.append(xlsx.header_row(summary, [_("项目"), _("得分"), _("满分")]))
    summary.append(xlsx.row(summary, [_("社区党组织"), community.name, None]))
    summary.append(xlsx.row(summary, [_("年度"), card.year, None]))
    for g in card.goods:
        summary.append(xlsx.row(summary, [g.label, _dec(g.points), _dec(g.max_points)]))
    full = sum(g.max_points for g in card.goods)
    summary.append(xlsx.row(summary, [_("总分"), _dec(card.total), _dec(full)]))
    summary.append(xlsx.row(summary, [_("等次"), card.level, None]))
    _audit(
        user,
        "assessment.scorecard",
        community.path,
        {"rows": n, "year": card.year, "community": community.pk},
    )
    return _response(xlsx.save(wb), f"{_('五个好评分表')}-{card.year}")


def records(user: Any, community: Any, year: int, line: Any) -> FileResponse:
    """Every record of one indicator (not only a page) and, last, the totals line."""
    ind = line.indicator
    m = line.measure
    title = _("%(o)s %(y)d 年度 %(g)s · %(t)s 的记录") % {
        "o": community.name,
        "y": year,
        "g": Good.LABELS[ind.good],
        "t": ind.title,
    }
    body = [
        [
            r.label,
            _("达标") if r.ok else _("未达标"),
            r.day,
            _dec(r.earned),
            _dec(r.out_of),
            r.note,
        ]
        for r in m.records
    ]
    body.append([_("合计"), "", None, _dec(m.numerator), _dec(m.denominator), m.note])
    fh, count = xlsx.write_table(
        sheet=_("记录"),
        title=title,
        columns=[
            (_("记录"), 40),
            (_("是否达标"), 10),
            (_("日期"), 12),
            (_("实得"), 8),
            (_("应得"), 8),
            (_("说明"), 40),
        ],
        rows=body,
    )
    _audit(
        user,
        "assessment.records",
        community.path,
        {"rows": count - 1, "year": year, "key": ind.key, "community": community.pk},
    )
    return _response(fh, f"{_('考核记录')}-{ind.key}-{year}")
