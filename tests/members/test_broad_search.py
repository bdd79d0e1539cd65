"""A common syllable over a county (issue 21 item 6): the FTS table does not serve it, so the
list is read in the order shown and stops after its page, and the matches are counted only up
to a cap — a window count would read and sort every match (200,000 members: "li" 870 → 47 ms).
A rare query still counts its few matches with the page, in one statement."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.members import paging, selectors

from .test_search_index import bulk_members, flush

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's"),
]


@pytest.fixture
def county(cast, monkeypatch):
    """The test city made to count as wide, "zhang" common (12 of the members) and a cap of 5."""
    monkeypatch.setattr(selectors, "DENSE_SHARE", 0.3)
    monkeypatch.setattr(selectors, "SMALL_SCOPE_ORGS", 0)
    monkeypatch.setattr(selectors, "WIDE_SCOPE_ORGS", 0)
    monkeypatch.setattr(paging.CappedPaginator, "cap", 5)
    flush()
    names = [f"张{c}" for c in "一二三四五六七八九十甲乙"] + ["欧阳修"]
    bulk_members(cast.branch_a, names, seed=21)
    flush()
    return cast


def _list(client, q):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/members/", {"q": q})
    assert response.status_code == 200
    return response.content.decode(), [c["sql"] for c in ctx.captured_queries]


def test_a_common_query_pages_in_order_and_counts_up_to_the_cap(county, client):
    client.force_login(county.admin)
    html, sqls = _list(client, "zhang")
    assert not any("OVER" in s for s in sqls), "no window count for a broad search"
    assert any("LIMIT 6" in s and "COUNT(*)" in s for s in sqls), sqls
    assert "超过 5 条" in html
    body = html.split('id="member-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr") == 5  # the first page of what the cap allows
    first = [m.name for m in selectors.members_visible(user=county.admin, q="zhang")[:5]]
    at = [body.index(name) for name in first]
    assert at == sorted(at)  # in the list's order


def test_a_rare_query_counts_exactly_with_the_page(county, client):
    client.force_login(county.admin)
    html, sqls = _list(client, "欧阳")
    assert any("OVER" in s for s in sqls), "the few matches counted with the page"
    assert "欧阳修" in html and "超过" not in html


def test_below_the_cap_a_common_query_says_how_many_exactly(county, client, monkeypatch):
    monkeypatch.setattr(paging.CappedPaginator, "cap", 100)
    client.force_login(county.admin)
    html, _sqls = _list(client, "zhang")
    found = selectors.members_visible(user=county.admin, q="zhang").count()
    assert found >= 12 and "超过" not in html
    assert f"共 {found} 条" in html or found <= 50  # one page: the pager is not shown


def test_an_outsider_finds_nobody_by_a_common_query(county, client):
    client.force_login(county.outsider)
    html, _sqls = _list(client, "zhang")
    assert "张一" not in html
