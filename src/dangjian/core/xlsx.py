"""Ledgers (台帐) as .xlsx that open in WPS and Excel: a title line, a bold header row, dates as
dates. Written row by row in openpyxl's write-only mode into a spooled temporary file, so a
long ledger is never held in memory as cell objects."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

Column = tuple[str, int]  # (header, width in characters)


def write_table(
    *,
    sheet: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    freeze: str = "B3",
) -> tuple[IO[bytes], int]:
    """The workbook and the number of data rows written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(sheet)[:31])
    for i, (_text, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = freeze
    head = WriteOnlyCell(ws, value=str(title))
    head.font = Font(bold=True, size=14)
    ws.append([head])
    header_cells = []
    for text, _width in columns:
        cell = WriteOnlyCell(ws, value=str(text))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            else:
                cells.append(value if value not in (None, "") else None)
        ws.append(cells)
        count += 1
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    return out, count
