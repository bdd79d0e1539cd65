"""In a real browser: a secretary imports a roster with a bad row, sees the row and the reason,
fixes the file, uploads it again and imports it."""

from __future__ import annotations

import pytest

from dangjian.members.models import Member

from ..conftest import login
from .files import good_rows, xlsx

pytestmark = pytest.mark.browser


def test_a_secretary_fixes_a_bad_row_and_imports(cast, live_server, page, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    rows = good_rows(6, branch="文化东路第一楼栋党支部")
    good_id = rows[3][4]
    rows[3][4] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")  # a typo in the check digit
    login(page, live_server, "comm_a_sec")
    page.click("nav >> text=党员管理")
    page.click("nav >> text=名册导入")
    page.select_option("#org", str(cast.comm_a.pk))
    page.set_input_files(
        "#file",
        {"name": "花名册.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx(rows)},
    )
    page.click("#upload-form button")
    problems = page.locator("#problems").inner_text()
    assert "第 6 行" in problems and "公民身份号码" in problems and "校验位" in problems
    assert page.locator("#confirm-import").count() == 0
    assert not Member.objects.filter(name__startswith="导入").exists()

    rows[3][4] = good_id
    page.click("#upload-again")
    page.set_input_files(
        "#file",
        {"name": "花名册.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx(rows)},
    )
    page.click("#upload-form button")
    assert "全部检查通过" in page.locator("#check-ok").inner_text()
    page.click("#confirm-import")
    assert "导入完成：新建 6 名党员" in page.content()
    assert Member.objects.filter(name__startswith="导入").count() == 6
