"""The streamed workbook reads back exactly like the openpyxl one of core.xlsx: same values,
dates as dates, text as text (formula-looking text quote-prefixed, never a formula)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from dangjian.background import xlsxstream
from dangjian.core.xlsx import write_table

COLUMNS = [("姓名", 10), ("日期", 12), ("数量", 6), ("备注", 20)]
ROWS = [
    ["张三", dt.date(1960, 5, 17), 3, '=HYPERLINK("http://x")'],
    ["李四 & <王五>", None, 2.5, "+86 139"],
    ["", dt.date(2026, 1, 1), 0, "x" * 40000],
    ["@SUM(A1)", dt.date(1900, 3, 1), -1, "-1"],
]


def test_streamed_workbook_reads_back_like_core_xlsx(tmp_path):
    path = tmp_path / "fast.xlsx"
    with path.open("wb") as out:
        n = xlsxstream.write_table(
            out, sheet="党员名册", title="标题 2026", columns=COLUMNS, rows=iter(ROWS), freeze="A3"
        )
    assert n == len(ROWS)
    ref, _count = write_table(sheet="党员名册", title="标题 2026", columns=COLUMNS, rows=ROWS)
    fast = openpyxl.load_workbook(path)
    slow = openpyxl.load_workbook(io.BytesIO(ref.read()))
    got = list(fast.active.iter_rows(values_only=True))
    want = list(slow.active.iter_rows(values_only=True))
    assert got == want and len(got[4][3]) == 32767  # Excel's longest text, as openpyxl cuts it
    ws = fast.active
    assert ws.title == "党员名册" and ws.freeze_panes == "A3"
    assert ws["A1"].font.b and ws["A2"].font.b and ws["A2"].alignment.horizontal == "center"
    assert ws.column_dimensions["D"].width == 20
    assert ws["B3"].is_date and ws["B3"].number_format == "yyyy-mm-dd"
    for ref_ in ("D3", "D4", "A6", "D6"):
        assert ws[ref_].data_type == "s" and ws[ref_].quotePrefix, ref_
    assert not ws["A3"].quotePrefix and ws["C4"].value == 2.5


def test_characters_xml_cannot_hold_are_dropped_not_fatal(tmp_path):
    path = tmp_path / "c.xlsx"
    with path.open("wb") as out:
        xlsxstream.write_table(out, sheet="s", title="t", columns=COLUMNS, rows=[["控制\x07字符"]])
    assert openpyxl.load_workbook(path).active["A3"].value == "控制字符"
