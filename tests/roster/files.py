"""Roster files built in the tests: .xlsx with openpyxl, .csv as text — with the messy cases
communities' sheets really have."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook

from dangjian.core import idcard

HEADERS = [
    "序号",
    "姓名",
    "性别",
    "出生年月",
    "公民身份号码",
    "入党日期",
    "文化程度",
    "手机号",
    "家庭住址",
    "党员类别",
    "所在支部",
]


def person_id(birth: dt.date, gender: str, seed: int) -> str:
    """A fictitious, valid-checksum ID (region 90xxxx is assigned to nobody), unique per seed for
    one birth date and gender."""
    region = ("900101", "910101", "920203")[seed % 3]
    seq = 100 + 2 * (seed // 3 % 400) + (1 if gender == "M" else 0)
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + idcard.check_char(first17)


def xlsx(
    rows: list[list], *, headers=HEADERS, title: str | None = "文化东路社区党员花名册"
) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_rows(n: int, *, branch: str, start: int = 0) -> list[list]:
    rows = []
    for i in range(start, start + n):
        birth = dt.date(1950 + i % 45, 1 + i % 12, 1 + i % 28)
        gender = "男" if i % 2 else "女"
        rows.append(
            [
                i + 1,
                f"导入{i:05d}",
                gender,
                birth.strftime("%Y.%m"),
                person_id(birth, "M" if i % 2 else "F", i),
                f"{birth.year + 25}-{1 + i % 12}-1",
                "本科",
                f"139{i:08d}",
                "1号楼",
                "离退休",
                branch,
            ]
        )
    return rows


def _patched(data: bytes, patch) -> bytes:
    """The workbook with its first sheet's XML passed through ``patch``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = patch(body)
            dst.writestr(info, body)
    return out.getvalue()


def with_cell(cell: str, value="多余", *, rows: list[list] | None = None) -> bytes:
    """A small roster (header and ``rows``) with one more cell far away, e.g. XFD1000."""
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows or []:
        ws.append(r)
    ws[cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def claiming(ref: str, *, rows: list[list] | None = None) -> bytes:
    """A small roster whose sheet claims ``<dimension ref=…>`` — e.g. A1:Z1048576 — while
    holding only the header and ``rows``."""
    return _patched(
        xlsx(rows or [], title=None),
        lambda body: re.sub(
            rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), body
        ),
    )


def without_refs(data: bytes) -> bytes:
    """The sheet with the optional r="…" of every row and cell left out, as some writers do."""
    return _patched(data, lambda body: re.sub(rb'<(row|c) r="[A-Z]*[0-9]+"', rb"<\1", body))


def xls(rows: list[list], *, headers=HEADERS, far: tuple[int, int] | None = None) -> bytes:
    """The old Excel format (BIFF8, as WPS and Excel 2003 save it); ``far``: one more value at
    (row, column), 0-based."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("名册")
    for j, h in enumerate(headers):
        ws.write(0, j, h)
    for i, r in enumerate(rows, start=1):
        for j, v in enumerate(r):
            ws.write(i, j, v.isoformat() if isinstance(v, dt.date) else v)
    if far is not None:
        ws.write(far[0], far[1], "多余")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
