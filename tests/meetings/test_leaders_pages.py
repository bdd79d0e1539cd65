"""County leaders linked to communities: links, quarterly visits and joint meetings against rule
council.county_leaders, the community page, the roll-up, recording a visit; access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from dangjian.accounts.models import Grant
from dangjian.core.access import forget_scope
from dangjian.core.models import AuditEntry
from dangjian.meetings import services, services_bodies
from dangjian.meetings.models import BodyKind, LeaderLink, Meeting, MeetingKind
from dangjian.meetings.selectors import leaders as sel
from dangjian.orgs.models import OrgKind
from tests.factories import make_org

from .factories import make_body, make_meeting
from .test_meetings_pages import count_queries

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 11, 23)


def client_as(user) -> Client:
    c = Client()
    c.force_login(user, backend="dangjian.accounts.backends.ModelBackend")
    return c


LINKED_SINCE = D(2024, 1, 1)


def link(community, name, since=LINKED_SINCE, **kw):
    return services_bodies.leader_link_add(
        community=community, name=name, since=since, acting_user=None, **kw
    )


def visit(community, day, leaders):
    return services_bodies.leader_visit_record(
        community=community, date=day, leaders=leaders, acting_user=None
    )


def joint(community, day, leaders, body=None):
    body = body or make_body(org=community, kind=BodyKind.JOINT)
    return make_meeting(
        org=community, kind=MeetingKind.COUNCIL, body=body, date=day, leaders=leaders
    )


@pytest.fixture
def three(cast):
    return [link(cast.comm_a, n, title="副县长") for n in ("王县长", "李部长", "赵主任")]


def test_a_visit_on_31_march_counts_for_the_first_quarter(cast, three):
    visit(cast.comm_a, D(2025, 3, 31), three[:1])
    joint(cast.comm_a, D(2025, 2, 10), three[1:2])
    visit(cast.comm_a, D(2025, 4, 1), three[:1])
    data = sel.community_leaders(
        user=cast.comm_a_sec, community=cast.comm_a, year=2025, today=TODAY
    )
    q1, q2, q3, q4 = data.quarters
    assert (q1.visits, q1.meetings, q1.state) == (1, 1, "done")
    assert (q2.visits, q2.meetings, q2.state) == (1, 0, "short")
    assert q3.state == q4.state == "short"
    assert q2.shortfalls == ["参加联席会 0/1 次"]


def test_meetings_without_a_leader_or_of_another_kind_do_not_count(cast, three):
    body = make_body(org=cast.comm_a, kind=BodyKind.JOINT)
    joint(cast.comm_a, D(2025, 2, 10), [], body=body)  # no leader
    hearing = make_body(org=cast.comm_a, kind=BodyKind.HEARING, name="听证会")
    make_meeting(
        org=cast.comm_a, kind=MeetingKind.COUNCIL, body=hearing, date=D(2025, 2, 11), leaders=three
    )
    cancelled = visit(cast.comm_a, D(2025, 2, 12), three)
    services.meeting_update(meeting=cancelled, acting_user=None, cancelled=True)
    q1 = sel.community_leaders(
        user=cast.comm_a_sec, community=cast.comm_a, year=2025, today=TODAY
    ).quarters[0]
    assert (q1.visits, q1.meetings) == (0, 0)


def test_too_few_linked_leaders_make_the_quarter_short(cast, three):
    services_bodies.leader_link_end(link=three[0], until=D(2025, 5, 1), acting_user=None)
    for q in (D(2025, 2, 1), D(2025, 5, 2)):
        visit(cast.comm_a, q, three[1:2])
        joint(cast.comm_a, q, three[1:2])
    q1, q2, *_ = sel.community_leaders(
        user=cast.comm_a_sec, community=cast.comm_a, year=2025, today=TODAY
    ).quarters
    assert (q1.leaders, q1.state) == (3, "done")
    assert (q2.leaders, q2.state) == (2, "short")


def test_the_current_quarter_is_open_until_done_and_later_ones_not_yet_due(cast, three):
    data = sel.community_leaders(
        user=cast.comm_a_sec, community=cast.comm_a, year=2026, today=D(2026, 5, 1)
    )
    assert [q.state for q in data.quarters] == ["short", "open", "future", "future"]


def test_the_rollup_lists_communities_and_short_quarters(cast, three, django_assert_num_queries):
    visit(cast.comm_a, D(2025, 1, 5), three[:1])
    joint(cast.comm_a, D(2025, 1, 6), three[:1])
    rows = sel.leaders_rollup(user=cast.street_sec, org=cast.street_a, year=2025, today=TODAY)
    by_name = {r.community.name: r for r in rows}
    assert set(by_name) == {"文化东路社区党委", "团结路社区党总支"}
    assert [q.number for q in by_name["文化东路社区党委"].short] == [2, 3, 4]
    assert [q.number for q in by_name["团结路社区党总支"].short] == [1, 2, 3, 4]
    assert by_name["文化东路社区党委"].linked == 3


def test_the_rollup_costs_the_same_queries_for_5_and_50_communities(cast, client_for_street):
    def add(n):
        for i in range(n):
            c = make_org(parent=cast.street_a, kind=OrgKind.COMMUNITY_BRANCH, name=f"新社区{i}")
            ln = link(c, f"县领导{i}")
            visit(c, D(2025, 2, 1), [ln])

    add(3)
    c = client_for_street
    from tests.meetings.test_meetings_pages import count_queries

    url = "/meetings/leaders/rollup/?year=2025"
    c.get(url)
    n5 = count_queries(lambda: c.get(url))
    add(45)
    n50 = count_queries(lambda: c.get(url))
    assert n5 == n50
    assert "新社区44" in c.get(url).content.decode()


@pytest.fixture
def client_for_street(cast):
    return client_as(cast.street_sec)


def test_the_community_page_shows_leaders_and_quarters(cast, three):
    visit(cast.comm_a, D(2025, 3, 31), three[:1])
    html = client_as(cast.comm_a_sec).get(f"/meetings/leaders/?org={cast.comm_a.pk}&year=2025")
    text = html.content.decode()
    assert html.status_code == 200
    assert "王县长" in text and "副县长" in text
    assert 'data-quarter="1" data-state="short"' in text  # no joint meeting yet


def test_the_community_page_of_a_street_redirects_to_the_rollup(cast):
    r = client_as(cast.street_sec).get(f"/meetings/leaders/?org={cast.street_a.pk}")
    assert r.status_code == 302 and "/meetings/leaders/rollup/" in r["Location"]


def test_a_secretary_links_a_leader_and_ends_the_link_audited(cast):
    c = client_as(cast.comm_a_sec)
    r = c.post(
        f"/meetings/leaders/{cast.comm_a.pk}/links/new/",
        {"name": "钱县长", "title": "县委常委", "since": "2025-01-01"},
    )
    assert r.status_code == 302
    ln = LeaderLink.objects.get(name="钱县长")
    assert AuditEntry.objects.filter(object_id=str(ln.pk), action="create").exists()
    r = c.post(f"/meetings/leaders/links/{ln.pk}/end/", {"on": "2024-12-01"})
    assert "联系结束日期不能早于开始日期" in r.content.decode()
    r = c.post(f"/meetings/leaders/links/{ln.pk}/end/", {"on": "2025-06-30", "version": ln.version})
    assert r.status_code == 302
    ln.refresh_from_db()
    assert ln.until == D(2025, 6, 30)
    assert AuditEntry.objects.filter(object_id=str(ln.pk), action="update").exists()


def test_recording_a_visit_creates_a_leader_visit_meeting(cast, three):
    c = client_as(cast.comm_a_sec)
    r = c.post(
        f"/meetings/leaders/{cast.comm_a.pk}/visit/",
        {"date": "2025-03-31", "leaders": [three[0].pk, three[2].pk], "topic": ""},
    )
    assert r.status_code == 302
    m = Meeting.objects.get(kind=MeetingKind.LEADER_VISIT)
    assert (m.org, m.date, m.topic) == (cast.comm_a, D(2025, 3, 31), "县领导督导社区党建工作")
    assert sorted(m.leaders.values_list("name", flat=True)) == ["王县长", "赵主任"]


def test_a_visit_needs_a_leader_of_this_community(cast, three):
    other = link(cast.comm_b, "外社区领导")
    r = client_as(cast.comm_a_sec).post(
        f"/meetings/leaders/{cast.comm_a.pk}/visit/", {"date": "2025-03-31", "leaders": [other.pk]}
    )
    assert r.status_code == 200
    assert "只能选择联系本社区的县领导" in r.content.decode()
    r = client_as(cast.comm_a_sec).post(
        f"/meetings/leaders/{cast.comm_a.pk}/visit/", {"date": "2025-03-31"}
    )
    assert "请选择来督导的县领导" in r.content.decode()
    assert not Meeting.objects.filter(kind=MeetingKind.LEADER_VISIT).exists()


def test_another_community_gets_nothing(cast, three):
    c = client_as(cast.comm_b_sec)
    assert c.get(f"/meetings/leaders/?org={cast.comm_a.pk}").status_code == 404
    assert c.get(f"/meetings/leaders/rollup/?org={cast.street_a.pk}").status_code == 404
    assert c.get(f"/meetings/leaders/{cast.comm_a.pk}/visit/").status_code == 404
    assert (
        c.post(f"/meetings/leaders/links/{three[0].pk}/end/", {"on": "2025-06-30"}).status_code
        == 404
    )
    assert "王县长" not in c.get("/meetings/leaders/rollup/").content.decode()
    assert "王县长" not in c.get("/meetings/leaders/").content.decode()


def test_a_viewer_sees_but_cannot_record(cast, three):
    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    forget_scope(cast.outsider)
    c = client_as(cast.outsider)
    r = c.get(f"/meetings/leaders/?org={cast.comm_a.pk}")
    assert r.status_code == 200 and "王县长" in r.content.decode()
    assert "visit-form" not in r.content.decode()
    assert (
        c.post(
            f"/meetings/leaders/{cast.comm_a.pk}/visit/",
            {"date": "2025-03-31", "leaders": [three[0].pk]},
        ).status_code
        == 404
    )
    assert (
        c.post(
            f"/meetings/leaders/{cast.comm_a.pk}/links/new/", {"name": "x", "since": "2025-01-01"}
        ).status_code
        == 404
    )


def test_the_community_page_costs_the_same_queries_for_5_and_50_visits(cast):
    c = client_as(cast.comm_a_sec)
    url = f"/meetings/leaders/?org={cast.comm_a.pk}&year=2025"

    def add(n):
        links = [link(cast.comm_a, f"县领导{LeaderLink.objects.count()}") for _ in range(n)]
        for i, ln in enumerate(links):
            visit(cast.comm_a, D(2025, 1 + i % 12, 1), [ln])

    add(5)
    c.get(url)
    n5 = count_queries(lambda: c.get(url))
    add(45)
    assert count_queries(lambda: c.get(url)) == n5
