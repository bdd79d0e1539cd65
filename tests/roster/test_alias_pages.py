"""Mapping organisation names through the pages and the command line: upload → map once → import;
the next upload needs no mapping; remembered mappings listed and deleted on the roster page; a
mapping outside one's community refused; the CLI's --map, --map-file and its hint."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.roster import services
from dangjian.roster.models import OrgAlias

from .files import good_rows, xlsx


def _text(r) -> str:
    return re.sub(r"\s+", " ", r.content.decode())


def _upload(client, cast, data, org=None):
    r = client.post(
        "/roster/",
        {"org": (org or cast.comm_a).pk, "file": SimpleUploadedFile("名册.xlsx", data)},
    )
    assert r.status_code == 302 and "/roster/preview/" in r.url, _text(r)[:2000]
    return r.url


def _sheet(n: int = 3) -> bytes:
    return xlsx(good_rows(n, branch="第一楼栋支部") + good_rows(n, branch="离退休支部", start=n))


def _selected(page: str, i: int) -> str:
    select = re.search(rf'<select[^>]*name="target_{i}".*?</select>', page).group()
    chosen = re.search(r'<option value="(\d+)" selected', select)
    return chosen.group(1) if chosen else ""


def test_upload_map_once_import_and_the_next_upload_needs_no_mapping(
    cast, client_for, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    c = client_for(cast.comm_a_sec)
    url = _upload(c, cast, _sheet())
    page = _text(c.get(url))
    assert 'id="org-map-form"' in page and 'id="confirm-import"' not in page
    assert "表中有 2 个党组织名称与系统中的写法不同" in page
    assert page.count('value="第一楼栋支部"') == 1  # once per name, not once per row
    assert 'id="problems"' not in page and "没有发现其他问题" in page
    assert _selected(page, 0) == str(cast.branch_a.pk)  # the closest, preselected
    assert _selected(page, 1) == str(cast.branch_a_2.pk)
    assert "迎宾路" not in page  # only organisations of one's own part of the tree are offered

    r = c.post(
        url,
        {
            "map_names": "1",
            "written_0": "第一楼栋支部",
            "target_0": cast.branch_a.pk,
            "written_1": "离退休支部",
            "target_1": cast.branch_a_2.pk,
        },
    )
    assert r.status_code == 302 and r.url.startswith(url + "?col_0=")
    page = _text(c.get(r.url))
    assert "已记住 2 个名称对应" in page
    assert "全部检查通过：将新建 6 名党员，0 人已在册" in page
    assert "“第一楼栋支部” → 文化东路第一楼栋党支部" in page
    r = c.post(url, {}, follow=True)
    assert "导入完成：新建 6 名党员" in _text(r)
    assert Member.objects.filter(org=cast.branch_a, name__startswith="导入").count() == 3

    # the same file again: no mapping step, nobody created twice
    url = _upload(c, cast, _sheet())
    page = _text(c.get(url))
    assert 'id="org-map-form"' not in page and 'id="remembered"' in page
    assert "将新建 0 名党员，6 人已在册" in page
    c.post(url, {})
    assert Member.objects.filter(name__startswith="导入").count() == 6


def test_other_problems_are_listed_by_row_beside_the_names_to_map(
    cast, client_for, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    rows = good_rows(3, branch="第一楼栋支部")
    rows[1][5] = "2099-1-1"
    c = client_for(cast.comm_a_sec)
    page = _text(c.get(_upload(c, cast, xlsx(rows))))
    assert "发现 1 处问题，整份名册都没有导入" in page and "日期不能晚于今天" in page
    assert 'id="org-map-form"' in page and 'id="upload-again"' in page
    assert page.count("最接近的是") == 0  # the names are in the mapping form, not the table


def test_a_choice_outside_ones_community_is_refused_and_nothing_is_remembered(
    cast, client_for, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    c = client_for(cast.comm_a_sec)
    url = _upload(c, cast, _sheet())
    audit_rows = AuditEntry.objects.count()
    r = c.post(
        url,
        {
            "map_names": "1",
            "written_0": "第一楼栋支部",
            "target_0": cast.branch_a.pk,
            "written_1": "离退休支部",
            "target_1": cast.branch_b.pk,  # 迎宾路第一党支部, of community B
        },
        follow=True,
    )
    page = _text(r)
    assert "“离退休支部”选择的党组织不在文化东路社区党委下您负责的范围内" in page
    assert "迎宾路" not in page  # the refusal names nothing of the other community
    assert 'id="org-map-form"' in page
    assert not OrgAlias.objects.exists() and AuditEntry.objects.count() == audit_rows


def test_the_form_cannot_plant_a_name_the_sheet_does_not_hold(cast, client_for, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    c = client_for(cast.comm_a_sec)
    url = _upload(c, cast, _sheet())
    c.post(url, {"map_names": "1", "written_0": "别处的支部", "target_0": cast.branch_a.pk})
    assert not OrgAlias.objects.exists()


def test_the_roster_page_lists_remembered_mappings_and_deletes_them(cast, client_for):
    (alias,) = services.alias_remember(
        acting_user=cast.comm_a_sec, scope=cast.comm_a, names={"甲一支部": cast.branch_a}
    )
    services.alias_remember(
        acting_user=cast.comm_b_sec, scope=cast.comm_b, names={"乙一支部": cast.branch_b}
    )
    a, b = client_for(cast.comm_a_sec), client_for(cast.comm_b_sec)
    page = _text(a.get("/roster/"))
    assert "甲一支部" in page and "乙一支部" not in page
    assert 'data-confirm="确定删除“甲一支部”→“文化东路第一楼栋党支部”的对应吗？"' in page
    assert "甲一支部" not in _text(b.get("/roster/"))
    # another community, a plain member, a GET: 404 / 405, and the mapping stays
    assert b.post(f"/roster/aliases/{alias.pk}/delete/").status_code == 404
    assert (
        client_for(cast.member_user).post(f"/roster/aliases/{alias.pk}/delete/").status_code == 404
    )
    assert a.get(f"/roster/aliases/{alias.pk}/delete/").status_code == 405
    assert OrgAlias.objects.filter(pk=alias.pk).exists()
    r = a.post(f"/roster/aliases/{alias.pk}/delete/", follow=True)
    assert "已删除“甲一支部”的对应" in _text(r)
    assert not OrgAlias.objects.filter(pk=alias.pk).exists()
    assert a.post(f"/roster/aliases/{alias.pk}/delete/").status_code == 404


def test_the_roster_page_reads_mappings_in_a_fixed_number_of_queries(cast, client_for):
    def count() -> int:
        c = client_for(cast.comm_a_sec)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/roster/").status_code == 200
        return len(ctx.captured_queries)

    def remember(k: int) -> None:
        services.alias_remember(
            acting_user=cast.comm_a_sec,
            scope=cast.comm_a,
            names={f"写法{k}-{i}": cast.branch_a for i in range(k)},
        )

    remember(2)
    few = count()
    remember(12)
    # one query for the mappings with their organisations and users, whatever their number
    assert count() == few


# ---- the command line --------------------------------------------------------------------


def _file(tmp_path, data: bytes, name: str = "名册.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_the_command_line_names_the_closest_organisation_and_the_option(cast, tmp_path):
    out = io.StringIO()
    with pytest.raises(CommandError, match="名册有误"):
        call_command(
            "import-members",
            _file(tmp_path, _sheet()),
            org=cast.comm_a.code,
            user="comm_a_sec",
            stdout=out,
        )
    text = out.getvalue()
    assert "有 2 个党组织名称在系统中找不到" in text
    assert (
        "“第一楼栋支部”（第 3、4、5 行，共 3 行）：最接近的是“文化东路第一楼栋党支部”"
        '（编码 CA-B1）；如果是它，请加上 --map "第一楼栋支部=CA-B1"'
    ) in text
    assert "第 3 行\t所在支部" not in text  # listed once per name, not once per row
    assert not Member.objects.filter(name__startswith="导入").exists()


def test_the_command_line_maps_remembers_and_does_not_duplicate(cast, tmp_path):
    path = _file(tmp_path, _sheet())
    out = io.StringIO()
    call_command(
        "import-members",
        path,
        org="CA",
        user="comm_a_sec",
        map=["第一楼栋支部=CA-B1", "离退休支部=CA-B2"],
        dry_run=True,
        stdout=out,
    )
    assert "检查通过：共 6 行，将新建 6 名，已在册跳过 0 名" in out.getvalue()
    assert not OrgAlias.objects.exists()  # a dry run remembers nothing
    out = io.StringIO()
    call_command(
        "import-members",
        path,
        org="CA",
        user="comm_a_sec",
        map=["第一楼栋支部=CA-B1", "离退休支部=CA-B2"],
        stdout=out,
    )
    assert "本次指定：“第一楼栋支部” → 文化东路第一楼栋党支部（CA-B1）" in out.getvalue()
    assert "新建 6 名" in out.getvalue()
    assert set(OrgAlias.objects.values_list("written", "org__code")) == {
        ("第一楼栋支部", "CA-B1"),
        ("离退休支部", "CA-B2"),
    }
    out = io.StringIO()
    call_command("import-members", path, org="CA", user="comm_a_sec", stdout=out)
    assert "记住的对应：“第一楼栋支部”" in out.getvalue()
    assert "新建 0 名，已在册跳过 6 名" in out.getvalue()
    assert Member.objects.filter(name__startswith="导入").count() == 6


def test_the_command_line_reads_a_map_file(cast, tmp_path):
    mapfile = tmp_path / "对应.txt"
    mapfile.write_text("# 写法=编码\n第一楼栋支部=CA-B1\n\n离退休支部,CA-B2\n", encoding="gb18030")
    out = io.StringIO()
    call_command(
        "import-members",
        _file(tmp_path, _sheet()),
        org="CA",
        map_file=str(mapfile),
        stdout=out,
    )
    assert "新建 6 名" in out.getvalue()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("第一楼栋支部=NO-SUCH", "编码为 NO-SUCH 的党支部或社区党组织"),
        ("第一楼栋支部=CB-B1", "编码为 CB-B1 的党支部或社区党组织"),  # another community
        ("第一楼栋支部", "不是“表中写法=党组织编码”的形式"),
    ],
)
def test_a_bad_mapping_on_the_command_line_is_an_error_and_changes_nothing(
    cast, tmp_path, mapping, message
):
    audit_rows = AuditEntry.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command(
            "import-members",
            _file(tmp_path, _sheet()),
            org="CA",
            user="comm_a_sec",
            map=[mapping, "离退休支部=CA-B2"],
            stdout=io.StringIO(),
        )
    assert not Member.objects.filter(name__startswith="导入").exists()
    assert not OrgAlias.objects.exists() and AuditEntry.objects.count() == audit_rows
