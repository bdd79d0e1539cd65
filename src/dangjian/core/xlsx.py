"""Ledgers (台帐) as .xlsx that open in WPS and Excel: a title line, a bold header row, dates as
dates. Written row by row in openpyxl's write-only mode into a spooled temporary file, so a
long ledger is never held in memory as cell objects.

Every cell the platform writes goes through :func:`cell` (or :func:`save` for a workbook built
in openpyxl's normal mode): text is always written as text. openpyxl takes a string beginning
with ``=`` for a formula, so a member named ``=HYPERLINK(…)`` would otherwise become a live
formula in the secretary's spreadsheet. Text that a spreadsheet could read as a formula when it
is edited or saved as CSV — beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (the OWASP CSV-injection rule) — also carries Excel's "quote prefix" flag, the ``'`` that
keeps it literal, while its text stays exactly as entered."""

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

#: How a formula (or DDE payload) can begin in a spreadsheet (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def cell(ws: Any, value: Any, **style: Any) -> Any:
    """A write-only cell of ``ws`` for ``value``: dates as dates, text always as text;
    ``style`` sets attributes such as ``font``, ``alignment``, ``fill``."""
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        _as_text(c, value)
    elif isinstance(value, dt.date):
        c.number_format = "yyyy-mm-dd"
    for name, v in style.items():
        setattr(c, name, v)
    return c


def row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """A row for ``ws.append``: values that need no care pass as they are (cheaper), text that
    could be a formula and dates become cells."""
    out: list[Any] = []
    for value in values:
        if value is None or value == "":
            out.append(None)
        elif isinstance(value, dt.date) or (isinstance(value, str) and looks_like_formula(value)):
            out.append(cell(ws, value))
        else:
            out.append(value)
    return out


def _as_text(c: Any, text: str) -> None:
    c.data_type = "s"
    if looks_like_formula(text):
        c.quotePrefix = True


def save(wb: Workbook) -> IO[bytes]:
    """``wb`` saved into a spooled temporary file, rewound. A workbook built in openpyxl's normal
    mode has each formula-looking string cell turned back into text first (write-only workbooks
    were built with :func:`cell` / :func:`row`)."""
    if not wb.write_only:
        for ws in wb.worksheets:
            for line in ws.iter_rows():
                for c in line:
                    if c.data_type == "f" or (
                        isinstance(c.value, str) and looks_like_formula(c.value)
                    ):
                        _as_text(c, str(c.value))
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    return out


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
    ws.append([cell(ws, str(title), font=Font(bold=True, size=14))])
    ws.append(header_row(ws, [text for text, _width in columns], wrap=True))
    count = 0
    for values in rows:
        ws.append(row(ws, values))
        count += 1
    return save(wb), count


def header_row(ws: Any, texts: Iterable[str], *, wrap: bool = False) -> list[Any]:
    """Bold, centred header cells."""
    align = Alignment(horizontal="center", wrap_text=wrap)
    return [cell(ws, str(t), font=Font(bold=True), alignment=align) for t in texts]
