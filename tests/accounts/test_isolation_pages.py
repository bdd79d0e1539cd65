"""Cross-community isolation through the pages: a secretary of community B, an outsider and a
plain member of community A get a 404 for every object of community A — the same answer as for
an id that does not exist — and see nothing of it in any list. Endpoints: tests/api/endpoints.py.
"""

from __future__ import annotations

import pytest
from django.test import Client

from dangjian.accounts.models import Grant
from dangjian.core.access import forget_scope
from dangjian.core.models import AuditEntry
from tests.api.endpoints import (
    LIST_PAGES,
    NO_DATA_PAGES,
    OBJECT_API,
    OBJECT_PAGES,
    body_text,
)
from tests.api.isolation import ATTACKERS, leaked, markers_for, page_names, send, skip_if_unbuilt
from tests.api.shared_world import _shared, shared_cast, shared_world  # noqa: F401 - fixtures


def test_every_page_is_classified():
    classified = {e.name for e in OBJECT_PAGES} | {e.name for e in LIST_PAGES} | NO_DATA_PAGES
    unclassified = sorted(page_names() - classified)
    assert not unclassified, (
        f"Pages missing from the isolation suite: {unclassified}. "
        "Add each to OBJECT_PAGES, LIST_PAGES or NO_DATA_PAGES in tests/api/endpoints.py."
    )


@pytest.mark.parametrize("ep", OBJECT_PAGES, ids=str)
def test_the_owner_reaches_each_page_so_the_404s_below_mean_something(cast, world, client_for, ep):
    skip_if_unbuilt(ep.name)
    r = send(client_for(getattr(cast, ep.owner)), ep, world)
    # 400: a small form posted without its fields comes back on its own page with the errors
    # beside them (core/formviews.py) - the owner reached the view and it judged the input
    assert r.status_code in (200, 302, 400), r.status_code


@pytest.mark.parametrize("who", ATTACKERS)
@pytest.mark.parametrize("ep", OBJECT_PAGES, ids=str)
def test_another_community_gets_404_for_each_object_page_as_for_a_missing_id(
    cast, world, client_for, ep, who
):
    skip_if_unbuilt(ep.name)
    c = client_for(getattr(cast, who))
    audit_rows = AuditEntry.objects.count()
    r = send(c, ep, world)
    assert r.status_code == 404
    assert not leaked(body_text(r), markers_for(world, who))
    assert AuditEntry.objects.count() == audit_rows  # nothing written, nothing revealed
    assert send(c, ep, world, missing=True).status_code == 404


@pytest.mark.parametrize("ep", OBJECT_PAGES, ids=str)
def test_an_anonymous_visitor_is_sent_to_the_login_page(cast, world, ep):
    skip_if_unbuilt(ep.name)
    r = send(Client(), ep, world)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


@pytest.fixture
def viewer(cast):
    """The outsider, made an inspector (read-only) of community A."""
    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    forget_scope(cast.outsider)
    return cast.outsider


@pytest.mark.parametrize("ep", [e for e in OBJECT_PAGES if e.owner == "comm_a_sec"], ids=str)
def test_a_viewer_reads_but_every_change_is_a_404(cast, world, client_for, viewer, ep):
    skip_if_unbuilt(ep.name)
    audit_rows = AuditEntry.objects.count()
    r = send(client_for(viewer), ep, world)
    if ep.change:
        assert r.status_code == 404
        assert AuditEntry.objects.count() == audit_rows
    else:
        assert r.status_code == 200


def test_a_viewer_cannot_reveal_an_id_number(cast, world, client_for, viewer):
    r = client_for(viewer).post(f"/members/{cast.member_a.pk}/reveal-id/")
    assert r.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()


@pytest.mark.parametrize("who", ATTACKERS)
@pytest.mark.parametrize("page", LIST_PAGES, ids=str)
def test_lists_show_nothing_of_another_community(cast, world, client_for, page, who):
    skip_if_unbuilt(page.name)
    r = client_for(getattr(cast, who)).get(world.fill(page.path), follow=True)
    assert r.status_code in (200, 404)
    assert not leaked(body_text(r), markers_for(world, who))


@pytest.mark.parametrize("page", [p for p in LIST_PAGES if p.owner_sees], ids=str)
def test_the_owner_sees_their_own_community_in_the_lists(cast, world, client_for, page):
    skip_if_unbuilt(page.name)
    r = client_for(cast.comm_a_sec).get(world.fill(page.path))
    assert r.status_code == 200
    assert page.owner_sees in body_text(r)


def test_community_b_sees_its_own_member_in_the_list(cast, client_for):
    page = client_for(cast.comm_b_sec).get("/members/").content.decode()
    assert "李四" in page and "张三" not in page


def test_the_street_secretary_sees_both_communities_of_the_street_and_nothing_beyond(
    cast, client_for
):
    c = client_for(cast.street_sec)
    for org in (cast.street_a, cast.comm_a, cast.comm_a2, cast.branch_a):
        assert c.get(f"/orgs/{org.pk}/").status_code == 200, org
    for org in (cast.county, cast.street_b, cast.comm_b, cast.branch_b):
        assert c.get(f"/orgs/{org.pk}/").status_code == 404, org
    assert c.get(f"/members/{cast.member_a.pk}/").status_code == 200
    assert c.get(f"/members/{cast.member_b.pk}/").status_code == 404
    assert c.get(f"/orgs/places/{cast.place_b.pk}/").status_code == 404
    orgs = c.get("/orgs/").content.decode() + c.get(f"/orgs/{cast.street_a.pk}/").content.decode()
    assert "文化东路社区党委" in orgs and "团结路社区党总支" in orgs
    assert "迎宾路社区党总支" not in orgs and "西山镇党委" not in orgs
    members = c.get("/members/").content.decode()
    assert "张三" in members and "李四" not in members


def test_the_api_table_and_the_page_table_use_the_same_world(world):
    # A guard for the shared fixture: every placeholder used anywhere has a value.
    for ep in [*OBJECT_PAGES, *OBJECT_API]:
        world.fill(ep.path)
        world.fill_body(ep.body)
