"""How big a roster may be, and the check that a workbook keeps to it *before* it is read.

python-calamine turns a sheet into a dense rectangle from A1 (or the first used cell) to the
last used cell: one stray cell at XFD1000 costs 1000 × 16384 cells, half a gigabyte, and one at
row 1,048,576 more than the machine has. So an .xlsx is scanned first, streaming, in bounded
memory: its zip members are decompressed chunk by chunk (a zip bomb stops at the cap), and the
first sheet's cells are located without building anything. A file whose content reaches past
the caps is refused, naming the cell to delete, before calamine sees it. The <dimension> a sheet
claims is ignored: only cells with something in them count, as they do for calamine."""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from itertools import pairwise
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: data rows below the header (the benchmark imports 100,000)
MAX_ROWS = 100_000
#: columns, counted from A
MAX_COLUMNS = 200
#: the rectangle calamine allocates (rows × columns of the used range); ~32 bytes a cell there
MAX_CELLS = 4_000_000
#: decompressed bytes of all the zip members read; and of the shared strings, which are all
#: held in memory at once
MAX_UNZIPPED = 512 * 1024 * 1024
MAX_SHARED_STRINGS = 128 * 1024 * 1024
#: rows above the header a sheet may carry (title lines); the header is searched there
HEADER_SEARCH = 10
#: the last row a cell with content may sit in: data, header and title lines
ROW_LIMIT = MAX_ROWS + HEADER_SEARCH + 1
_CHUNK = 1024 * 1024
_MAX_TAG = 64 * 1024

