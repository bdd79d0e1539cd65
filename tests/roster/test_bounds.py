"""A roster file cannot cost more than its caps: a stray cell at XFD1000, a sheet that claims
1,048,576 rows or holds a cell there, a CSV with one endless line — each is previewed or refused
in bounded time and memory, with the row and column to delete; the caps hold at their edges."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from django.core.exceptions import ValidationError

from dangjian.roster import bounds, reader

from .files import HEADERS, claiming, good_rows, with_cell, without_refs, xls, xlsx

BRANCH = "文化东路第一楼栋党支部"

# Reads one file in a fresh interpreter and reports its peak RSS: calamine allocates in Rust,
# where tracemalloc cannot see. VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the
# parent (pytest, itself ~200 MB) through fork and exec, while VmHWM belongs to the new image.
_PROBE = """
import json, resource, sys, time


def peak_mb():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


import django
from django.conf import settings
settings.configure(USE_I18N=False)
django.setup()
from django.core.exceptions import ValidationError
from dangjian.roster import reader
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
try:
    outcome = "rows=%d" % len(reader.read(data, sys.argv[1]).rows)
except ValidationError as exc:
    outcome = "refused: " + "".join(exc.messages)
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "peak_mb": peak_mb(),
    "outcome": outcome,
}))
"""


def _probe(path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    return json.loads(done.stdout)


def _refusal(data: bytes, name: str = "名册.xlsx") -> str:
    with pytest.raises(ValidationError) as caught:
        reader.read(data, name)
    return "".join(caught.value.messages)


def test_hostile_workbooks_cost_no_more_than_a_small_one(tmp_path):
    files = {
        "small": xlsx(good_rows(3, branch=BRANCH)),
        "xfd1000": with_cell("XFD1000"),
        "claims_a_million_rows": claiming("A1:Z1048576", rows=good_rows(3, branch=BRANCH)),
        "a_cell_in_the_last_row": with_cell("A1048576"),
        "the_last_cell_of_all": with_cell("XFD1048576"),
    }
    assert len(files["xfd1000"]) < 10_000  # a few kilobytes that once cost 430 MB
    figures = {}
    for name, data in files.items():
        (tmp_path / f"{name}.xlsx").write_bytes(data)
        figures[name] = _probe(tmp_path / f"{name}.xlsx")
    print(json.dumps(figures, ensure_ascii=False, indent=1))  # the figures, with -s
    base = figures.pop("small")
    assert base["outcome"] == "rows=3"
    for name, got in figures.items():
        assert got["seconds"] < 5, name
        assert got["peak_mb"] - base["peak_mb"] < 60, (name, got, base)
    assert figures["claims_a_million_rows"]["outcome"] == "rows=3"  # the claim is ignored
    assert "第 1000 行 XFD 列有内容" in figures["xfd1000"]["outcome"]
    assert "第 1048576 行" in figures["a_cell_in_the_last_row"]["outcome"]
    assert "XFD 列" in figures["the_last_cell_of_all"]["outcome"]


def test_the_xfd1000_upload_is_refused_with_the_cell_to_delete(
    cast, client_for, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    c = client_for(cast.comm_a_sec)
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = with_cell("XFD1000")
    c.get("/roster/")  # the first request of a process loads every URLconf: not the file's cost
    started = time.perf_counter()
    r = c.post(
        "/roster/",
        {"org": cast.comm_a.pk, "file": SimpleUploadedFile("名册.xlsx", data)},
        follow=True,
    )
    assert time.perf_counter() - started < 5
    assert "第 1000 行 XFD 列有内容，超出 200 列的上限" in r.content.decode()
    assert not list(tmp_path.glob("imports/*"))  # nothing of the refused file was kept


def test_a_sheet_claiming_a_million_rows_is_previewed_as_what_it_holds(
    cast, client_for, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    c = client_for(cast.comm_a_sec)
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = claiming("A1:Z1048576", rows=good_rows(2, branch=BRANCH))
    c.get("/roster/")  # the first request of a process loads every URLconf: not the file's cost
    started = time.perf_counter()
    r = c.post("/roster/", {"org": cast.comm_a.pk, "file": SimpleUploadedFile("名册.xlsx", data)})
    page = c.get(r.url).content.decode()
    assert time.perf_counter() - started < 5
    assert "共 2 行，全部检查通过" in page


def test_the_last_allowed_column_is_read_and_the_next_refused():
    last = bounds.column_letters(bounds.MAX_COLUMNS)
    assert last == "GR"
    sheet = reader.read(with_cell(f"{last}3", rows=good_rows(2, branch=BRANCH)), "名册.xlsx")
    assert len(sheet.rows) == 2 and sheet.rows[1][bounds.MAX_COLUMNS - 1] == "多余"
    assert "第 3 行 GS 列有内容，超出 200 列的上限" in _refusal(with_cell("GS3"))


def test_an_empty_but_formatted_cell_far_away_does_not_count():
    data = with_cell("A2", rows=[])  # something to patch next to
    far = bounds_patch(data, b'<c r="XFD900" s="0"/>')
    assert reader.read(far, "名册.xlsx").headers[:2] == HEADERS[:2]


def bounds_patch(data: bytes, cell: bytes) -> bytes:
    from .files import _patched

    return _patched(
        data, lambda body: body.replace(b"</row></sheetData>", cell + b"</row></sheetData>")
    )


def test_rows_are_capped_at_their_edge(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 5)
    monkeypatch.setattr(bounds, "MAX_ROWS", 5)
    assert len(reader.read(xlsx(good_rows(5, branch=BRANCH)), "名册.xlsx").rows) == 5
    # title on row 1, header on row 2: data rows 3–7 fit, row 8 is the sixth
    assert "第 8 行还有内容，文件超过 5 行的上限" in _refusal(xlsx(good_rows(6, branch=BRANCH)))
    csv = "\n".join(",".join(map(str, r)) for r in [HEADERS, *good_rows(6, branch=BRANCH)])
    assert "第 7 行还有内容" in _refusal(csv.encode(), "名册.csv")


def test_a_range_too_large_to_hold_is_refused_before_it_is_read():
    # 30,000 rows × 150 columns = 4.5 million cells from two cells
    assert "表格的范围太大" in _refusal(with_cell("ET30000"))


def test_a_sheet_without_cell_references_is_checked_just_as_well():
    ok = without_refs(xlsx(good_rows(2, branch=BRANCH), title=None))
    assert len(reader.read(ok, "名册.xlsx").rows) == 2
    wide = xlsx([["x"] * (bounds.MAX_COLUMNS + 1)], title=None)
    assert "GS 列有内容" in _refusal(without_refs(wide))


def test_a_csv_is_bounded_in_columns_and_line_length():
    head = ",".join(HEADERS)
    row = ",".join(map(str, good_rows(1, branch=BRANCH)[0]))
    trailing = row + "," * 500  # empty cells past the cap are dropped, not refused
    assert len(reader.read(f"{head}\n{trailing}\n".encode(), "名册.csv").rows[0]) == 200
    wide = row + "," * (bounds.MAX_COLUMNS - len(HEADERS) + 1) + "多余"
    assert "第 2 行 GS 列有内容" in _refusal(f"{head}\n{wide}\n".encode(), "名册.csv")
    endless = "," * (3 * 1024 * 1024)
    assert "有一行太长" in _refusal(f"{head}\n{endless}\n".encode(), "名册.csv")
    unclosed = '"' + "x\n" * 600_000
    assert "太长" in _refusal(f"{head}\n{unclosed}".encode(), "名册.csv")  # csv's field limit


def test_only_excel_and_csv_files_are_read():
    assert "请上传 Excel 文件" in _refusal(b"PK\x03\x04", "名册.ods")
    assert "无法读取这个文件" in _refusal(b"not a zip", "名册.xlsx")


def test_an_old_xls_file_is_checked_before_it_is_read(tmp_path):
    ok = xls(good_rows(3, branch=BRANCH))
    assert len(reader.read(ok, "名册.xls").rows) == 3
    assert "第 3 行 GS 列有内容，超出 200 列的上限" in _refusal(xls([], far=(2, 200)), "名册.xls")
    reader.read(xls(good_rows(1, branch=BRANCH), far=(1, 199)), "名册.xls")  # column GR: fits
    files = {"small": ok, "iv65536": xls(good_rows(1, branch=BRANCH), far=(65535, 150))}
    figures = {}
    for name, data in files.items():
        (tmp_path / f"{name}.xls").write_bytes(data)
        figures[name] = _probe(tmp_path / f"{name}.xls")
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    far = figures["iv65536"]
    assert "表格的范围太大" in far["outcome"]
    assert far["seconds"] < 5 and far["peak_mb"] - figures["small"]["peak_mb"] < 60, figures


def test_the_check_follows_the_bytes_not_the_name():
    # an .xlsx renamed .xls is still an .xlsx to calamine, so it gets the .xlsx check
    assert "第 1000 行 XFD 列有内容" in _refusal(with_cell("XFD1000"), "名册.xls")
    assert "无法读取这个文件" in _refusal(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.xls"
    )
