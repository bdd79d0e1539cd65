"""The cadence roll-up grouped by community (issue 20 item 9): a folding card per community
with its subtotals, worst first inside each, filters and sorting still working, the export
with a community column, a community secretary seeing their one community, and the queries
the same for a few organisations and for many."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.meetings import cadence as cad
from dangjian.meetings.models import MeetingKind
from dangjian.meetings.selectors.cadence import _sort_key, cadence_rollup
from dangjian.orgs.models import Organisation, OrgKind
from tests.factories import make_org
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db
D = dt.date
ROLLUP = "/meetings/cadence/rollup/"


def _not_yet(org: Organisation) -> None:
    """Established after today: nothing is due yet, the organisation is green."""
    later = timezone.localdate() + dt.timedelta(days=30)
    Organisation.objects.filter(pk=org.pk).update(established_on=later)


def _details(html: str) -> dict[str, bool]:
    """Each community card of the page: its name and whether it is open."""
    out = {}
    for attrs, summary in re.findall(
        r'<details class="cadence-group[^"]*"([^>]*)>\s*<summary[^>]*>\s*<span[^>]*>([^<]+)</span>',
        html,
    ):
        out[summary.strip()] = " open" in attrs
    return out


def test_a_street_sees_a_card_per_community_with_subtotals_overdue_ones_open(cast, client_for):
    _not_yet(cast.comm_a2)
    r = client_for(cast.street_sec).get(f"{ROLLUP}?org={cast.street_a.pk}")
    assert r.status_code == 200
    groups = r.context["result"].groups
    assert [g.org for g in groups] == [cast.street_a, cast.comm_a, cast.comm_a2]
    own, a, a2 = groups
    assert own.own and not a.own and not a2.own
    assert {r.org for r in own.rows} == {cast.street_a}
    assert {r.org for r in a.rows} == {cast.comm_a, cast.branch_a, cast.branch_a_2, cast.group_a}
    assert a.count == 4 and a.totals[cad.RED] == 4  # nothing held this year
    assert a2.totals == {cad.RED: 0, cad.AMBER: 0, cad.GREEN: 1} and a2.behind == 0
    html = r.content.decode()
    assert _details(html) == {
        "东城街道党工委本级及直属组织": True,
        "文化东路社区党委": True,  # overdue: open
        "团结路社区党总支": False,  # all on time: folded
    }
    assert "共 4 个组织" in html and "逾期 4" in html and "按时 1" in html
    # each card's table is inside its card; a link narrows the page to that community
    assert f'href="{ROLLUP}?org={cast.comm_a.pk}&year=' in html
    assert "迎宾路" not in html  # another town's community
    # the page's stylesheet and the script that opens every card before printing
    assert "dangjian/css/cadence.css" in html and "dangjian/cadence.js" in html
    assert "<script>" not in html and 'style="' not in html


def test_worst_first_inside_each_community_and_the_sort_applies_inside(cast, client_for):
    # branch_a holds its theme day every month so far: fewer periods overdue than the others
    today = timezone.localdate()
    for month in range(1, today.month + 1):
        make_meeting(org=cast.branch_a, kind=MeetingKind.THEME_DAY, date=D(today.year, month, 1))
    c = client_for(cast.street_sec)
    for sort in ("light", "-overdue", "-due", "name"):
        result = c.get(f"{ROLLUP}?org={cast.street_a.pk}&sort={sort}").context["result"]
        key = _sort_key(sort)
        paths = [g.org.path for g in result.groups]
        assert paths == sorted(paths)  # the communities in tree order
        for g in result.groups:
            assert [key(r) for r in g.rows] == sorted(key(r) for r in g.rows), sort
    a = c.get(f"{ROLLUP}?org={cast.street_a.pk}").context["result"].groups[1]
    assert a.rows[-1].org == cast.branch_a  # the fewest overdue last
    by_name = c.get(f"{ROLLUP}?org={cast.street_a.pk}&sort=name").context["result"].groups[1]
    assert [r.org for r in by_name.rows][:2] == [cast.comm_a, cast.branch_a]


def test_a_filter_keeps_the_communities_with_such_rows_and_their_full_subtotals(cast, client_for):
    _not_yet(cast.comm_a2)
    c = client_for(cast.street_sec)
    green = c.get(f"{ROLLUP}?org={cast.street_a.pk}&light=green")
    (only,) = green.context["result"].groups
    assert only.org == cast.comm_a2 and only.totals[cad.GREEN] == 1
    red = c.get(f"{ROLLUP}?org={cast.street_a.pk}&light=red")
    groups = red.context["result"].groups
    assert cast.comm_a2 not in [g.org for g in groups]
    # a picked state opens every card: the rows asked for are on screen
    assert all(_details(red.content.decode()).values())
    none = c.get(f"{ROLLUP}?org={cast.street_a.pk}&light=amber")
    assert none.context["result"].groups == [] and "没有符合条件的组织。" in none.content.decode()


def test_a_community_secretary_sees_their_one_community_open(cast, client_for):
    r = client_for(cast.comm_a_sec).get(ROLLUP)
    html = r.content.decode()
    assert _details(html) == {"文化东路社区党委": True}
    assert "本级及直属" not in html and "团结路" not in html and "迎宾路" not in html
    (g,) = r.context["result"].groups
    assert g.org == cast.comm_a and g.count == 4 and not g.own
    # a branch's roll-up: the branch alone, named plainly
    b = client_for(cast.branch_sec).get(f"{ROLLUP}?org={cast.branch_a.pk}").content.decode()
    assert _details(b) == {"文化东路第一楼栋党支部": True}


def test_a_community_cut_by_the_page_says_it_goes_on(cast, client_for):
    for i in range(55):
        make_org(parent=cast.comm_a2, kind=OrgKind.GROUP, name=f"测试小组{i:02d}")
    c = client_for(cast.street_sec)
    first = c.get(f"{ROLLUP}?org={cast.street_a.pk}").context["result"]
    second = c.get(f"{ROLLUP}?org={cast.street_a.pk}&page=2")
    assert [g.org for g in first.groups][-1] == cast.comm_a2
    (g,) = second.context["result"].groups
    assert g.org == cast.comm_a2 and g.continued and g.count == 56 and len(g.rows) == 11
    assert "（接上页）" in second.content.decode()
    assert not first.groups[0].continued


def _sheets(response) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_the_export_has_a_community_column_and_a_sheet_of_subtotals(cast, client_for):
    _not_yet(cast.comm_a2)
    r = client_for(cast.street_sec).get(f"{ROLLUP}export/?org={cast.street_a.pk}")
    sheets = _sheets(r)
    rows = sheets["按期召开情况"]
    head = list(rows[2])
    assert head[:2] == ["所属社区", "党组织"]
    body = {row[1]: row[0] for row in rows[3:]}
    assert body == {
        "东城街道党工委": "东城街道党工委",
        "文化东路社区党委": "文化东路社区党委",
        "文化东路第一楼栋党支部": "文化东路社区党委",
        "文化东路离退休党支部": "文化东路社区党委",
        "1号楼1单元党小组": "文化东路社区党委",
        "团结路社区党总支": "团结路社区党总支",
    }
    # grouped as on the page: one community's rows together
    order = [row[0] for row in rows[3:]]
    assert order == sorted(order, key=order.index) and len(set(order)) == 3
    assert [row[0] for row in rows[3:]].count("文化东路社区党委") == 4
    sums = sheets["按社区小计"]
    assert list(sums[0]) == ["所属社区", "组织数", "有逾期", "本期待开", "按时召开"]
    by_name = {row[0]: row[1:] for row in sums[1:]}
    assert by_name["文化东路社区党委"] == (4, 4, 0, 0)
    assert by_name["团结路社区党总支"] == (1, 0, 0, 1)
    # a community secretary's export: their community only
    mine = _sheets(client_for(cast.comm_a_sec).get(f"{ROLLUP}export/"))
    assert {row[0] for row in mine["按期召开情况"][3:]} == {"文化东路社区党委"}


def test_the_selector_without_grouping_keeps_its_former_order(cast):
    today = timezone.localdate()
    flat = cadence_rollup(user=cast.street_sec, root=cast.street_a, year=today.year, today=today)
    assert flat.groups == []
    key = _sort_key("light")
    assert [key(r) for r in flat.rows] == sorted(key(r) for r in flat.rows)
    assert all(r.community is not None for r in flat.rows)


# ---- queries constant in the organisations -----------------------------------------------------
def _grow(cast, communities: int, branches: int) -> None:
    for i in range(communities):
        comm = make_org(
            parent=cast.street_a, kind=OrgKind.COMMUNITY_COMMITTEE, name=f"增长社区{i:02d}"
        )
        for j in range(branches):
            org = make_org(parent=comm, kind=OrgKind.BRANCH, name=f"增长社区{i:02d}第{j}支部")
            if j % 2:
                make_meeting(org=org, kind=MeetingKind.THEME_DAY, date=timezone.localdate())


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
        assert r.status_code == 200
        if getattr(r, "streaming", False):
            b"".join(r.streaming_content)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [ROLLUP + "?org={s}", ROLLUP + "export/?org={s}"])
def test_the_queries_do_not_grow_with_organisations_or_communities(cast, client_for, url):
    url = url.format(s=cast.street_a.pk)
    c = client_for(cast.street_sec)
    _grow(cast, 2, 2)
    few = _count(c, url)
    _grow(cast, 6, 8)
    assert _count(c, url) == few
