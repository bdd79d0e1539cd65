"""In a real browser: a secretary imports a roster with a bad row, sees the row and the reason,
fixes the file, uploads it again and imports it; a sheet that writes branch names its own way is
mapped once, imported, and the remembered mapping deleted."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dangjian.members.models import Member
from dangjian.roster.models import OrgAlias

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


def test_a_secretary_maps_the_sheets_branch_names_once_then_deletes_the_mapping(
    cast, live_server, page, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    sheet = xlsx(good_rows(3, branch="第一楼栋支部") + good_rows(2, branch="离退休支部", start=3))
    login(page, live_server, "comm_a_sec")
    page.goto(f"{live_server.url}/roster/")
    page.select_option("#org", str(cast.comm_a.pk))
    page.set_input_files(
        "#file",
        {"name": "花名册.xlsx", "mimeType": "application/octet-stream", "buffer": sheet},
    )
    page.click("#upload-form button")
    # each name once, the closest organisation preselected
    expect(page.locator("#unknown-names tbody tr")).to_have_count(2)
    expect(page.locator("#target_0")).to_have_value(str(cast.branch_a.pk))
    expect(page.locator("#target_1")).to_have_value(str(cast.branch_a_2.pk))
    expect(page.locator("#confirm-import")).to_have_count(0)
    page.click("#confirm-map")
    expect(page.locator("#check-ok")).to_contain_text("将新建 5 名党员")
    expect(page.locator("#remembered")).to_contain_text("“离退休支部” → 文化东路离退休党支部")
    page.click("#confirm-import")
    expect(page.locator("main")).to_contain_text("导入完成：新建 5 名党员")
    assert Member.objects.filter(org=cast.branch_a, name__startswith="导入").count() == 3

    page.goto(f"{live_server.url}/roster/")
    aliases = page.locator("#aliases tbody tr")
    expect(aliases).to_have_count(2)
    alias = OrgAlias.objects.get(written="第一楼栋支部")
    page.once("dialog", lambda d: d.dismiss())  # “确定删除…的对应吗？” — no: nothing happens
    page.click(f"#delete-alias-{alias.pk}")
    expect(aliases).to_have_count(2)
    page.once("dialog", lambda d: d.accept())
    page.click(f"#delete-alias-{alias.pk}")
    expect(page.locator("main")).to_contain_text("已删除“第一楼栋支部”的对应")
    expect(aliases).to_have_count(1)
    assert not OrgAlias.objects.filter(pk=alias.pk).exists()
