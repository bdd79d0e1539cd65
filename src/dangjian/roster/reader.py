"""Reading a roster file: .xlsx/.xls with python-calamine (the fastest reader), .csv with the
csv module (UTF-8 with or without BOM, else GB18030 as Excel in China saves it). The header row
is the first of the first ten that names at least three known columns — sheets often carry a
title line above it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .columns import detect

HEADER_SEARCH = 10
MIN_KNOWN = 3


@dataclass
class Sheet:
    headers: list[str]
    header_row: int  # 1-based, as Excel shows it
    rows: list[list[Any]]  # the data rows below the header


def _cells(data: bytes, filename: str) -> list[list[Any]]:
    name = filename.lower()
    if name.endswith(".csv"):
        for enc in ("utf-8-sig", "gb18030"):
            try:
                return list(csv.reader(io.StringIO(data.decode(enc))))
            except UnicodeDecodeError:
                continue
        raise ValidationError(_("无法识别 CSV 文件的编码，请另存为 UTF-8 或 Excel 格式。"))
    if not name.endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        raise ValidationError(_("请上传 Excel 文件（.xlsx、.xls）或 CSV 文件。"))
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # any reader failure is the file's, and said plainly
        raise ValidationError(
            _("无法读取这个文件（%(e)s），请确认是 Excel 文件。") % {"e": type(exc).__name__}
        ) from None


def read(data: bytes, filename: str) -> Sheet:
    cells = _cells(data, filename)
    for i, row in enumerate(cells[:HEADER_SEARCH]):
        if len(detect(list(row))) >= MIN_KNOWN:
            rows = [r for r in cells[i + 1 :]]
            while rows and not any(str(c).strip() for c in rows[-1] if c is not None):
                rows.pop()  # trailing empty lines
            return Sheet([str(c or "").strip() for c in row], i + 1, rows)
    raise ValidationError(
        _("没有找到表头：前 10 行中没有一行包含“姓名”“身份证号”“入党时间”等列名。")
    )
