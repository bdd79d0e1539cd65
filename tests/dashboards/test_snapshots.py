"""A county's dashboard is served from the figures the worker kept (``dashboards.snapshots``):
the very figures of the live count, a waiting page until the first count is done, old figures
shown while a new count is queued, 重新统计 for those who may see the county only, and figures
kept for one scope never shown to another."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dangjian.accounts.models import Grant
from dangjian.core.access import forget_scope
from dangjian.dashboards import charts, selectors, snapshots
from dangjian.dashboards.models import Snapshot
from dangjian.members.models import Category, Education
from dangjian.orgs.models import OrgKind
from tests.factories import make_member, make_org

from .conftest import fill_community, receive


def _page(cast) -> str:
    return f"/dashboards/?org={cast.county.pk}"


@pytest.fixture
def county_viewer(cast, django_user_model):
    """A viewer of the whole county (as 县委组织部 is)."""
    user = django_user_model.objects.create_user("county_viewer", password=None)
    Grant.objects.create(user=user, org=cast.county, role=Grant.Role.VIEWER)
    return user


@pytest.fixture
def filled(cast, today):
    """Records of every kind in all three communities, and members of every sort."""
    year = today.year
    fill_community(cast.comm_a, year=year, n=2)
    fill_community(cast.comm_a2, year=year)
    fill_community(cast.comm_b, year=year)
    receive(cast.comm_b, dt.date(year, 1, 5))  # still open
    for i, (birth, edu) in enumerate(
        [(dt.date(1950, 3, 1), Education.values[0]), (dt.date(1990, 7, 9), Education.values[-1])]
    ):
        make_member(
            org=cast.branch_b,
            name=f"王{i}",
            birth_date=birth,
            education=edu,
            categories=(Category.RETIRED, Category.IN_SERVICE)[: i + 1],
        )
    return cast


def _build(snapshot_id: int) -> dict:
    """What the worker does with the queued task."""
    s = Snapshot.objects.get(pk=snapshot_id)
    return snapshots.run_build(s.pk, s.attempt)


def _html(response):
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content.decode())


def _members_total(doc) -> list[str]:
    return [td.text_content() for td in doc.xpath("//table[@id='table-members']//td")]


# ---- the figures ---------------------------------------------------------------------------
def test_the_kept_figures_are_the_live_figures(filled, county_viewer, today):
    cast = filled
    s, queued = snapshots.request_build(user=county_viewer, org=cast.county, year=today.year)
    assert queued and s.state == "queued" and s.data is None
    assert _build(s.pk)["members"] == 8
    s.refresh_from_db()
    assert s.state == "idle" and s.built_at and s.build_seconds is not None
    live = selectors.dashboard(user=county_viewer, org=cast.county, year=today.year, today=today)
    kept = snapshots.load(s.data)
    assert kept == live
    # field by field, orders included (the rows of every chart), organisations by their fields
    assert snapshots.dump(kept) == snapshots.dump(live)
    assert [b.org.name for b in kept.buckets][:2] == ["东城街道党工委", "西山镇党委"]
    assert kept.categories == live.categories and sum(kept.ages.values()) == 8
    assert list(kept.education) == list(live.education)
    drawn = [[(r.label, r.values, r.urls, r.url) for r in c.rows] for c in charts.charts(kept)]
    assert drawn == [
        [(r.label, r.values, r.urls, r.url) for r in c.rows] for c in charts.charts(live)
    ]


def test_the_api_gives_the_kept_figures_with_their_time(filled, county_viewer, client_for, today):
    cast = filled
    c = client_for(county_viewer)
    api = f"/api/v1/dashboards/?org={cast.county.pk}"
    first = c.get(api).json()  # nothing kept yet: counted in the request, a build is queued
    assert first["as_of"] is None and first["members"] == 8
    _build(Snapshot.objects.get().pk)
    make_member(org=cast.branch_a)  # after the count: not in the kept figures
    kept = c.get(api).json()
    assert kept["as_of"] is not None and kept["members"] == 8
    assert kept["charts"] == first["charts"]


# ---- the page ------------------------------------------------------------------------------
def test_the_first_visit_waits_for_the_count_then_shows_it(filled, county_viewer, client_for):
    cast = filled
    c = client_for(county_viewer)
    doc = _html(c.get(_page(cast)))
    assert doc.xpath("//section[@id='dashboard-waiting']")
    poll = doc.xpath("//div[@id='dashboard-kept-status']")[0].get("hx-get")
    assert poll.startswith("/dashboards/status/?org=")
    assert not doc.xpath("//table[@id='table-members']")
    s = Snapshot.objects.get()
    assert s.state == "queued" and s.requested_by == county_viewer
    assert DBTaskResult.objects.filter(pk=s.task_id).exists()
    # a second visit queues nothing more
    c.get(_page(cast))
    assert DBTaskResult.objects.count() == 1

    r = c.get(poll)  # still counting: the fragment polls on, no reload
    assert r.status_code == 200 and "HX-Refresh" not in r
    _build(s.pk)
    r = c.get(poll)
    assert r["HX-Refresh"] == "true"
    doc = _html(c.get(_page(cast)))
    at = timezone.localtime(Snapshot.objects.get().built_at).strftime("%Y-%m-%d %H:%M")
    assert f"数据截至 {at}" in doc.xpath("string(//section[@id='dashboard-kept'])")
    assert doc.xpath("//button[@id='dashboard-refresh']")
    assert _members_total(doc) == ["4", "4"]  # 张三 and 3 of fill; 李四, 王0, 王1 and 1 of fill


def test_a_fresh_snapshot_is_read_in_a_few_queries_whatever_the_county(
    filled, county_viewer, client_for
):
    cast = filled
    c = client_for(county_viewer)
    c.get(_page(cast))
    _build(Snapshot.objects.get().pk)
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(_page(cast)).status_code == 200
    assert len(ctx.captured_queries) <= 8, [q["sql"][:80] for q in ctx.captured_queries]
    assert not any("COUNT(" in q["sql"] for q in ctx.captured_queries), ctx.captured_queries
    assert Snapshot.objects.get().state == "idle"  # nothing queued: the figures are fresh


def test_old_figures_are_shown_while_a_new_count_is_queued(filled, county_viewer, client_for):
    cast = filled
    c = client_for(county_viewer)
    c.get(_page(cast))
    _build(Snapshot.objects.get().pk)
    old = timezone.now() - dt.timedelta(minutes=snapshots.FRESH_MINUTES + 1)
    Snapshot.objects.update(built_at=old)
    make_member(org=cast.branch_a)
    doc = _html(c.get(_page(cast)))
    assert _members_total(doc) == ["4", "4"]  # the old figures, at once
    s = Snapshot.objects.get()
    assert s.state == "queued" and s.attempt == 2
    status = doc.xpath("//div[@id='dashboard-kept-status']")[0]
    assert status.get("hx-get") and "正在重新统计" in status.text_content()
    assert not doc.xpath("//button[@id='dashboard-refresh']")
    c.get(_page(cast))
    assert DBTaskResult.objects.count() == 2  # one for the first count, one for the refresh
    _build(s.pk)
    assert c.get(status.get("hx-get"))["HX-Refresh"] == "true"
    assert _members_total(_html(c.get(_page(cast)))) == ["5", "4"]


def test_an_interrupted_count_is_queued_again_on_the_next_visit(filled, county_viewer, client_for):
    cast = filled
    c = client_for(county_viewer)
    c.get(_page(cast))
    s = Snapshot.objects.get()
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Snapshot.objects.update(state="running", started_at=long_ago)  # the worker died
    c.get(_page(cast))
    s.refresh_from_db()
    assert s.state == "queued" and s.attempt == 2
    assert snapshots.run_build(s.pk, 1) == {"skipped": True}  # the dead attempt does nothing
    assert _build(s.pk)["members"] == 8


@pytest.mark.django_db(transaction=True)
def test_the_worker_counts_the_queued_snapshot(cast, county_viewer, client_for):
    c = client_for(county_viewer)
    c.get(_page(cast))
    call_command("worker", "--once", verbosity=0)
    s = Snapshot.objects.get()
    assert s.state == "idle" and s.data is not None
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert _members_total(_html(c.get(_page(cast)))) == ["1", "1"]


def test_a_street_is_counted_in_the_request(cast, client_for):
    doc = _html(client_for(cast.street_sec).get(f"/dashboards/?org={cast.street_a.pk}"))
    assert doc.xpath("//table[@id='table-members']")
    assert not doc.xpath("//section[@id='dashboard-kept']")
    assert not Snapshot.objects.exists() and not DBTaskResult.objects.exists()


# ---- 重新统计 ------------------------------------------------------------------------------
def test_refresh_queues_a_count_for_who_may_see_the_county(filled, county_viewer, client_for):
    cast = filled
    c = client_for(county_viewer)
    c.get(_page(cast))
    _build(Snapshot.objects.get().pk)
    r = c.post("/dashboards/refresh/", {"org": cast.county.pk, "year": timezone.localdate().year})
    assert r.status_code == 302 and r["Location"].startswith(f"/dashboards/?org={cast.county.pk}")
    s = Snapshot.objects.get()
    assert s.state == "queued" and s.attempt == 2
    r = c.post("/dashboards/refresh/", {"org": cast.county.pk}, follow=True)
    assert "正在统计中" in r.content.decode()
    assert Snapshot.objects.get().attempt == 2  # a count already queued is not queued again
    assert c.get("/dashboards/refresh/").status_code == 405


def test_refresh_needs_the_csrf_token(cast, county_viewer):
    c = Client(enforce_csrf_checks=True)
    c.force_login(county_viewer, backend="dangjian.accounts.backends.ModelBackend")
    assert c.post("/dashboards/refresh/", {"org": cast.county.pk}).status_code == 403
    assert not Snapshot.objects.exists()


def test_others_get_nothing_of_the_county(filled, county_viewer, client_for, django_user_model):
    cast = filled
    county_viewer_client = client_for(county_viewer)
    county_viewer_client.get(_page(cast))
    _build(Snapshot.objects.get().pk)
    year = timezone.localdate().year
    other_county = make_org(parent=None, kind=OrgKind.COUNTY, name="邻县县委")
    neighbour = django_user_model.objects.create_user("neighbour", password=None)
    Grant.objects.create(user=neighbour, org=other_county, role=Grant.Role.VIEWER)
    for who in (neighbour, cast.street_sec, cast.comm_b_sec, cast.member_user, cast.outsider):
        c = client_for(who)
        assert c.get(_page(cast)).status_code == 404, who
        assert c.get(f"/dashboards/status/?org={cast.county.pk}").status_code == 404, who
        r = c.post("/dashboards/refresh/", {"org": cast.county.pk, "year": year})
        assert r.status_code == 404, who
        assert c.get(f"/api/v1/dashboards/?org={cast.county.pk}").status_code == 404, who
    assert Snapshot.objects.get().attempt == 1 and DBTaskResult.objects.count() == 1
    anonymous = Client().post("/dashboards/refresh/", {"org": cast.county.pk})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


# ---- whose figures -------------------------------------------------------------------------
def test_figures_kept_for_a_wider_scope_are_never_shown_to_a_narrower_one(
    filled, county_viewer, client_for, monkeypatch, django_user_model
):
    cast = filled
    monkeypatch.setattr(snapshots, "SNAPSHOT_MEMBERS", 0)  # the streets are wide too
    street = f"/dashboards/?org={cast.street_a.pk}"
    county_c = client_for(county_viewer)
    county_c.get(street)
    _build(Snapshot.objects.get().pk)
    crumbs = _html(county_c.get(street)).xpath("string(//ol[@id='dashboard-crumbs'])")
    assert "示例县委" in crumbs
    # the street's secretary: another key, so their own count (and no county in the crumbs)
    sec = client_for(cast.street_sec)
    assert _html(sec.get(street)).xpath("//section[@id='dashboard-waiting']")
    assert Snapshot.objects.count() == 2
    mine = Snapshot.objects.get(requested_by=cast.street_sec)
    _build(mine.pk)
    crumbs = _html(sec.get(street)).xpath("string(//ol[@id='dashboard-crumbs'])")
    assert "示例县委" not in crumbs and "东城街道党工委" in crumbs
    # a second county viewer, with a grant below as well, has the first one's key: shared
    other = django_user_model.objects.create_user("county_viewer_2", password=None)
    Grant.objects.create(user=other, org=cast.county, role=Grant.Role.VIEWER)
    Grant.objects.create(user=other, org=cast.comm_b, role=Grant.Role.SECRETARY)
    assert snapshots.scope_key(other, cast.street_a) == snapshots.scope_key(
        county_viewer, cast.street_a
    )
    assert _html(client_for(other).get(street)).xpath("//table[@id='table-members']")
    assert Snapshot.objects.count() == 2


def test_the_key_follows_the_grants_above_the_org_and_the_superuser_has_their_own(
    cast, county_viewer
):
    # a grant on the street shows the street in the community's breadcrumb, one on the
    # community does not
    assert snapshots.scope_key(cast.street_sec, cast.comm_a) != snapshots.scope_key(
        cast.comm_a_sec, cast.comm_a
    )
    # a grant on a county sees what the superuser sees, yet they do not share kept figures
    assert snapshots.scope_key(cast.admin, cast.county) != snapshots.scope_key(
        county_viewer, cast.county
    )


def test_the_count_is_refused_when_the_requester_lost_the_scope(filled, county_viewer, today):
    cast = filled
    s, _queued = snapshots.request_build(user=county_viewer, org=cast.county, year=today.year)
    Grant.objects.filter(user=county_viewer).update(org=cast.street_a)
    forget_scope(county_viewer)
    assert _build(s.pk) == {"refused": True}
    s.refresh_from_db()
    assert s.state == "failed" and s.data is None and "权限" in s.error
