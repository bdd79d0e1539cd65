"""The dashboard page and API: who may open it, the drill-down links, the table under every
chart holding the chart's own numbers, and a query count that does not grow with the tree."""

from __future__ import annotations

import datetime as dt

import lxml.html
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.orgs.models import OrgKind
from tests.factories import make_member, make_org

from .conftest import fill_community, receive


def _html(response):
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content.decode())


def _cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def css(node, selector: str):
    """The few CSS selectors these tests use, as XPath (cssselect is not installed):
    space-separated steps of ``tag``, ``#id``, ``.class``, ``tag.class``."""
    path = "."
    for step in selector.split():
        tag, _, rest = step.partition("#") if "#" in step else (step, "", "")
        conds = []
        if rest:
            conds.append(f"@id='{rest}'")
        if "." in tag:
            tag, *classes = tag.split(".")
            conds += [_cls(c) for c in classes]
        test = f"*[local-name()='{tag}']" if tag else "*"
        path += "//" + test + "".join(f"[{c}]" for c in conds)
    return node.xpath(path)


# ---- access --------------------------------------------------------------------------------
def test_the_street_secretary_opens_the_street_by_default(cast, client_for):
    doc = _html(client_for(cast.street_sec).get("/dashboards/"))
    assert "东城街道党工委" in doc.findtext(".//h1")
    children = [a.text_content() for a in css(doc, "#dashboard-children a")]
    assert children == ["文化东路社区党委", "团结路社区党总支"]


def test_a_member_without_a_grant_gets_404_on_the_page_and_the_api(cast, client_for):
    c = client_for(cast.member_user)
    assert c.get("/dashboards/").status_code == 404
    assert c.get(f"/dashboards/?org={cast.branch_a.pk}").status_code == 404
    assert c.get(f"/api/v1/dashboards/?org={cast.branch_a.pk}").status_code == 404
    assert c.get("/api/v1/dashboards/").status_code == 404


def test_another_street_s_organisation_is_a_404_like_a_missing_one(cast, client_for):
    c = client_for(cast.street_sec)
    for org in (cast.comm_b, cast.street_b, cast.county):
        assert c.get(f"/dashboards/?org={org.pk}").status_code == 404
        assert c.get(f"/api/v1/dashboards/?org={org.pk}").status_code == 404
    assert c.get("/dashboards/?org=987654321").status_code == 404
    assert c.get("/dashboards/?org=abc").status_code == 404
    assert c.get("/dashboards/?org=99999999999999999999999").status_code == 404
    assert c.get("/api/v1/dashboards/?org=99999999999999999999999").status_code == 404
    assert c.get("/api/v1/dashboards/?org=abc").status_code == 400
    missing = c.get("/api/v1/dashboards/?org=987654321")
    forbidden = c.get(f"/api/v1/dashboards/?org={cast.comm_b.pk}")
    assert (missing.status_code, missing.json()) == (forbidden.status_code, forbidden.json())


def test_the_community_sees_only_itself_in_the_breadcrumb(cast, client_for):
    doc = _html(client_for(cast.comm_a_sec).get("/dashboards/"))
    crumbs = [li.text_content().strip() for li in css(doc, "#dashboard-crumbs li")]
    assert crumbs == ["文化东路社区党委"]
    assert (
        client_for(cast.comm_a_sec).get(f"/dashboards/?org={cast.street_a.pk}").status_code == 404
    )
    doc = _html(client_for(cast.street_sec).get(f"/dashboards/?org={cast.branch_a.pk}"))
    crumbs = [li.text_content().strip() for li in css(doc, "#dashboard-crumbs li")]
    assert crumbs == ["东城街道党工委", "文化东路社区党委", "文化东路第一楼栋党支部"]


