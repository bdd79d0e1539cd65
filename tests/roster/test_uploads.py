"""An uploaded roster is read once and kept only as long as it is needed: 0600 in a 0700
folder, deleted when the import succeeds, when the file is refused, when the user cancels, and
by the daily sweep once it is a day old."""

from __future__ import annotations

import io
import os
import stat
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from dangjian.roster import reader, uploads

from .files import good_rows, with_cell, xlsx

BRANCH = "文化东路第一楼栋党支部"


def _upload(client, cast, data, name="名册.xlsx"):
    return client.post("/roster/", {"org": cast.comm_a.pk, "file": SimpleUploadedFile(name, data)})


def _stored(tmp_path):
    return sorted((tmp_path / "imports").glob("*"))


def test_an_upload_is_kept_parsed_and_private(cast, client_for, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    _upload(client_for(cast.comm_a_sec), cast, xlsx(good_rows(2, branch=BRANCH)))
    (kept,) = _stored(tmp_path)
    assert kept.suffix == ".json"  # the rows, not the workbook
    assert stat.S_IMODE(os.stat(tmp_path / "imports").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600


def test_a_folder_left_open_by_an_older_version_is_closed(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "imports").mkdir(mode=0o755)
    os.chmod(tmp_path / "imports", 0o755)
    uploads.folder()
    assert stat.S_IMODE(os.stat(tmp_path / "imports").st_mode) == 0o700


def test_the_file_is_read_once_however_often_the_preview_is_shown(
    cast, client_for, settings, tmp_path, monkeypatch
):
    settings.DATA_DIR = tmp_path
    c = client_for(cast.comm_a_sec)
    r = _upload(c, cast, xlsx(good_rows(3, branch=BRANCH)))

    def not_again(*args, **kwargs):
        raise AssertionError("the preview read the workbook again")

    monkeypatch.setattr(reader, "read", not_again)
    assert "全部检查通过" in c.get(r.url).content.decode()
    assert "全部检查通过" in c.get(r.url + "?col_0=").content.decode()


def test_dates_survive_the_stored_form(settings, tmp_path):
    import datetime as dt

    settings.DATA_DIR = tmp_path
    cells = [dt.date(2001, 7, 1), dt.datetime(2001, 7, 1, 8, 30), dt.time(8, 30), 1.5, True, ""]
    token = uploads.save(reader.Sheet(["a"], 2, [cells, [dt.timedelta(days=2)]]))
    back = uploads.load(token)
    assert back.rows == [cells, [dt.timedelta(days=2)]] and back.header_row == 2


def test_a_successful_import_deletes_the_upload(cast, client_for, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    c = client_for(cast.comm_a_sec)
    r = _upload(c, cast, xlsx(good_rows(2, branch=BRANCH)))
    assert _stored(tmp_path)
    assert "导入完成" in c.post(r.url, follow=True).content.decode()
    assert _stored(tmp_path) == []
    assert c.get(r.url).status_code == 404


def test_a_refused_file_leaves_nothing_behind(cast, client_for, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    c = client_for(cast.comm_a_sec)
    for data, name in [
        (with_cell("XFD1000"), "名册.xlsx"),
        (b"not a workbook", "名册.xlsx"),
        (xlsx([["没有", "表头"]], headers=["甲", "乙"]), "名册.xlsx"),
    ]:
        r = _upload(c, cast, data, name)
        assert r.status_code == 200 and "alert" in r.content.decode()
    assert not list(tmp_path.glob("imports/*"))


def test_a_file_with_bad_rows_stays_while_the_columns_are_corrected(
    cast, client_for, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    rows = good_rows(3, branch=BRANCH)
    rows[1][5] = "2099-1-1"
    c = client_for(cast.comm_a_sec)
    r = _upload(c, cast, xlsx(rows))
    assert "整份名册都没有导入" in c.get(r.url).content.decode()
    assert "整份名册都没有导入" in c.post(r.url).content.decode()
    assert len(_stored(tmp_path)) == 1


def test_cancelling_deletes_the_upload(cast, client_for, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    c = client_for(cast.comm_a_sec)
    r = _upload(c, cast, xlsx(good_rows(2, branch=BRANCH)))
    page = c.get(r.url).content.decode()
    assert 'id="cancel-form"' in page and "onclick" not in page
    r2 = c.post(r.url, {"cancel": "1"}, follow=True)
    assert "已取消，上传的名册已从服务器删除" in r2.content.decode()
    assert _stored(tmp_path) == []
    assert c.get(r.url).status_code == 404


def test_someone_else_cannot_cancel_an_upload(cast, client_for, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    r = _upload(client_for(cast.comm_a_sec), cast, xlsx(good_rows(2, branch=BRANCH)))
    assert client_for(cast.comm_b_sec).post(r.url, {"cancel": "1"}).status_code == 404
    assert len(_stored(tmp_path)) == 1


def test_the_sweep_deletes_what_is_a_day_old_and_keeps_the_rest(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    old = uploads.save(reader.Sheet(["姓名"], 1, [["甲"]]))
    fresh = uploads.save(reader.Sheet(["姓名"], 1, [["乙"]]))
    stale_workbook = uploads.folder() / "0123456789abcdef0123456789abcdef.xlsx"  # older versions
    stale_workbook.write_bytes(b"PK")
    day_ago = time.time() - 25 * 3600
    for p in (uploads.path_for(old), stale_workbook):
        os.utime(p, (day_ago, day_ago))
    out = io.StringIO()
    call_command("sweep-uploads", stdout=out)
    assert "已删除 2 个超过 24 小时的名册上传文件" in out.getvalue()
    assert uploads.load(old) is None and not stale_workbook.exists()
    assert uploads.load(fresh).rows == [["乙"]]
    # the session's clock is pinned (tests/conftest.py) and the file system's is not: date the
    # file by the pinned clock, so "written before now" holds whatever the real time of day
    moment = time.time() - 1
    os.utime(uploads.path_for(fresh), (moment, moment))
    call_command("sweep-uploads", hours=0, stdout=io.StringIO())
    assert uploads.load(fresh) is None


def test_a_token_cannot_reach_outside_the_folder(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    assert uploads.path_for("../../etc/passwd") is None
    assert uploads.load("../x") is None
