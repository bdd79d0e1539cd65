"""Sheets that write organisation names their own way (第一楼栋支部 for 文化东路第一楼栋党支部):
each unknown name listed once with the closest organisation, mapped once, remembered for the next
import, deletable; a mapping outside one's part of the tree refused with nothing changed; the same
file imported twice creates nobody twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.orgs.models import OrgKind
from dangjian.roster import reader, services
from dangjian.roster.columns import detect
from dangjian.roster.models import OrgAlias

from ..factories import make_org
from .files import good_rows, xlsx

TODAY = dt.date(2026, 11, 24)


def run(cast, data, *, user=None, org=None, dry_run=False, names=None, remember=False):
    sheet = reader.read(data, "名册.xlsx")
    return services.import_rows(
        acting_user=user or cast.comm_a_sec,
        org=org or cast.comm_a,
        headers=sheet.headers,
        rows=sheet.rows,
        mapping=detect(sheet.headers),
        filename="名册.xlsx",
        header_row=sheet.header_row,
        dry_run=dry_run,
        today=TODAY,
        names=names,
        remember=remember,
    )


def sheet_with(*branches: str, n: int = 2) -> bytes:
    rows = []
    for k, branch in enumerate(branches):
        rows += good_rows(n, branch=branch, start=k * n)
    return xlsx(rows)


def test_an_unknown_name_is_listed_once_with_its_rows_and_the_closest_organisation(cast):
    out = run(cast, sheet_with("第一楼栋支部", "离退休支部", "不存在的支部", n=3))
    assert not out.ok and Member.objects.filter(name__startswith="导入").count() == 0
    assert out.unknown == {
        "第一楼栋支部": [3, 4, 5],
        "离退休支部": [6, 7, 8],
        "不存在的支部": [9, 10, 11],
    }
    assert out.suggested == {
        "第一楼栋支部": cast.branch_a,
        "离退休支部": cast.branch_a_2,
        "不存在的支部": None,
    }
    assert out.other_problems == []
    first = out.problems[0]
    assert first.org_name == "第一楼栋支部" and first.column == "所在支部"
    assert first.reason == (
        "“第一楼栋支部”不是文化东路社区党委下您负责的党支部或社区党组织。"
        "最接近的是“文化东路第一楼栋党支部”（编码 CA-B1）。"
    )


def test_a_name_with_and_without_community_and_party_is_matched(cast):
    second = make_org(
        parent=cast.comm_a,
        kind=OrgKind.BUILDING_BRANCH,
        name="文化东路社区第二楼栋党支部",
        code="CA-B3",
    )
    out = run(cast, sheet_with("文化东路第二楼栋支部"))
    assert out.suggested == {"文化东路第二楼栋支部": second}  # not 第一楼栋: numbers differ


def test_a_mapping_for_the_import_places_the_rows_and_the_dry_run_counts_them(cast):
    data = sheet_with("第一楼栋支部", "离退休支部", n=3)
    names = {"第一楼栋支部": cast.branch_a, "离退休支部": cast.branch_a_2}
    dry = run(cast, data, names=names, dry_run=True)
    assert dry.ok and (dry.to_create, dry.created, dry.skipped) == (6, 0, 0)
    assert dry.mapped == names and not Member.objects.filter(name__startswith="导入").exists()
    out = run(cast, data, names=names)
    assert out.ok and out.created == 6
    assert Member.objects.filter(org=cast.branch_a, name__startswith="导入").count() == 3
    assert Member.objects.filter(org=cast.branch_a_2, name__startswith="导入").count() == 3
    assert not OrgAlias.objects.exists()  # not asked to remember


def test_a_mapping_outside_ones_part_of_the_tree_is_refused_and_nothing_changes(cast):
    data = sheet_with("第一楼栋支部")
    audit_rows = AuditEntry.objects.count()
    for target in (cast.branch_b, cast.group_a):  # another community; a group holds no members
        with pytest.raises(ValidationError, match="第一楼栋支部.*以外的组织"):
            run(cast, data, names={"第一楼栋支部": target}, remember=True)
    with pytest.raises(ValidationError):
        # a branch secretary importing into their branch: the sister branch is outside
        run(
            cast,
            data,
            user=cast.branch_sec,
            org=cast.branch_a,
            names={"第一楼栋支部": cast.branch_a_2},
        )
    assert not Member.objects.filter(name__startswith="导入").exists()
    assert not OrgAlias.objects.exists() and AuditEntry.objects.count() == audit_rows


def test_remembered_mappings_are_used_by_the_next_import_which_creates_no_duplicates(cast):
    data = sheet_with("第一楼栋支部", n=4)
    first = run(cast, data, names={"第一楼栋支部": cast.branch_a}, remember=True)
    assert first.ok and first.created == 4
    alias = OrgAlias.objects.get()
    assert (alias.scope, alias.written, alias.org, alias.by) == (
        cast.comm_a,
        "第一楼栋支部",
        cast.branch_a,
        cast.comm_a_sec,
    )
    a = AuditEntry.objects.get(content_type__model="orgalias")
    assert (a.action, a.scope_path, a.actor) == ("create", cast.comm_a.path, cast.comm_a_sec)
    again = run(cast, data)
    assert again.ok and again.remembered == {"第一楼栋支部": cast.branch_a}
    assert (again.created, again.skipped) == (0, 4)
    assert Member.objects.filter(name__startswith="导入").count() == 4


def test_a_failed_or_dry_import_remembers_nothing(cast):
    rows = good_rows(3, branch="第一楼栋支部")
    rows[1][5] = "2099-1-1"
    run(cast, xlsx(rows), names={"第一楼栋支部": cast.branch_a}, remember=True)
    run(cast, sheet_with("第一楼栋支部"), names={"第一楼栋支部": cast.branch_a}, dry_run=True)
    assert not OrgAlias.objects.exists()


def test_remembering_a_name_again_points_it_elsewhere_and_is_audited(cast):
    services.alias_remember(
        acting_user=cast.comm_a_sec, scope=cast.comm_a, names={"一支部": cast.branch_a}
    )
    services.alias_remember(
        acting_user=cast.comm_a_sec, scope=cast.comm_a, names={" 一支部 ": cast.branch_a_2}
    )
    assert OrgAlias.objects.get().org == cast.branch_a_2
    change = AuditEntry.objects.get(content_type__model="orgalias", action="update")
    assert change.changes["org"] == {"before": cast.branch_a.pk, "after": cast.branch_a_2.pk}


def test_a_mapping_remembered_above_applies_below_and_never_in_another_community(cast):
    services.alias_remember(
        acting_user=cast.street_sec, scope=cast.street_a, names={"第一楼栋支部": cast.branch_a}
    )
    out = run(cast, sheet_with("第一楼栋支部"))  # comm_a_sec into 文化东路社区党委
    assert out.ok and out.remembered == {"第一楼栋支部": cast.branch_a}
    # the same words in community B mean nothing there: 迎宾路 has no such branch
    out = run(cast, sheet_with("第一楼栋支部"), user=cast.comm_b_sec, org=cast.comm_b)
    assert out.unknown and not out.remembered
    # a nearer mapping to elsewhere wins over the one above
    services.alias_remember(
        acting_user=cast.comm_a_sec, scope=cast.comm_a, names={"第一楼栋支部": cast.branch_a_2}
    )
    assert run(cast, sheet_with("第一楼栋支部"), dry_run=True).remembered == {
        "第一楼栋支部": cast.branch_a_2
    }


def test_a_mapping_into_another_community_cannot_be_remembered(cast):
    with pytest.raises(PermissionDenied):
        services.alias_remember(
            acting_user=cast.comm_b_sec, scope=cast.comm_a, names={"x支部": cast.branch_a}
        )
    with pytest.raises(ValidationError, match="以外的组织"):
        services.alias_remember(
            acting_user=cast.comm_a_sec, scope=cast.comm_a, names={"x支部": cast.branch_b}
        )
    with pytest.raises(ValidationError, match="为空或太长"):
        services.alias_remember(
            acting_user=cast.comm_a_sec, scope=cast.comm_a, names={"  ": cast.branch_a}
        )
    assert not OrgAlias.objects.exists()


def test_a_remembered_mapping_is_deleted_with_an_audit_row_by_its_community_only(cast):
    (alias,) = services.alias_remember(
        acting_user=cast.comm_a_sec, scope=cast.comm_a, names={"一支部": cast.branch_a}
    )
    with pytest.raises(PermissionDenied):
        services.alias_delete(acting_user=cast.comm_b_sec, alias=alias)
    services.alias_delete(acting_user=cast.comm_a_sec, alias=alias)
    assert not OrgAlias.objects.exists()
    gone = AuditEntry.objects.get(content_type__model="orgalias", action="delete")
    assert gone.changes["written"] == {"before": "一支部", "after": None}


def test_codes_are_resolved_within_the_users_part_of_the_tree_only(cast):
    got = services.resolve_codes(
        acting_user=cast.comm_a_sec, org=cast.comm_a, pairs={"一支部": " CA-B1 "}
    )
    assert got == {"一支部": cast.branch_a}
    with pytest.raises(ValidationError) as exc:
        services.resolve_codes(
            acting_user=cast.comm_a_sec,
            org=cast.comm_a,
            pairs={"一支部": "CB-B1", "二支部": "NO-SUCH", "三支部": "CA-B2"},
        )
    # missing and forbidden read the same
    assert exc.value.messages == [
        "对应“一支部=CB-B1”无效：文化东路社区党委下没有您负责的、编码为 CB-B1 的党支部或社区党组织。",
        "对应“二支部=NO-SUCH”无效：文化东路社区党委下没有您负责的、编码为 NO-SUCH 的党支部或社区党组织。",
    ]
