"""The 党内统计 as .xlsx in the layout of the half-year report forms: a summary sheet with the
reconciliation, one sheet per member table (merged two-row headers: 合计 · 性别 · 党员身份),
the changes and the organisations. Small (tens of rows), so built in openpyxl's normal mode
for the merged cells and saved through ``core.xlsx.save``, which keeps text as text."""

from __future__ import annotations

from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from dangjian.core.xlsx import save

from .selectors import Statistics, Table

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _title(ws: Any, stats: Statistics, text: str, width: int) -> int:
    """Title over ``width`` columns, then the organisation and dates; returns the next row."""
    ws.cell(row=1, column=1, value=text).font = TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=2, column=1, value=_("填报单位"))
    ws.cell(row=2, column=2, value=stats.org.name)
    ws.cell(row=2, column=3, value=_("统计日期"))
    ws.cell(row=2, column=4, value=stats.on).number_format = "yyyy-mm-dd"
    return 4


def _boxed(ws: Any, first: int, last: int, width: int) -> None:
    for r in range(first, last + 1):
        for c in range(1, width + 1):
            ws.cell(row=r, column=c).border = BOX


def _widths(ws: Any, widths: list[int]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _head(ws: Any, row: int, col: int, text: str, *, rows: int = 1, cols: int = 1) -> None:
    cell = ws.cell(row=row, column=col, value=text)
    cell.font, cell.alignment = BOLD, CENTRE
    if rows > 1 or cols > 1:
        ws.merge_cells(
            start_row=row, start_column=col, end_row=row + rows - 1, end_column=col + cols - 1
        )


def _member_sheet(wb: Workbook, stats: Statistics, number: int, table: Table) -> None:
    ws = wb.create_sheet(f"表{number} {table.title}"[:31])
    _widths(ws, [34, 10, 10, 10, 12, 12])
    top = _title(ws, stats, f"{stats.org.name} 党内统计 表{number} {table.title}", 6)
    _head(ws, top, 1, _("项目"), rows=2)
    _head(ws, top, 2, _("合计"), rows=2)
    _head(ws, top, 3, _("性别"), cols=2)
    _head(ws, top, 5, _("党员身份"), cols=2)
    for i, text in enumerate((_("男"), _("女"), _("正式党员"), _("预备党员")), start=3):
        _head(ws, top + 1, i, text)
    r = top + 2
    for row in [*table.rows, table.total]:
        ws.cell(row=r, column=1, value=row.label)
        for i, v in enumerate(row.values, start=2):
            ws.cell(row=r, column=i, value=v)
        if row is table.total:
            for c in range(1, 7):
                ws.cell(row=r, column=c).font = BOLD
        r += 1
    _boxed(ws, top, r - 1, 6)
    if table.note:
        ws.cell(row=r + 1, column=1, value=f"{_('说明')}：{table.note}")
    ws.freeze_panes = ws.cell(row=top + 2, column=2)


def _summary_sheet(wb: Workbook, stats: Statistics) -> None:
    ws = wb.active
    ws.title = _("汇总与核对")
    _widths(ws, [34, 28, 12, 14])
    top = _title(ws, stats, f"{stats.org.name} 党内统计（截至 {stats.on.isoformat()}）", 4)
    ws.cell(row=3, column=1, value=_("起始日期"))
    ws.cell(row=3, column=2, value=stats.since).number_format = "yyyy-mm-dd"
    ch = stats.changes
    lines = [
        (_("期初在册党员（起始日期当日）"), ch.start),
        (_("本期增加"), ch.added),
        (_("本期减少"), ch.removed),
        (_("期末在册党员（统计日期当日）"), ch.end),
    ]
    _head(ws, top + 1, 1, _("在册党员核对"))
    _head(ws, top + 1, 2, _("人数"))
    r = top + 2
    for label, value in lines:
        ws.cell(row=r, column=1, value=label)
        ws.cell(row=r, column=2, value=value)
        r += 1
    ws.cell(row=r, column=1, value=_("期初 + 增加 − 减少 = 期末"))
    ws.cell(row=r, column=2, value=_("相符") if ch.reconciles else _("不符"))
    _boxed(ws, top + 1, r, 2)
    r += 2
    _head(ws, r, 1, _("各表合计"))
    _head(ws, r, 2, _("合计"))
    _head(ws, r, 3, _("与在册人数"))
    first = r
    for n, table in enumerate(stats.tables, start=1):
        r += 1
        ws.cell(row=r, column=1, value=f"表{n} {table.title}")
        ws.cell(row=r, column=2, value=table.total.total)
        ws.cell(row=r, column=3, value=_("相符") if table.total.total == stats.register else "不符")
    _boxed(ws, first, r, 3)


def _changes_sheet(wb: Workbook, stats: Statistics, number: int) -> None:
    ws = wb.create_sheet(f"表{number} {_('党员变动')}")
    _widths(ws, [40, 10, 10, 12])
    top = _title(
        ws,
        stats,
        f"{stats.org.name} 党内统计 表{number} {_('党员变动')}"
        f"（{stats.since.isoformat()} 至 {stats.on.isoformat()}）",
        4,
    )
    for i, text in enumerate((_("项目"), _("增加"), _("减少"), _("事项数")), start=1):
        _head(ws, top, i, text)
    r = top + 1
    ch = stats.changes
    for row in ch.rows:
        for i, v in enumerate((row.label, row.added, row.removed, row.events), start=1):
            ws.cell(row=r, column=i, value=v)
        r += 1
    for i, v in enumerate((_("合计"), ch.added, ch.removed), start=1):
        ws.cell(row=r, column=i, value=v).font = BOLD
    _boxed(ws, top, r, 4)
    ws.cell(row=r + 1, column=1, value=_("其中：新发展党员（接收为预备党员）"))
    ws.cell(row=r + 1, column=2, value=ch.admitted)
    ws.cell(row=r + 3, column=1, value=_("期初在册"))
    ws.cell(row=r + 3, column=2, value=ch.start)
    ws.cell(row=r + 4, column=1, value=_("期末在册"))
    ws.cell(row=r + 4, column=2, value=ch.end)


def _orgs_sheet(wb: Workbook, stats: Statistics, number: int) -> None:
    ws = wb.create_sheet(f"表{number} {_('党组织')}")
    t = stats.orgs
    width = len(t.types) + 2
    _widths(ws, [18, *([14] * len(t.types)), 10])
    top = _title(ws, stats, f"{stats.org.name} 党内统计 表{number} {_('党组织设置')}", width)
    _head(ws, top, 1, _("设置"), rows=2)
    _head(ws, top, 2, _("党组织类型"), cols=len(t.types))
    _head(ws, top, width, _("合计"), rows=2)
    for i, (_k, label) in enumerate(t.types, start=2):
        _head(ws, top + 1, i, label)
    r = top + 2
    for key, label in t.settings:
        ws.cell(row=r, column=1, value=label)
        for i, v in enumerate(t.row(key), start=2):
            ws.cell(row=r, column=i, value=v)
        ws.cell(row=r, column=width, value=t.row_total(key))
        r += 1
    ws.cell(row=r, column=1, value=_("合计")).font = BOLD
    for i, (key, _label) in enumerate(t.types, start=2):
        ws.cell(row=r, column=i, value=t.column_total(key)).font = BOLD
    ws.cell(row=r, column=width, value=t.total).font = BOLD
    _boxed(ws, top, r, width)
    ws.cell(row=r + 2, column=1, value=f"{_('说明')}：{t.note}")


def statistics_workbook(stats: Statistics) -> IO[bytes]:
    wb = Workbook()
    _summary_sheet(wb, stats)
    for n, table in enumerate(stats.tables, start=1):
        _member_sheet(wb, stats, n, table)
    _changes_sheet(wb, stats, len(stats.tables) + 1)
    _orgs_sheet(wb, stats, len(stats.tables) + 2)
    return save(wb)
