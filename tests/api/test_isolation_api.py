"""Cross-community isolation through the REST API, with a session and with a Bearer token:
objects of community A are a 404 for everyone outside it — byte for byte the answer for an id
that does not exist — and lists hold nothing of it. Endpoints: tests/api/endpoints.py."""

from __future__ import annotations

import pytest
from django.test import Client

from dangjian.accounts.models import Grant
from dangjian.accounts.services import token_issue
from dangjian.core.access import forget_scope
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member, MemberEvent
from dangjian.orgs.models import Organisation, Place

from .endpoints import LIST_API, OBJECT_API, body_text
from .isolation import ATTACKERS, leaked, markers_for, send
from .shared_world import _shared, shared_cast, shared_world  # noqa: F401 - fixtures

AUTH_MODES = ["session", "bearer"]


@pytest.fixture
def api_client(cast, client_for):
    """``api_client(username, mode)``: logged in by session, or carrying a Bearer token."""

    def make(who: str, mode: str) -> tuple[Client, dict[str, str]]:
        user = getattr(cast, who)
        if mode == "session":
            return client_for(user), {}
        _t, key = token_issue(user=user, name="测试", acting_user=None)
        return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    return make


def _operations(schema) -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        for method in ops
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_the_openapi_schema_is_served_with_the_paths(cast):
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/orgs/", "/api/v1/places/{place_id}", "/api/v1/members/{member_id}"):
        assert path in schema["paths"], path


def test_every_api_operation_is_classified(cast):
    operations = _operations(Client().get("/api/v1/openapi.json").json())
    classified = {e.name for e in OBJECT_API} | {e.name for e in LIST_API}
    unclassified = sorted(operations - classified)
    assert not unclassified, (
        f"API operations missing from the isolation suite: {unclassified}. "
        "Add each to OBJECT_API or LIST_API in tests/api/endpoints.py."
    )


def _counts() -> tuple[int, ...]:
    """Rows an attack could add: organisations, places, members, events, audit entries (a
    reveal or any write leaves one)."""
    return tuple(m.objects.count() for m in (Organisation, Place, Member, MemberEvent, AuditEntry))


@pytest.mark.parametrize("mode", AUTH_MODES)
@pytest.mark.parametrize("ep", OBJECT_API, ids=str)
def test_the_owner_reaches_each_endpoint_so_the_404s_below_mean_something(
    cast, world, api_client, ep, mode
):
    c, auth = api_client(ep.owner, mode)
    r = send(c, ep, world, **auth)
    assert r.status_code in (200, 201, 400, 422), (r.status_code, body_text(r))


@pytest.mark.parametrize("mode", AUTH_MODES)
@pytest.mark.parametrize("who", ATTACKERS)
@pytest.mark.parametrize("ep", OBJECT_API, ids=str)
def test_another_community_gets_the_same_404_as_for_a_missing_id(
    cast, world, api_client, ep, who, mode
):
    c, auth = api_client(who, mode)
    before = _counts()
    r = send(c, ep, world, **auth)
    missing = send(c, ep, world, missing=True, **auth)
    assert (r.status_code, r.json()) == (missing.status_code, missing.json())
    assert r.status_code == ep.expect if ep.expect else 400 <= r.status_code < 500
    assert not leaked(body_text(r), markers_for(world, who))
    assert _counts() == before


@pytest.mark.parametrize("ep", OBJECT_API, ids=str)
def test_an_anonymous_caller_is_unauthorised(cast, world, ep):
    before = _counts()
    assert send(Client(), ep, world).status_code == 401
    assert _counts() == before


@pytest.mark.parametrize("ep", OBJECT_API, ids=str)
def test_a_viewer_reads_but_cannot_change(cast, world, api_client, ep):
    Grant.objects.create(user=cast.outsider, org=cast.comm_a, role=Grant.Role.VIEWER)
    forget_scope(cast.outsider)
    c, auth = api_client("outsider", "bearer")
    before = _counts()
    r = send(c, ep, world, **auth)
    if ep.change:
        # Visible but not theirs to change: refused (404, or 403 from the orgs API, or the
        # form's "not a valid choice" for an organisation in the body).
        assert r.status_code in (400, 403, 404)
        assert _counts() == before
    else:
        assert r.status_code == 200


@pytest.mark.parametrize("mode", AUTH_MODES)
@pytest.mark.parametrize("who", ATTACKERS)
@pytest.mark.parametrize("listing", LIST_API, ids=str)
def test_lists_hold_nothing_of_another_community(cast, world, api_client, listing, who, mode):
    c, auth = api_client(who, mode)
    r = c.get(world.fill(listing.path), **auth)
    assert r.status_code in (200, 404)
    assert not leaked(body_text(r), markers_for(world, who))


@pytest.mark.parametrize("listing", [x for x in LIST_API if x.owner_sees], ids=str)
def test_the_owner_sees_their_community_in_the_lists(cast, world, api_client, listing):
    c, auth = api_client("comm_a_sec", "bearer")
    r = c.get(world.fill(listing.path), **auth)
    assert r.status_code == 200 and listing.owner_sees in body_text(r)


def test_the_street_secretary_reads_both_communities_of_the_street_and_nothing_beyond(
    cast, api_client
):
    c, auth = api_client("street_sec", "bearer")
    for org in (cast.comm_a, cast.comm_a2, cast.branch_a):
        assert c.get(f"/api/v1/orgs/{org.pk}", **auth).status_code == 200
    for org in (cast.comm_b, cast.branch_b, cast.street_b, cast.county):
        assert c.get(f"/api/v1/orgs/{org.pk}", **auth).status_code == 404
    assert c.get(f"/api/v1/places/{cast.place_b.pk}", **auth).status_code == 404
    org_ids = {o["id"] for o in c.get("/api/v1/orgs/?limit=100", **auth).json()["items"]}
    assert {cast.comm_a.pk, cast.comm_a2.pk} <= org_ids
    assert not org_ids & {cast.comm_b.pk, cast.branch_b.pk, cast.street_b.pk}
    members = {m["id"] for m in c.get("/api/v1/members/?limit=100", **auth).json()["items"]}
    assert cast.member_a.pk in members and cast.member_b.pk not in members
