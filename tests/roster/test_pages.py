"""Roster import through the pages and the command line: upload, preview with the problems and
the column mapping, correct a column, import; another session cannot open the preview; the CLI
exits non-zero with the report when a row is bad."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from dangjian.members.models import Member
from dangjian.roster.models import ImportRun

from .files import good_rows, person_id, xlsx


def _text(r) -> str:
    return re.sub(r"\s+", " ", r.content.decode())


def _upload(client, cast, data, name="名册.xlsx"):
    return client.post(
        "/roster/",
        {"org": cast.comm_a.pk, "file": SimpleUploadedFile(name, data)},
    )


def test_upload_preview_and_import(cast, client_for, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    c = client_for(cast.comm_a_sec)
    r = _upload(c, cast, xlsx(good_rows(4, branch="文化东路第一楼栋党支部")))
    assert r.status_code == 302 and "/roster/preview/" in r.url
    page = _text(c.get(r.url))
    assert "全部检查通过" in page and "公民身份号码" in page
    assert "9001" in page and "*" in page  # the sample shows IDs masked
    r = c.post(r.url, {f"col_{i}": "" for i in range(0)}, follow=True)
    assert "导入完成：新建 4 名党员" in _text(r)
    assert ImportRun.objects.get().created == 4


def test_a_bad_row_is_shown_with_its_row_and_column_and_nothing_is_imported(
    cast, client_for, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    rows = good_rows(5, branch="文化东路第一楼栋党支部")
    rows[2][4] = "110101198503011239"
    c = client_for(cast.comm_a_sec)
    r = _upload(c, cast, xlsx(rows))
    page = _text(c.get(r.url))
    assert "整份名册都没有导入" in page and "第 5 行" in page and "校验位" in page
    assert 'id="confirm-import"' not in page
    assert not Member.objects.filter(name__startswith="导入").exists()


def test_a_wrongly_recognised_column_can_be_corrected(cast, client_for, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    headers = ["姓名", "证件号", "入党时间", "所在支部"]
    birth = dt.date(1980, 2, 3)
    data = xlsx(
        [["周八", person_id(birth, "M", 1), "2005-1-1", "文化东路第一楼栋党支部"]],
        headers=headers,
        title=None,
    )
    c = client_for(cast.comm_a_sec)
    r = _upload(c, cast, data)
    assert "缺少必需的列：身份证号" in _text(c.get(r.url))
    assert "全部检查通过" in _text(c.get(r.url + "?col_1=id_number"))
    c.post(r.url, {"col_0": "name", "col_1": "id_number", "col_2": "joined_on", "col_3": "org"})
    assert Member.objects.filter(name="周八").exists()


def test_another_session_cannot_open_the_preview(cast, client_for, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    r = _upload(
        client_for(cast.comm_a_sec), cast, xlsx(good_rows(1, branch="文化东路第一楼栋党支部"))
    )
    assert client_for(cast.comm_a_sec).get(r.url).status_code == 404
    assert client_for(cast.comm_b_sec).get(r.url).status_code == 404


def test_a_member_cannot_upload(cast, client_for):
    assert client_for(cast.member_user).get("/roster/").status_code == 404


def test_the_command_line_imports_and_fails_loudly(cast, tmp_path):
    good = tmp_path / "好.xlsx"
    good.write_bytes(xlsx(good_rows(3, branch="文化东路第一楼栋党支部")))
    out = io.StringIO()
    call_command("import-members", str(good), org=cast.comm_a.code, stdout=out)
    assert "导入完成：共 3 行，新建 3 名" in out.getvalue()
    rows = good_rows(3, branch="文化东路第一楼栋党支部", start=10)
    rows[1][5] = "2099-1-1"
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(xlsx(rows))
    out = io.StringIO()
    with pytest.raises(CommandError, match="名册有误"):
        call_command("import-members", str(bad), org=cast.comm_a.code, stdout=out)
    assert "第 4 行\t入党日期\t日期不能晚于今天。" in out.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "import-members",
            str(good),
            org=cast.comm_a.code,
            user="comm_b_sec",
            stdout=io.StringIO(),
        )


def test_the_history_shows_only_ones_own_imports(cast, client_for):
    ImportRun.objects.create(org=cast.comm_a, filename="甲.xlsx", rows=1, created=1, skipped=0)
    assert "甲.xlsx" in _text(client_for(cast.comm_a_sec).get("/roster/"))
    assert "甲.xlsx" not in _text(client_for(cast.comm_b_sec).get("/roster/"))


def test_the_benchmark_command_runs(cast):
    import json

    before = Member.objects.count()
    out = io.StringIO()
    call_command("benchmark-import", rows=200, stdout=out)
    report = json.loads(out.getvalue())
    assert (
        report["created"] == 200
        and report["problems"] == 0
        and report["import_rows_per_second"] > 0
    )
    assert Member.objects.count() == before  # rolled back
