"""A ledger (.xlsx) streamed straight into a file, several times faster than openpyxl.

The same layout as :func:`dangjian.core.xlsx.write_table` (a bold title line, a bold centred
header row, frozen panes, column widths, dates as dates) and the same care for text: every text
cell is written as text (an inline string, never a formula), and text a spreadsheet could take
for a formula carries the quote-prefix flag. The worksheet's XML is written row by row into the
zip entry, so memory does not grow with the rows (openpyxl keeps every distinct string of a
workbook in memory and builds a cell object per value). Used for background exports of 100,000
rows and more.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any
from xml.sax.saxutils import escape

from openpyxl.utils import column_index_from_string, get_column_letter

from dangjian.core.xlsx import Column, looks_like_formula

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
# Characters XML 1.0 cannot hold (openpyxl refuses them too); dropped.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EPOCH = dt.datetime(1899, 12, 30)
#: Rows of XML gathered before one write into the zip entry.
_BATCH = 500

# Style indexes in styles.xml below.
_TITLE, _HEADER, _DATE, _QUOTED = 1, 2, 3, 4

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG}"><Relationship Id="rId1" \
Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG}">\
<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>"""
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_NS}">\
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>\
<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="14"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">\
<alignment horizontal="center" wrapText="1"/></xf>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""


def _workbook(sheet: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
        f'<sheet name="{escape(sheet, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )


def _text(ref: str, value: str, style: int = 0) -> str:
    if style == 0 and looks_like_formula(value):
        style = _QUOTED
    s = f' s="{style}"' if style else ""
    value = escape(_ILLEGAL.sub("", value)[:32767])  # Excel's longest text, as openpyxl cuts
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{value}</t></is></c>'


def _cell(ref: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return _text(ref, value)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{_DATE}"><v>{serial}</v></c>'
    if isinstance(value, dt.date):
        serial = (value - _EPOCH.date()).days
        return f'<c r="{ref}" s="{_DATE}"><v>{serial}</v></c>'
    if isinstance(value, int | float | decimal.Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return _text(ref, str(value))


def _pane(freeze: str) -> str:
    letters = freeze.rstrip("0123456789")
    x, y = column_index_from_string(letters) - 1, int(freeze[len(letters) :]) - 1
    if not x and not y:
        return ""
    where = "bottomRight" if x and y else ("bottomLeft" if y else "topRight")
    xs = f' xSplit="{x}"' if x else ""
    ys = f' ySplit="{y}"' if y else ""
    return (
        f'<pane{xs}{ys} topLeftCell="{freeze}" activePane="{where}" state="frozen"/>'
        f'<selection pane="{where}"/>'
    )


def write_table(
    out: IO[bytes],
    *,
    sheet: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    freeze: str = "B3",
) -> int:
    """Write the workbook into ``out`` (a file open for binary writing); the number of data
    rows written."""
    # Letters for more columns than the headers: a row longer than the header keeps its values.
    letters = [get_column_letter(i) for i in range(1, len(columns) + 41)]
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _workbook(str(sheet)[:31]))
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as ws:
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
                for i, (_text_, width) in enumerate(columns, start=1)
            )
            head = "".join(
                _text(f"{c}2", str(t), _HEADER)
                for c, (t, _w) in zip(letters[: len(columns)], columns, strict=True)
            )
            ws.write(
                (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<worksheet xmlns="{_NS}"><sheetViews><sheetView workbookViewId="0">'
                    f"{_pane(freeze)}</sheetView></sheetViews><cols>{cols}</cols><sheetData>"
                    f'<row r="1">{_text("A1", str(title), _TITLE)}</row>'
                    f'<row r="2">{head}</row>'
                ).encode()
            )
            batch: list[str] = []
            r = 2
            for values in rows:
                r += 1
                n = str(r)
                batch.append(
                    f'<row r="{n}">'
                    + "".join(_cell(c + n, v) for c, v in zip(letters, values, strict=False))
                    + "</row>"
                )
                count += 1
                if len(batch) >= _BATCH:
                    ws.write("".join(batch).encode())
                    batch.clear()
            ws.write(("".join(batch) + "</sheetData></worksheet>").encode())
    return count
