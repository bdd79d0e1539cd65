"""Reading a roster file: .xlsx/.xls with python-calamine (the fastest reader), .csv with the
csv module (UTF-8 with or without BOM, else GB18030 as Excel in China saves it). The header row
is the first of the first ten that names at least three known columns — sheets often carry a
title line above it.

Every path is bounded by the caps in ``bounds``: an .xlsx or .xls is scanned before calamine builds
anything, a .csv is read row by row with a limit on each row's length, and whatever a file holds
past the caps is refused with the row and column to delete — never read into memory first."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from sys import intern
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import bounds
from .bounds import HEADER_SEARCH, MAX_COLUMNS, MAX_ROWS
from .columns import detect

MIN_KNOWN = 3
#: texts of at most this many characters are kept once for all the cells that hold them (an ID
#: number or a mobile number is longer, and unique anyway)
SHORT_TEXT = 10
#: characters of one CSV record (all its fields): 200 columns of long addresses fit easily
MAX_CSV_RECORD = 1024 * 1024
#: rows kept before the header is known: the title lines, the header and the data
_MAX_KEPT = MAX_ROWS + HEADER_SEARCH + 1


@dataclass
class Sheet:
    headers: list[str]
    header_row: int  # 1-based, as Excel shows it
    rows: list[list[Any]]  # the data rows below the header


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _bounded(rows: Iterable[list[Any]], first: int) -> tuple[list[list[Any]], int]:
    """The rows (numbered from ``first``, 1-based), each cut to MAX_COLUMNS; refused when a cell
    past the caps holds something. Empty rows past the cap are dropped without being kept.

    A short text is kept once however many cells hold it (``sys.intern``: 男, 本科, 离退休, a
    date written 1985.03 …): a roster repeats them on every line, and a hundred thousand rows
    then take about half the memory. Interned texts are freed with the rows."""
    kept: list[list[Any]] = []
    for n, row in enumerate(rows, start=first):
        if len(row) > MAX_COLUMNS:
            far = next((i for i in range(len(row) - 1, MAX_COLUMNS - 1, -1) if _filled(row[i])), -1)
            if far >= 0:
                raise bounds.too_wide(n, far + 1)
            row = row[:MAX_COLUMNS]
        if n - first >= _MAX_KEPT:
            if any(_filled(c) for c in row):
                raise bounds.too_long(n)
            continue
        kept.append([intern(c) if type(c) is str and len(c) <= SHORT_TEXT else c for c in row])
    return kept, first


def _csv_records(text: str) -> Iterator[list[str]]:
    lines = iter(io.StringIO(text))
    fed = 0

    def feed() -> Iterator[str]:
        nonlocal fed
        for line in lines:
            fed += len(line)
            if fed > MAX_CSV_RECORD:
                raise ValidationError(
                    _("CSV 文件中有一行太长（超过 %(n)d 个字符），请检查引号是否配对。")
                    % {"n": MAX_CSV_RECORD}
                )
            yield line

    reader = csv.reader(feed())
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise ValidationError(
                _("CSV 文件第 %(n)d 行无法读取（某一格太长或引号不配对）。")
                % {"n": reader.line_num}
            ) from None
        fed = 0
        yield record


def _csv(data: bytes) -> tuple[list[list[Any]], int]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        return _bounded(_csv_records(text), 1)
    raise ValidationError(_("无法识别 CSV 文件的编码，请另存为 UTF-8 或 Excel 格式。"))


def _workbook(data: bytes) -> tuple[list[list[Any]], int]:
    """The first sheet's rows, by calamine — only after ``bounds`` checked the file."""
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        start = sheet.start
        return _bounded(sheet.iter_rows(), (start[0] + 1) if start else 1)
    except ValidationError:
        raise
    except Exception as exc:  # any reader failure is the file's, and said plainly
        raise ValidationError(
            _("无法读取这个文件（%(e)s），请确认是 Excel 文件。") % {"e": type(exc).__name__}
        ) from None


def _cells(data: bytes, filename: str) -> tuple[list[list[Any]], int]:
    name = filename.lower()
    if name.endswith(".csv"):
        return _csv(data)
    if not name.endswith((".xlsx", ".xlsm", ".xls")):
        raise ValidationError(_("请上传 Excel 文件（.xlsx、.xls）或 CSV 文件。"))
    # What calamine reads is decided by the bytes, not the name: an .xlsx renamed .xls must not
    # slip past the .xlsx check, so the check follows the bytes too.
    if data.startswith(bounds.ZIP_MAGIC):
        bounds.check_xlsx(data)
    elif data.startswith(bounds.OLE_MAGIC):
        bounds.check_xls(data)
    else:
        raise ValidationError(
            _("无法读取这个文件，请确认是 Excel 文件（可在 Excel 中另存为 .xlsx）。")
        )
    return _workbook(data)


def read(
    data: bytes,
    filename: str,
    *,
    detect: Callable[[list[Any]], dict[int, str]] = detect,
    missing: str | None = None,
) -> Sheet:
    """The sheet under the first of the first ten rows that names at least ``MIN_KNOWN`` known
    columns. ``detect`` and ``missing`` let another register (rented housing's tenants) read its
    own columns with the same reader and the same limits."""
    cells, first = _cells(data, filename)
    for i, row in enumerate(cells[:HEADER_SEARCH]):
        if len(detect(list(row))) >= MIN_KNOWN:
            rows = cells[i + 1 :]
            while rows and not any(_filled(c) for c in rows[-1]):
                rows.pop()  # trailing empty lines
            header_row = first + i
            if len(rows) > MAX_ROWS:
                raise bounds.too_long(header_row + MAX_ROWS + 1)
            return Sheet([str(c or "").strip() for c in row], header_row, rows)
    raise ValidationError(
        missing or _("没有找到表头：前 10 行中没有一行包含“姓名”“身份证号”“入党时间”等列名。")
    )
