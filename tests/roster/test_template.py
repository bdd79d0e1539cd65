"""Issue 20 item 13: the roster template on the import page — exactly the headers the reader
recognises, one made-up example row, a sheet of notes — and the template itself imports."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dangjian.core import idcard
from dangjian.members.models import Member
from dangjian.roster import reader, services
from dangjian.roster.columns import FIELDS, REQUIRED, detect

pytestmark = pytest.mark.django_db


def _download(client) -> bytes:
    r = client.get("/roster/template.xlsx")
    assert r.status_code == 200
    assert "attachment" in r["Content-Disposition"]
    return b"".join(r.streaming_content)


def test_the_import_page_links_the_template(cast, client_for):
    page = client_for(cast.comm_a_sec).get("/roster/").content.decode()
    assert 'href="/roster/template.xlsx"' in page and "下载名册模板" in page


def test_the_template_has_exactly_the_recognised_headers_and_an_example(cast, client_for):
    wb = openpyxl.load_workbook(io.BytesIO(_download(client_for(cast.comm_a_sec))))
    sheet, notes = wb.worksheets
    headers = [c.value for c in sheet[1]]
    assert headers == [label for label, _variants in FIELDS.values()]
    assert sorted(detect(headers).values()) == sorted(FIELDS)
    example = dict(zip(FIELDS, [c.value for c in sheet[2]], strict=True))
    assert example["name"] == "王示例"
    assert idcard.parse(example["id_number"]).birth_date.isoformat() == example["birth_date"]
    assert sheet.cell(row=2, column=list(FIELDS).index("id_number") + 1).data_type == "s"
    assert sheet.max_row == 2 or all(c.value is None for row in sheet.iter_rows(3) for c in row)
    assert notes.title == "填写说明"
    listed = {row[0].value: row[1].value for row in notes.iter_rows(min_row=4)}
    assert set(listed) == {label for label, _v in FIELDS.values()}
    assert {k for k, v in listed.items() if v == "必填"} == {FIELDS[f][0] for f in REQUIRED}
    assert "1985.03" in str([c.value for row in notes.iter_rows() for c in row])


def test_the_template_itself_imports(cast, client_for):
    data = _download(client_for(cast.comm_a_sec))
    sheet = reader.read(data, "党员名册模板.xlsx")
    assert sheet.header_row == 1 and len(sheet.rows) == 1
    out = services.import_rows(
        acting_user=cast.comm_a_sec,
        org=cast.comm_a,
        headers=sheet.headers,
        rows=sheet.rows,
        mapping=detect(sheet.headers),
        filename="党员名册模板.xlsx",
        header_row=sheet.header_row,
    )
    assert out.ok, out.problems
    assert out.created == 1 and out.warnings == []
    m = Member.objects.get(name="王示例")
    assert m.org == cast.comm_a and m.status == "full" and m.gender == "M"
    assert [c.category for c in m.categories.all()] == ["retired"]


@pytest.mark.parametrize("who", ["member_user", "outsider"])
def test_people_who_cannot_import_get_no_template(cast, client_for, who):
    assert client_for(getattr(cast, who)).get("/roster/template.xlsx").status_code == 404
