"""Rule council.county_leaders counted per leader: each linked leader, each quarter, visits and
joint meetings — at the boundaries of the number and of the quarter."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.meetings.selectors import leaders as sel

from .test_leaders_pages import client_as, joint, link, visit

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 11, 23)


def _rows(cast, year=2026):
    data = sel.community_leaders(user=cast.admin, community=cast.comm_a, year=year, today=TODAY)
    return {r.link.name: r for r in data.leader_rows}


def _q(row, n):
    return row.quarters[n - 1]


def test_a_leader_without_a_visit_in_a_past_quarter_is_short_and_one_meets_it(cast):
    wang = link(cast.comm_a, "王县长")
    li = link(cast.comm_a, "李部长")
    visit(cast.comm_a, D(2026, 2, 1), [wang])
    joint(cast.comm_a, D(2026, 2, 2), [wang, li])
    rows = _rows(cast)
    assert (_q(rows["王县长"], 1).visits, _q(rows["王县长"], 1).meetings) == (1, 1)
    assert _q(rows["王县长"], 1).state == "done"
    assert (_q(rows["李部长"], 1).visits, _q(rows["李部长"], 1).meetings) == (0, 1)
    assert _q(rows["李部长"], 1).state == "short"


def test_two_visits_are_over_the_rule_and_still_done(cast):
    wang = link(cast.comm_a, "王县长")
    visit(cast.comm_a, D(2026, 4, 1), [wang])
    visit(cast.comm_a, D(2026, 5, 1), [wang])
    joint(cast.comm_a, D(2026, 5, 2), [wang])
    q2 = _q(_rows(cast)["王县长"], 2)
    assert q2.visits == 2 and q2.state == "done"


def test_a_visit_on_the_last_day_of_a_quarter_counts_for_that_quarter(cast):
    wang = link(cast.comm_a, "王县长")
    visit(cast.comm_a, D(2026, 3, 31), [wang])
    visit(cast.comm_a, D(2026, 4, 1), [wang])
    row = _rows(cast)["王县长"]
    assert (_q(row, 1).visits, _q(row, 2).visits) == (1, 1)


def test_with_a_locality_rule_of_two_visits_one_is_short(cast, override):
    override({"orgs": {"CA": {"council.county_leaders": {"visits_per_quarter": 2}}}})
    wang = link(cast.comm_a, "王县长")
    visit(cast.comm_a, D(2026, 2, 1), [wang])
    joint(cast.comm_a, D(2026, 2, 2), [wang])
    assert _q(_rows(cast)["王县长"], 1).state == "short"
    visit(cast.comm_a, D(2026, 3, 1), [wang])
    assert _q(_rows(cast)["王县长"], 1).state == "done"


def test_quarters_before_the_link_began_are_not_counted_against_the_leader(cast):
    link(cast.comm_a, "新县长", since=D(2026, 7, 15))
    row = _rows(cast)["新县长"]
    assert [q.state for q in row.quarters] == ["na", "na", "short", "open"]


def test_the_page_shows_each_leader_red_where_short(cast):
    wang = link(cast.comm_a, "王县长")
    visit(cast.comm_a, D(2026, 2, 1), [wang])
    text = client_as(cast.comm_a_sec).get(f"/meetings/leaders/?org={cast.comm_a.pk}").content
    text = text.decode()
    assert 'id="per-leader"' in text and "王县长" in text and "text-bg-danger" in text
    assert "督导 1 · 参会 0" in text


# ---- the roll-up: each leader of each community -------------------------------------------
def _rollup(cast, year=2026):
    rows = sel.leaders_rollup(user=cast.street_sec, org=cast.street_a, year=year, today=TODAY)
    return {r.community.name: r for r in rows}


def test_the_rollup_counts_each_leaders_own_visits_and_joint_meetings(cast):
    wang = link(cast.comm_a, "王县长")
    li = link(cast.comm_a, "李部长")
    visit(cast.comm_a, D(2026, 2, 1), [wang, li])
    joint(cast.comm_a, D(2026, 2, 2), [wang])
    visit(cast.comm_a, D(2026, 3, 31), [wang])  # last day of Q1
    visit(cast.comm_a, D(2026, 4, 1), [li])  # first day of Q2
    row = _rollup(cast)["文化东路社区党委"]
    by_name = {lr.link.name: lr for lr in row.leader_rows}
    assert (_q(by_name["王县长"], 1).visits, _q(by_name["王县长"], 1).meetings) == (2, 1)
    assert _q(by_name["王县长"], 1).state == "done"
    assert (_q(by_name["李部长"], 1).visits, _q(by_name["李部长"], 1).meetings) == (1, 0)
    assert _q(by_name["李部长"], 1).state == "short"
    assert _q(by_name["李部长"], 2).visits == 1
    # the community's own quarter counts each meeting once, however many leaders took part
    assert (row.quarters[0].visits, row.quarters[0].meetings) == (2, 1)


def test_the_rollup_agrees_with_the_community_page_per_leader(cast):
    wang = link(cast.comm_a, "王县长")
    link(cast.comm_a, "新县长", since=D(2026, 7, 15))
    visit(cast.comm_a, D(2026, 5, 1), [wang])
    joint(cast.comm_a, D(2026, 5, 2), [wang])
    page = {r.link.name: [q.state for q in r.quarters] for r in _rows(cast).values()}
    rollup = {
        r.link.name: [q.state for q in r.quarters]
        for r in _rollup(cast)["文化东路社区党委"].leader_rows
    }
    assert page == rollup
    assert rollup["新县长"] == ["na", "na", "short", "open"]


def test_with_a_locality_rule_of_two_visits_the_rollup_shows_one_as_short(cast, override):
    override({"orgs": {"CA": {"council.county_leaders": {"visits_per_quarter": 2}}}})
    wang = link(cast.comm_a, "王县长")
    visit(cast.comm_a, D(2026, 2, 1), [wang])
    joint(cast.comm_a, D(2026, 2, 2), [wang])
    (lr,) = _rollup(cast)["文化东路社区党委"].leader_rows
    assert _q(lr, 1).state == "short"
    visit(cast.comm_a, D(2026, 3, 1), [wang])
    (lr,) = _rollup(cast)["文化东路社区党委"].leader_rows
    assert _q(lr, 1).state == "done"


def test_the_rollup_page_shows_each_leader_red_where_short(cast):
    wang = link(cast.comm_a, "王县长")
    visit(cast.comm_a, D(2026, 2, 1), [wang])
    c = client_as(cast.street_sec)
    text = c.get(f"/meetings/leaders/rollup/?org={cast.street_a.pk}&year=2026").content.decode()
    row = text[text.index('class="leader-rollup-row') :]
    row = row[: row.index("</tr>")]
    assert "王县长" in row and "督导 1 · 参会 0" in row
    first = row[row.index('data-quarter="1"') - 60 : row.index('data-quarter="1"') + 40]
    assert "text-bg-danger" in first and 'data-state="short"' in first


def test_the_rollup_is_three_queries_for_one_leader_or_fifty(cast, django_assert_num_queries):
    from dangjian.orgs.models import OrgKind
    from tests.factories import make_org

    wang = link(cast.comm_a, "王县长")
    visit(cast.comm_a, D(2026, 2, 1), [wang])
    _rollup(cast)  # the user's scope is read once and kept on the user
    # communities, their links, the held meetings with a row per leader taking part
    with django_assert_num_queries(3):
        _rollup(cast)
    for i in range(10):
        c = make_org(parent=cast.street_a, kind=OrgKind.COMMUNITY_BRANCH, name=f"新社区{i}")
        leaders = [link(c, f"县领导{i}-{j}") for j in range(5)]
        visit(c, D(2026, 2, 1), leaders)
        joint(c, D(2026, 2, 2), leaders[:3])
    with django_assert_num_queries(3):
        rows = _rollup(cast)
    assert sum(len(r.leader_rows) for r in rows.values()) == 51
    assert _q(rows["新社区9"].leader_rows[4], 1).state == "short"  # visited, no joint meeting
    assert _q(rows["新社区9"].leader_rows[0], 1).state == "done"
