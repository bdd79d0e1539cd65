"""党组织基本情况及换届台帐 (.xlsx): the user's organisations with their committees and the next
election, filtered by organisation and by the period the election falls due in."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from dangjian.orgs.models import OrgKind

from ..factories import make_org
from .conftest import elect, same_queries_at_5_and_50

URL = "/orgs/export/"


def read(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    assert "spreadsheetml" in response["Content-Type"]
    raw = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(raw), read_only=True).active.iter_rows(values_only=True))


def by_name(rows: list[tuple]) -> dict[str, tuple]:
    return {r[0]: r for r in rows[2:]}


def test_it_lists_the_community_with_committees_and_the_next_election(cast, client_for):
    elect(cast.branch_a, 3, start=dt.date(2023, 3, 1), end=dt.date(2026, 2, 28))
    rows = read(client_for(cast.comm_a_sec).get(URL))
    assert rows[0][0].startswith("党组织基本情况及换届台帐")
    assert rows[1][:3] == ("党组织名称", "组织类型", "上级党组织")
    found = by_name(rows)
    assert set(found) == {
        "文化东路社区党委",
        "文化东路第一楼栋党支部",
        "文化东路离退休党支部",
        "1号楼1单元党小组",
    }
    b = found["文化东路第一楼栋党支部"]
    assert b[6] == "委员0" and b[7] == "委员1" and "委员2（组织委员）" in b[8]
    assert b[10].date() == dt.date(2023, 3, 1) and b[12].date() == dt.date(2026, 2, 28)
    assert found["文化东路离退休党支部"][13] == "没有在任书记、委员"


def test_an_organisation_narrows_it_to_its_subtree(cast, client_for):
    rows = read(client_for(cast.comm_a_sec).get(f"{URL}?org={cast.branch_a.pk}"))
    assert set(by_name(rows)) == {"文化东路第一楼栋党支部", "1号楼1单元党小组"}
    assert rows[0][0].startswith("文化东路第一楼栋党支部党组织基本情况及换届台帐")


def test_a_period_keeps_the_organisations_whose_election_falls_due_in_it(cast, client_for):
    elect(cast.branch_a, 1, start=dt.date(2022, 1, 1), end=dt.date(2026, 12, 31))
    elect(cast.branch_a_2, 1, start=dt.date(2024, 1, 1), end=dt.date(2028, 12, 31))
    c = client_for(cast.comm_a_sec)
    assert set(by_name(read(c.get(f"{URL}?year=2026")))) == {"文化东路第一楼栋党支部"}
    assert set(by_name(read(c.get(f"{URL}?from=2027-01-01&to=2029-01-01")))) == {
        "文化东路离退休党支部"
    }
    assert by_name(read(c.get(f"{URL}?year=2030"))) == {}


def test_the_street_sees_both_communities_and_another_community_gets_a_404(cast, client_for):
    names = set(by_name(read(client_for(cast.street_sec).get(URL))))
    assert {"东城街道党工委", "文化东路社区党委", "团结路社区党总支"} <= names
    assert "迎宾路社区党总支" not in names
    c = client_for(cast.comm_b_sec)
    assert c.get(f"{URL}?org={cast.comm_a.pk}").status_code == 404
    assert set(by_name(read(c.get(URL)))) == {"迎宾路社区党总支", "迎宾路第一党支部"}


def test_a_plain_member_and_an_outsider_get_the_404_of_a_missing_page(cast, client_for):
    # registers are for those who keep them; a member reads their own records on their pages
    for who in (cast.member_user, cast.outsider):
        for url in (URL, "/cobuild/units/export/", "/meetings/leaders/export/"):
            assert client_for(who).get(url).status_code == 404, (who, url)


def test_it_takes_the_same_queries_for_5_and_50_organisations(cast, client_for):
    made: list = []

    def grow(n: int) -> None:
        while len(made) < n:
            org = make_org(parent=cast.comm_a, kind=OrgKind.BRANCH, name=f"测试支部{len(made)}")
            elect(org, 2)
            made.append(org)

    same_queries_at_5_and_50(client_for(cast.comm_a_sec), URL, grow)
