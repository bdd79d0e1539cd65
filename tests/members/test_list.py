"""The member list: filters, search by name / pinyin / initials / 繁體, sorting, paging, export."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dangjian.core.models import AuditEntry
from dangjian.members.models import Category, EventKind, Mode, Status
from dangjian.members.selectors import members_visible, ordering_for
from dangjian.members.services import member_record_event

from ..factories import make_member

D = dt.date


def found(user, **filters):
    return sorted(m.name for m in members_visible(user=user, **filters))


@pytest.fixture
def people(cast):
    mk = dict(joined_on=D(2010, 7, 1))
    return {
        "张三丰": make_member(org=cast.branch_a_2, name="张三丰", birth_date=D(1950, 2, 2), **mk),
        "章子怡": make_member(
            org=cast.branch_a,
            name="章子怡",
            birth_date=D(1979, 2, 9),
            gender="F",
            status=Status.PROBATIONARY,
            **mk,
        ),
        "欧阳娜": make_member(
            org=cast.branch_a,
            name="欧阳娜",
            birth_date=D(1985, 3, 3),
            categories=(Category.MOBILE, Category.DIFFICULTY),
            mode=Mode.DUAL,
            phone="13812345678",
            **mk,
        ),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("张三", ["张三", "张三丰"]),
        ("張三", ["张三", "张三丰"]),  # traditional characters
        ("zhangsan", ["张三", "张三丰"]),
        ("ZhangSan", ["张三", "张三丰"]),
        ("zhang", ["张三", "张三丰", "章子怡"]),  # full pinyin, any tone of zhang
        ("zs", ["张三", "张三丰"]),  # initials (zs is in zsf too)
        ("zsf", ["张三丰"]),
        ("ｚｓｆ", ["张三丰"]),  # full-width letters
        (" zhang san ", ["张三", "张三丰"]),
        ("oyn", ["欧阳娜"]),
        ("5678", ["欧阳娜"]),  # phone number
        ("王", []),
        ("100%", []),  # LIKE wildcards are matched literally
        ("_", []),
    ],
)
def test_the_search_box_finds_members_by_name_pinyin_initials_and_traditional_characters(
    cast, people, q, expected
):
    assert found(cast.comm_a_sec, q=q) == expected


def test_a_whole_id_number_finds_its_member(cast, people):
    from dangjian.core import crypto

    number = crypto.decrypt(people["章子怡"].id_cipher)
    assert found(cast.comm_a_sec, q=number.lower()) == ["章子怡"]
    assert found(cast.comm_b_sec, q=number) == []


def test_filters_narrow_the_list(cast, people):
    u = cast.comm_a_sec
    assert found(u) == ["张三", "张三丰", "欧阳娜", "章子怡"]
    assert found(u, org=cast.branch_a_2.pk) == ["张三丰"]
    assert found(u, org=cast.comm_a.pk) == found(u)
    assert found(u, status=Status.PROBATIONARY) == ["章子怡"]
    assert found(u, mode=Mode.DUAL) == ["欧阳娜"]
    assert found(u, category=Category.DIFFICULTY) == ["欧阳娜"]
    assert found(u, category=Category.RETIRED) == ["张三"]
    assert found(u, org=cast.branch_a.pk, q="zhang") == ["张三", "章子怡"]


def test_an_organisation_filter_outside_the_scope_shows_nothing(cast, people):
    assert found(cast.comm_a_sec, org=cast.branch_b.pk) == []
    assert found(cast.comm_a_sec, org=999999) == []


def test_the_list_shows_only_members_on_the_register_unless_asked(cast, people):
    m = people["张三丰"]
    member_record_event(member=m, kind=EventKind.DEATH, date=D(2022, 1, 1), acting_user=None)
    assert "张三丰" not in found(cast.comm_a_sec)
    assert found(cast.comm_a_sec, state="deceased") == ["张三丰"]
    assert "张三丰" in found(cast.comm_a_sec, state="all")


def test_sorting_follows_a_whitelist(cast, people):
    u = cast.comm_a_sec
    by_birth = [m.name for m in members_visible(user=u, sort="birth_date") if m.name in people]
    assert by_birth == ["张三丰", "章子怡", "欧阳娜"]
    desc = [m.name for m in members_visible(user=u, sort="-birth_date") if m.name in people]
    assert desc == by_birth[::-1]
    assert ordering_for("id_cipher") == ordering_for(None) == ("org__path", "name", "id")
    assert ordering_for("-org") == ("-org__path", "-name", "-id")
    assert ordering_for("--name") == ordering_for(None)


def test_the_page_filters_searches_and_sorts(cast, people, client_for):
    c = client_for(cast.comm_a_sec)
    html = c.get("/members/", {"q": "zs"}).content.decode()
    assert "张三" in html and "欧阳娜" not in html
    html = c.get("/members/", {"sort": "-birth_date"}).content.decode()
    assert html.index("欧阳娜") < html.index("张三丰")
    assert 'href="?sort=birth_date"' in html  # clicking again sorts the other way
    html = c.get("/members/", {"sort": "id_hash", "state": "nonsense", "org": "x"}).content
    assert "张三丰" in html.decode()  # unknown values fall back to the defaults


def test_the_list_pages_by_50(cast, client_for):
    from .conftest import add_members

    add_members(cast.branch_a, 55)
    c = client_for(cast.comm_a_sec)
    first = c.get("/members/").content.decode()
    assert first.count('href="/members/') - first.count('href="/members/new') >= 50
    assert "第 1 / 2 页，共 56 条" in first
    second = c.get("/members/", {"page": 2}).content.decode()
    assert "第 2 / 2 页" in second and second.count("<tr>") == 1 + 6


def test_the_list_issues_as_many_queries_for_50_members_as_for_5(
    cast, client_for, same_queries_at_5_and_50
):
    c = client_for(cast.comm_a_sec)

    def check(r):
        assert r.content.decode().count("<tr>") == 1 + 50

    same_queries_at_5_and_50(cast.branch_a, lambda: c.get("/members/"), check)


def test_a_search_issues_as_many_queries_for_50_members_as_for_5(
    cast, client_for, same_queries_at_5_and_50
):
    c = client_for(cast.street_sec)
    same_queries_at_5_and_50(cast.branch_a, lambda: c.get("/members/", {"q": "a"}))


def export_rows(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(ws.iter_rows(values_only=True))


def test_the_export_holds_the_filtered_list_with_chinese_headers_and_masked_ids(
    cast, people, client_for
):
    r = client_for(cast.comm_a_sec).get("/members/export/", {"category": "difficulty"})
    assert "attachment" in r["Content-Disposition"]
    rows = export_rows(r)
    assert rows[1] == (
        "姓名",
        "性别",
        "民族",
        "出生日期",
        "身份证号",
        "入党时间",
        "转正时间",
        "党员身份",
        "党员类别",
        "管理方式",
        "学历",
        "工作单位",
        "联系电话",
        "所在党组织",
    )
    (row,) = rows[2:]
    m = people["欧阳娜"]
    assert row[0] == "欧阳娜" and row[4] == m.id_masked and "*" * 10 in row[4]
    assert row[3] == dt.datetime(1985, 3, 3) and row[5] == dt.datetime(2010, 7, 1)
    assert row[7] == "正式党员" and row[8] == "困难、流动" and row[9] == "在职党员（双重管理）"
    assert row[12] == "13812345678" and row[13] == cast.branch_a.name


def test_the_export_is_recorded_in_the_audit_for_the_community(cast, people, client_for):
    client_for(cast.comm_a_sec).get("/members/export/", {"q": "zhang"})
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == cast.comm_a_sec and entry.changes["rows"] == 3
    assert entry.changes["filters"]["q"] == "zhang" and entry.scope_path == cast.comm_a.path
    assert not AuditEntry.objects.visible_to(cast.comm_b_sec).filter(action="export").exists()


def test_the_export_issues_as_many_queries_for_50_members_as_for_5(
    cast, client_for, same_queries_at_5_and_50
):
    c = client_for(cast.comm_a_sec)

    def check(rows):
        assert len(rows) == 2 + 51

    same_queries_at_5_and_50(cast.branch_a, lambda: export_rows(c.get("/members/export/")), check)


def test_a_search_counts_its_matches_with_the_page_and_pages_by_50(cast, client_for):
    for i in range(55):
        make_member(
            org=cast.branch_a,
            name="测试员",
            birth_date=D(1960, 1, 1) + dt.timedelta(days=3 * i),
            joined_on=D(2000, 7, 1),
        )
    c = client_for(cast.comm_a_sec)
    first = c.get("/members/", {"q": "ceshi"}).content.decode()
    assert "第 1 / 2 页，共 55 条" in first and first.count("测试员") == 50
    second = c.get("/members/", {"q": "csy", "page": 2}).content.decode()
    assert "第 2 / 2 页，共 55 条" in second and second.count("测试员") == 5
    beyond = c.get("/members/", {"q": "csy", "page": 9}).content.decode()
    assert "第 2 / 2 页" in beyond  # past the end: the last page
    assert "没有符合条件的党员" in c.get("/members/", {"q": "nobody"}).content.decode()
    api = c.get("/api/v1/members/", {"q": "ceshi", "limit": 20, "offset": 40}).json()
    assert api["count"] == 55 and len(api["items"]) == 15
    api = c.get("/api/v1/members/", {"q": "ceshi", "offset": 100}).json()
    assert api["count"] == 55 and api["items"] == []
