"""Helpers for the organisation tests: logged-in clients (session and API token), members
and office holders put into an organisation through the real services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangjian.accounts.models import ApiToken
from dangjian.members.models import Status
from dangjian.orgs.models import Office, Organisation
from dangjian.orgs.services import office_create

from ..factories import make_member

BACKEND = "dangjian.accounts.backends.ModelBackend"


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    """The cast's seven accounts cost seconds with Argon2's production settings; nothing here
    tests password hashing (tests/accounts does), so hash them cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a test client logged in as ``user``."""

    def make(user) -> Client:
        c = Client()
        c.force_login(user, backend=BACKEND)
        return c

    return make


@pytest.fixture
def api_for(db):
    """``api_for(user)``: a client that sends the user's API token (no session)."""

    def make(user) -> Client:
        _token, key = ApiToken.issue(user=user, name="test")
        return Client(headers={"authorization": f"Bearer {key}"})

    return make


def fill(org: Organisation, *, full: int = 0, probationary: int = 0) -> None:
    """Register members into ``org``."""
    for _ in range(full):
        make_member(org=org, status=Status.FULL)
    for _ in range(probationary):
        make_member(org=org, status=Status.PROBATIONARY)


COMMITTEE = ["secretary", "deputy", "organiser", "propaganda", "discipline", "committee"]


def elect(
    org: Organisation,
    size: int,
    *,
    start: dt.date = dt.date(2024, 1, 1),
    end: dt.date | None = None,
) -> list[Office]:
    """``size`` committee members of ``org`` (distinct people), secretary first."""
    titles = (COMMITTEE * 3)[:size]
    return [
        office_create(
            acting_user=None,
            org=org,
            title=t,
            holder_name=f"委员{i}",
            term_start=start,
            term_end=end,
        )
        for i, t in enumerate(titles)
    ]


def queries(client, url: str) -> int:
    """How many SQL queries one GET of ``url`` issues (it must answer 200)."""
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r.content[:500]
    return len(ctx.captured_queries)


def same_queries_at_5_and_50(client, url: str, grow) -> None:
    """``grow(n)`` adds rows until there are ``n``; the page must cost the same at 5 and 50."""
    grow(5)
    queries(client, url)  # warm caches (content types, session) so both counts are alike
    at_5 = queries(client, url)
    grow(50)
    at_50 = queries(client, url)
    assert at_5 == at_50, f"{url}: {at_5} queries with 5 rows, {at_50} with 50"