_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Z]*)([0-9]*)["']""")
_COLUMNS = re.compile(rb'<c r="([A-Z]{1,3})')
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"')
_ROW_NUMBERS = re.compile(rb'<row r="([0-9]+)"')
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def column_letters(index: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    out = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def too_wide(row: int, column: int) -> ValidationError:
    return ValidationError(
        _(
            "第 %(row)d 行 %(col)s 列有内容，超出 %(max)d 列的上限。"
            "请删除多余的单元格（或整列）后再上传。"
        )
        % {"row": row, "col": column_letters(column), "max": MAX_COLUMNS}
    )


def too_long(row: int) -> ValidationError:
    return ValidationError(
        _(
            "第 %(row)d 行还有内容，文件超过 %(max)d 行的上限。"
            "请删除表格下方多余的内容，或把名册分成几份分批导入。"
        )
        % {"row": row, "max": MAX_ROWS}
    )


def too_big(rows: int, columns: int) -> ValidationError:
    return ValidationError(
        _(
            "表格的范围太大（%(rows)d 行 × %(cols)d 列，到 %(col)s 列）。"
            "请删除表格右侧和下方多余的单元格，或把名册分成几份分批导入。"
        )
        % {"rows": rows, "cols": columns, "col": column_letters(columns)}
    )


def _unreadable() -> ValidationError:
    return ValidationError(
        _("无法读取这个文件，请确认是 Excel 文件（可在 Excel 中另存为 .xlsx）。")
    )


def _bomb() -> ValidationError:
    return ValidationError(
        _("这个文件解压后太大，无法导入。请删除多余的工作表和内容，或分批导入。")
    )


def _read_small(zf: zipfile.ZipFile, name: str, cap: int = 16 * 1024 * 1024) -> bytes:
    with zf.open(name) as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise _bomb()
    return data


def _first_sheet(zf: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet — the one calamine reads at index 0."""
    try:
        book = ElementTree.fromstring(_read_small(zf, "xl/workbook.xml"))
        rels = ElementTree.fromstring(_read_small(zf, "xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        raise _unreadable() from None
    sheet = next((e for e in book.iter() if e.tag.rsplit("}", 1)[-1] == "sheet"), None)
    rid = sheet.get(f"{{{_R_NS}}}id") if sheet is not None else None
    target = next(
        (
            e.get("Target", "")
            for e in rels.iter()
            if e.tag.rsplit("}", 1)[-1] == "Relationship" and e.get("Id") == rid
        ),
        "",
    )
    if not target:
        raise _unreadable()
    name = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return posixpath.normpath(name)


def _inflate(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes, decompressed here rather than by zipfile, which stops at the size the
    zip declares: a crafted file can declare little and hold much, and calamine's reader would
    inflate all of it. The sizes must agree."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _unreadable()  # encrypted, or a compression Excel does not write
    head = data[info.header_offset : info.header_offset + 30]
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise _unreadable()
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    raw = data[start : start + info.compress_size]
    size = 0
    if info.compress_type == zipfile.ZIP_STORED:
        chunks: Iterator[bytes] = (raw[i : i + _CHUNK] for i in range(0, len(raw), _CHUNK))
    else:
        chunks = _deflated(raw)
    for chunk in chunks:
        size += len(chunk)
        if size > info.file_size:
            raise _unreadable()
        yield chunk
    if size != info.file_size:
        raise _unreadable()


def _deflated(raw: bytes) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-15)
    pending = raw
    while pending:
        chunk = inflater.decompress(pending, _CHUNK)
        pending = inflater.unconsumed_tail
        if chunk:
            yield chunk
        elif not pending:
            break
    if tail := inflater.flush():
        yield tail


def _beyond(limit: int) -> bytes:
    """A regex alternation for the column letters past column ``limit`` (200 → GS…XFD)."""
    letters = column_letters(limit + 1)
    parts = [b"[A-Z]{%d}" % (len(letters) + 1)] if len(letters) < 3 else []
    for i, ch in enumerate(letters):
        prefix = letters[:i].encode()
        tail = len(letters) - i - 1
        if i == len(letters) - 1:
            parts.append(prefix + b"[%s-Z]" % ch.encode())
        elif ch != "Z":
            nxt = chr(ord(ch) + 1)
            parts.append(prefix + b"[%s-Z]" % nxt.encode() + b"[A-Z]" * tail)
    return b"|".join(parts)


_FAR_COLUMN = re.compile(rb'<c r="(' + _beyond(MAX_COLUMNS) + rb')([0-9]+)"')
_FAR_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{%d,})"' % len(str(ROW_LIMIT)))


class _Box:
    """The rectangle of the cells with content seen so far."""

    def __init__(self) -> None:
        self.top = self.left = 0
        self.bottom = self.right = 0
        self.cells = 0

    @property
    def height(self) -> int:
        return self.bottom - self.top + 1 if self.top else 0

    @property
    def width(self) -> int:
        return self.right - self.left + 1 if self.left else 0

    def add(self, row: int, col: int) -> None:
        self.top = min(self.top or row, row)
        self.left = min(self.left or col, col)
        self.bottom, self.right = max(self.bottom, row), max(self.right, col)
        if self.height * self.width > MAX_CELLS:
            raise too_big(self.height, self.width)


class _Extent:
    """The used range so far: the last row and column with a cell that holds something."""

    def __init__(self) -> None:
        self.row = 0  # current row (1-based); cells without r= follow the previous one
        self.col = 0
        self.first_row = 0
        self.last_row = 0
        self.first_col = 0
        self.last_col = 0
        self.cells = 0

    def feed(self, kind: bytes, attrs: bytes) -> None:
        ref = _REF.search(attrs)
        if kind == b"row":
            self.row = int(ref.group(2)) if ref and ref.group(2) else self.row + 1
            self.col = 0
            return
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise too_big(self.last_row, self.last_col)
        if ref and ref.group(1):
            self.col = _column_number(ref.group(1))
            if ref.group(2):
                self.row = int(ref.group(2))
        else:
            self.col += 1
        if attrs.endswith(b"/"):
            return  # <c r="XFD5" s="3"/>: formatting only, calamine skips it too
        row, col = max(self.row, 1), self.col
        if col > MAX_COLUMNS:
            raise too_wide(row, col)
        if row > ROW_LIMIT:
            raise too_long(row)
        self.first_row = min(self.first_row or row, row)
        self.first_col = min(self.first_col or col, col)
        self.last_row = max(self.last_row, row)
        self.last_col = max(self.last_col, col)
        height = self.last_row - self.first_row + 1
        width = self.last_col - self.first_col + 1
        if height * width > MAX_CELLS:
            raise too_big(height, width)


def check_xlsx(data: bytes) -> None:
    """Raise ValidationError, in words a secretary can act on, unless reading the first sheet
    with calamine stays within the caps."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            sheet = _first_sheet(zf)
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError):
        raise _unreadable() from None
    if sheet not in {i.filename for i in infos}:
        raise _unreadable()
    total = 0
    try:
        for info in infos:
            if info.is_dir():
                continue
            if info.file_size > MAX_UNZIPPED or (
                info.filename.lower().endswith("sharedstrings.xml")
                and info.file_size > MAX_SHARED_STRINGS
            ):
                raise _bomb()
            total += info.file_size
            if total > MAX_UNZIPPED:
                raise _bomb()
            if info.filename == sheet:
                if not _scan(_inflate(data, info)):
                    _scan_exactly(_inflate(data, info))
            else:
                for _chunk in _inflate(data, info):
                    pass
    except zlib.error:
        raise _unreadable() from None


def _scan(chunks: Iterable[bytes]) -> bool:
    """Check a sheet's cells as Excel, WPS and most writers lay them out (each cell ``<c r="…"``,
    rows in order) with a handful of C-speed searches per megabyte instead of a step per cell.
    False when the sheet is laid out otherwise: then ``_scan_exactly`` reads it tag by tag."""
    box = _Box()
    last_row = 0
    for buf in _tags_whole(chunks):
        cells = buf.count(b"<c ") + buf.count(b"<c>")
        if cells != buf.count(b'<c r="') or b":c " in buf or b":row " in buf:
            return False
        rows = [int(r) for r in _ROW_NUMBERS.findall(buf)]
        if rows and (rows[0] <= last_row or any(b <= a for a, b in pairwise(rows))):
            return False
        last_row = rows[-1] if rows else last_row
        box.cells += cells
        if box.cells > MAX_CELLS:
            raise too_big(box.height, box.width)
        for m in _FAR_COLUMN.finditer(buf):
            if _holds_value(buf, m.end()):
                raise too_wide(int(m.group(2)), _column_number(m.group(1)))
        for m in _FAR_ROW.finditer(buf):
            if int(m.group(1)) > ROW_LIMIT and _holds_value(buf, m.end()):
                raise too_long(int(m.group(1)))
        columns = [_column_number(c) for c in set(_COLUMNS.findall(buf))]
        first, last = buf.find(b"</c>"), buf.rfind(b"</c>")
        if first != -1:
            box.add(_row_of(buf, first), min(columns))
            box.add(_row_of(buf, last), max(columns))
    return True


def _row_of(buf: bytes, closing: int) -> int:
    """The row of the cell that ends at ``closing``."""
    m = _CELL_REF.match(buf, buf.rfind(b'<c r="', 0, closing))
    return int(m.group(2)) if m else ROW_LIMIT + 1


def _holds_value(buf: bytes, pos: int) -> bool:
    end = buf.find(b">", pos)
    return end != -1 and buf[end - 1 : end] != b"/"


def _tags_whole(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks, re-cut so that no tag is split between two."""
    rest = b""
    for chunk in chunks:
        buf = rest + chunk
        cut = buf.rfind(b"<")
        if cut != -1 and buf.find(b">", cut) == -1:
            buf, rest = buf[:cut], buf[cut:]
            if len(rest) > _MAX_TAG:
                raise _unreadable()
        else:
            rest = b""
        yield buf


def _scan_exactly(chunks: Iterable[bytes]) -> None:
    extent = _Extent()
    for buf in _tags_whole(chunks):
        for m in _TAG.finditer(buf):
            extent.feed(m.group(1), m.group(2).rstrip())


# ---- .xls (BIFF8 in an OLE compound file) -------------------------------------------------
#: cell records that hold a value (BLANK and MULBLANK carry formatting only): record type →
#: whether it lists several columns (MULRK: row, first column, …, last column)
_XLS_VALUES = {
    0x0006: False,  # FORMULA
    0x00FD: False,  # LABELSST
    0x0203: False,  # NUMBER
    0x0204: False,  # LABEL
    0x0205: False,  # BOOLERR
    0x027E: False,  # RK
    0x00D6: False,  # RSTRING
    0x00BD: True,  # MULRK
}
_XLS_BOUNDSHEET = 0x0085
_XLS_EOF = 0x000A
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def _biff_records(stream: bytes, start: int) -> Iterator[tuple[int, int, bytes]]:
    """(offset, record type, data) from ``start`` to the end of the stream."""
    pos, end = start, len(stream)
    while pos + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, pos)
        yield pos, kind, stream[pos + 4 : pos + 4 + size]
        pos += 4 + size


def check_xls(data: bytes) -> None:
    """As :func:`check_xlsx`, for the old Excel format: the first sheet's cells with a value are
    located from the BIFF records before calamine builds its rectangle (a stray value at IV65536
    would cost it half a gigabyte)."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = "Workbook" if ole.exists("Workbook") else "Book"
            stream = ole.openstream(name).read()
    except (OSError, ValueError, struct.error):
        raise _unreadable() from None
    first_sheet = None
    for _pos, kind, body in _biff_records(stream, 0):
        if kind == _XLS_BOUNDSHEET and len(body) >= 4:
            first_sheet = struct.unpack_from("<I", body)[0]
            break
    if first_sheet is None or first_sheet >= len(stream):
        raise _unreadable()
    box = _Box()
    for _pos, kind, body in _biff_records(stream, first_sheet):
        if kind == _XLS_EOF:
            break
        several = _XLS_VALUES.get(kind)
        if several is None or len(body) < 4:
            continue
        row, col = struct.unpack_from("<HH", body)
        cols = [col + 1]
        if several and len(body) >= 6:
            cols.append(struct.unpack_from("<H", body, len(body) - 2)[0] + 1)
        for c in cols:
            if c > MAX_COLUMNS:
                raise too_wide(row + 1, c)
            if row + 1 > ROW_LIMIT:
                raise too_long(row + 1)
            box.add(row + 1, c)