def test_an_anonymous_visitor_logs_in_first(cast, client):
    r = client.get("/dashboards/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


# ---- drill-down and links ------------------------------------------------------------------
def test_the_links_drill_down_from_street_to_community_to_branch(cast, client_for):
    c = client_for(cast.street_sec)
    year = timezone.localdate().year
    doc = _html(c.get(f"/dashboards/?org={cast.street_a.pk}&year={year}"))
    link = css(doc, "#dashboard-children a")[0].get("href")
    assert link == f"/dashboards/?org={cast.comm_a.pk}&year={year}"
    doc = _html(c.get(link))
    links = [a.get("href") for a in css(doc, "#dashboard-children a")]
    assert f"/dashboards/?org={cast.branch_a.pk}&year={year}" in links
    doc = _html(c.get(f"/dashboards/?org={cast.branch_a.pk}&year={year}"))
    assert [a.text_content() for a in css(doc, "#dashboard-children a")] == ["1号楼1单元党小组"]


def test_every_figure_links_to_the_records_it_counts(cast, client_for):
    make_member(org=cast.branch_a, categories=("retired",))
    c = client_for(cast.street_sec)
    doc = _html(c.get(f"/dashboards/?org={cast.comm_a.pk}"))
    members = css(doc, "#table-members a")
    assert any(a.get("href") == f"/members/?org={cast.branch_a.pk}" for a in members)
    cats = css(doc, "#table-categories a")
    assert f"/members/?org={cast.comm_a.pk}&category=retired" in [a.get("href") for a in cats]
    # the bars link to the same pages as the table
    svg_links = {a.get("href") for a in css(doc, "#sec-members svg a")}
    assert f"/members/?org={cast.branch_a.pk}" in svg_links
    for href in svg_links | {a.get("href") for a in css(doc, ".chart-table a")}:
        assert c.get(href).status_code == 200, href


def test_a_year_outside_the_range_falls_back_to_this_year(cast, client_for):
    doc = _html(client_for(cast.street_sec).get(f"/dashboards/?org={cast.street_a.pk}&year=1900"))
    assert str(timezone.localdate().year) in doc.findtext(".//h1/span")


# ---- the table holds the chart's numbers ---------------------------------------------------
def _ints(nodes):
    return [int(n.text_content().strip()) for n in nodes]


def test_the_table_under_each_chart_has_the_numbers_of_the_chart(cast, client_for):
    year = timezone.localdate().year
    fill_community(cast.comm_a, year=year, n=2)
    fill_community(cast.comm_a2, year=year, n=1)
    receive(cast.comm_a, dt.date(year, 1, 5))  # still open
    doc = _html(client_for(cast.street_sec).get(f"/dashboards/?org={cast.street_a.pk}"))
    sections = css(doc, "section.chart-card")
    assert len(sections) >= 12
    checked = 0
    for sec in sections:
        svg = css(sec, "svg")
        if not svg:
            continue
        svg = svg[0]
        assert svg.get("role") == "img" and svg.get("aria-labelledby")
        assert css(sec, "table caption")
        assert "style" not in lxml.html.tostring(svg).decode().split(">")[0]
        stacked = bool(css(sec, "td.total"))
        on_chart = _ints(svg.xpath(".//*[local-name()='text'][contains(@class, 'total')]"))
        rows = css(sec, "table tbody tr")
        in_table = _ints([css(r, "td.total")[0] if stacked else css(r, "td.v")[0] for r in rows])
        assert on_chart == in_table, sec.get("id")
        labels = [t.text_content() for t in svg.xpath(".//*[local-name()='text'][@class='l']")]
        assert labels == [css(r, "th")[0].text_content() for r in rows], sec.get("id")
        parts = svg.xpath(".//*[local-name()='text'][@class='parts']")
        if stacked and "trend" not in sec.get("id"):  # the parts, written under each bar
            assert len(parts) == len(rows), sec.get("id")
            for p, r in zip(parts, rows, strict=True):
                numbers = [int(x) for x in p.text_content().split() if x.isdigit()]
                assert numbers == _ints(css(r, "td.v")), sec.get("id")
        checked += 1
    assert checked >= 12
    # and a few numbers by hand: comm_a has 2 members of fill + 张三, 2 units rated 3 stars
    members = {r[0].text_content(): r[1].text_content() for r in css(doc, "#table-members tr")[1:]}
    assert members["文化东路社区党委"] == "3" and members["团结路社区党总支"] == "1"
    stars = css(doc, "#table-stars tbody tr")[0]
    assert stars[0].text_content() == "文化东路社区党委"
    assert _ints(css(stars, "td.v")) == [0, 0, 2, 0, 0, 0]
    services = css(doc, "#table-services tbody tr")[0]
    assert _ints(css(services, "td.v")) == [2, 0, 1]


# ---- the API -------------------------------------------------------------------------------
def test_the_api_returns_the_same_figures_as_the_page(cast, client_for):
    year = timezone.localdate().year
    fill_community(cast.comm_a, year=year, n=2)
    c = client_for(cast.street_sec)
    data = c.get(f"/api/v1/dashboards/?org={cast.street_a.pk}&year={year}").json()
    assert data["org"]["id"] == cast.street_a.pk and data["year"] == year
    assert [x["id"] for x in data["children"]] == [cast.comm_a.pk, cast.comm_a2.pk]
    doc = _html(c.get(f"/dashboards/?org={cast.street_a.pk}&year={year}"))
    for chart in data["charts"]:
        rows = css(doc, f"#table-{chart['key']} tbody tr")
        assert [r["label"] for r in chart["rows"]] == [r[0].text_content() for r in rows]
        assert [r["values"] for r in chart["rows"]] == [_ints(css(r, "td.v")) for r in rows]
    assert data["members"] == 3


# ---- fast at city scale --------------------------------------------------------------------
def _count(c, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_children_or_the_records(cast, client_for):
    year = timezone.localdate().year
    for comm in (cast.comm_a, cast.comm_a2):
        fill_community(comm, year=year)
    c = client_for(cast.street_sec)
    page = f"/dashboards/?org={cast.street_a.pk}&year={year}"
    api = f"/api/v1/dashboards/?org={cast.street_a.pk}&year={year}"
    c.get(page)  # warm: session, caches
    two = (_count(c, page), _count(c, api))
    for i in range(4):  # six communities, more records in each
        comm = make_org(parent=cast.street_a, kind=OrgKind.COMMUNITY_COMMITTEE, name=f"新社区{i}")
        fill_community(comm, year=year, n=2)
    six = (_count(c, page), _count(c, api))
    assert two == six
    assert six[0] <= 30, six  # the figures: ~20 grouped queries, whatever the size
