"""Roster import: every messy case of a real sheet, all-or-nothing with the bad row reported,
re-importing without duplicates, an export imported back, 10,000 rows at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.members.models import Member, MemberEvent
from dangjian.roster import reader, services
from dangjian.roster.columns import detect

from .files import good_rows, person_id, xlsx

TODAY = dt.date(2026, 11, 24)


def run(cast, data, *, user=None, org=None, filename="名册.xlsx", dry_run=False):
    sheet = reader.read(data, filename)
    return services.import_rows(
        acting_user=user or cast.comm_a_sec,
        org=org or cast.comm_a,
        headers=sheet.headers,
        rows=sheet.rows,
        mapping=detect(sheet.headers),
        filename=filename,
        header_row=sheet.header_row,
        dry_run=dry_run,
        today=TODAY,
    )


def test_a_messy_sheet_is_read_as_people_typed_it(cast):
    b1, b2, b3 = dt.date(1985, 3, 1), dt.date(1962, 11, 20), dt.date(1990, 7, 15)
    rows = [
        [
            1,
            " 王 一 ",
            "男",
            "1985.03",
            person_id(b1, "M", 1).replace("1", "１", 2),
            "2010.7",
            "大学本科",
            13900001111.0,
            "1号楼",
            "在职",
            "文化东路第一楼栋党支部",
        ],
        [
            2,
            "李二",
            "女",
            "1962年11月20日",
            person_id(b2, "F", 2).lower(),
            30000,
            "中专",
            "",
            "",
            "离退休、困难",
            "CA-B1",
        ],
        [
            3,
            "张三丰",
            "",
            "",
            person_id(b3, "M", 3),
            "2015-6-1",
            "研究生",
            " 13900003333 ",
            "",
            "",
            "文化东路离退休党支部",
        ],
        [None, None, None, None, None, None, None, None, None, None, None],
    ]
    out = run(cast, xlsx(rows))
    assert out.ok, out.problems
    assert (out.created, out.skipped) == (3, 0)
    wang = (
        Member.objects.get(name="王一")
        if Member.objects.filter(name="王一").exists()
        else Member.objects.get(name="王 一")
    )
    assert (
        wang.birth_date == b1
        and wang.joined_on == dt.date(2010, 7, 1)
        and wang.education == "bachelor"
    )
    assert wang.phone == "13900001111"
    li = Member.objects.get(name="李二")
    assert li.joined_on == dt.date(1982, 2, 18)  # Excel serial 30000
    assert sorted(li.categories.values_list("category", flat=True)) == ["difficulty", "retired"]
    zhang = Member.objects.get(name="张三丰")
    assert (zhang.gender, zhang.birth_date, zhang.org) == ("M", b3, cast.branch_a_2)  # from the ID
    assert MemberEvent.objects.filter(member=zhang, kind="registered").count() == 1


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({4: "110101198503011239"}, "公民身份号码", "校验位"),
        ({3: "1985.04"}, "出生年月", "出生日期与身份证号不一致"),
        ({2: "女"}, "性别", "性别与身份证号不一致"),
        ({5: "2099-1-1"}, "入党日期", "不能晚于今天"),
        ({5: "1995-1-1"}, "入党日期", "不满 18 周岁"),
        ({5: "去年"}, "入党日期", "无法识别的日期"),
        ({10: "不存在的支部"}, "所在支部", "不是文化东路社区党委下您负责的"),
        ({6: "扫盲班"}, "文化程度", "无法识别的学历"),
        ({1: ""}, "姓名", "姓名为空"),
    ],
)
def test_one_bad_row_among_many_is_reported_and_nothing_is_imported(cast, change, column, reason):
    rows = good_rows(30, branch="文化东路第一楼栋党支部")
    birth = dt.date(1985, 3, 1)
    bad = [
        99,
        "坏行",
        "男",
        "1985.03",
        person_id(birth, "M", 99),
        "2010-1-1",
        "本科",
        "",
        "",
        "在职",
        "文化东路第一楼栋党支部",
    ]
    for i, v in change.items():
        bad[i] = v
    rows.insert(17, bad)
    before = Member.objects.count()
    out = run(cast, xlsx(rows))
    assert not out.ok and Member.objects.count() == before
    assert [(p.row, p.column) for p in out.problems] == [(2 + 18, column)]  # title line, headers
    assert reason in out.problems[0].reason


def test_duplicates_within_the_file_and_of_someone_else_are_reported(cast):
    rows = good_rows(3, branch="文化东路第一楼栋党支部")
    rows.append(list(rows[0]))
    rows[-1][1] = "另一个人"
    out = run(cast, xlsx(rows))
    assert [p.reason for p in out.problems] == ["与第 3 行的身份证号重复。"]
    other = good_rows(1, branch="文化东路第一楼栋党支部", start=500)
    run(cast, xlsx(other))
    other[0][1] = "改了名字"
    out = run(cast, xlsx(other))
    assert "与已在册党员重复" in out.problems[0].reason


def test_reimporting_the_same_file_creates_no_duplicates(cast):
    data = xlsx(good_rows(20, branch="文化东路第一楼栋党支部"))
    assert run(cast, data).created == 20
    again = run(cast, data)
    assert again.ok and (again.created, again.skipped) == (0, 20)
    assert Member.objects.filter(name__startswith="导入").count() == 20


def test_an_export_imports_back_without_duplicates(cast, client_for):

    run(cast, xlsx(good_rows(5, branch="文化东路第一楼栋党支部")))
    r = client_for(cast.comm_a_sec).get(f"/members/export/?org={cast.comm_a.pk}")
    data = b"".join(r.streaming_content)
    out = run(cast, data, filename="export.xlsx")
    assert out.ok, out.problems
    assert (
        out.created == 0
        and out.skipped == Member.objects.filter(org__path__startswith=cast.comm_a.path).count()
    )


def test_a_csv_in_gb18030_is_read(cast):
    birth = dt.date(1980, 5, 5)
    text = (
        "姓名,身份证号,入党时间,所在党组织\n赵四,"
        + person_id(birth, "M", 7)
        + ",2005/6/1,文化东路第一楼栋党支部\n"
    )
    out = run(cast, text.encode("gb18030"), filename="名册.csv")
    assert out.ok and out.created == 1


def test_nobody_imports_into_another_community(cast):
    with pytest.raises(PermissionDenied):
        run(cast, xlsx(good_rows(2, branch="迎宾路第一党支部")), user=cast.comm_b_sec)
    out = run(cast, xlsx(good_rows(2, branch="迎宾路第一党支部")))
    assert not out.ok and all(p.column == "所在支部" for p in out.problems)


def test_ten_thousand_rows_in_one_import(cast):
    out = run(cast, xlsx(good_rows(10_000, branch="文化东路第一楼栋党支部")))
    assert out.ok and out.created == 10_000
    assert (
        MemberEvent.objects.filter(kind="registered", member__name__startswith="导入").count()
        == 10_000
    )


def test_imported_members_have_their_timeline_and_audit_like_any_other(cast):
    from dangjian.core.models import AuditEntry

    out = run(cast, xlsx(good_rows(2, branch="文化东路第一楼栋党支部")))
    m = Member.objects.get(name="导入00000")
    e = m.events.get()
    assert (e.kind, e.date, e.categories, e.org) == (
        "registered",
        m.joined_on,
        ["retired"],
        cast.branch_a,
    )
    assert e.recorded_at is not None and e.recorded_by == cast.comm_a_sec
    a = AuditEntry.objects.get(object_id=str(m.pk), action="create", content_type__model="member")
    assert (
        a.at is not None
        and a.changes["name"]["after"] == "导入00000"
        and a.scope_path == cast.branch_a.path
    )
    assert out.run.created == 2 and m.version == 1 and m.created_at is not None


def test_an_imported_members_audit_says_what_the_generic_audit_would(cast):
    """The bulk path builds the audit changes directly (for speed); they must be exactly those
    of ``audit.diff({}, audit.snapshot(member))``, secrets masked."""
    from dangjian.core import audit
    from dangjian.core.models import AuditEntry

    run(cast, xlsx(good_rows(1, branch="文化东路第一楼栋党支部")))
    m = Member.objects.get(name="导入00000")
    a = AuditEntry.objects.get(object_id=str(m.pk), action="create", content_type__model="member")
    assert a.changes == audit.diff({}, audit.snapshot(m))
    assert a.changes["id_cipher"] == {"before": "***", "after": "***(已修改)"}
