"""The secretary's home page with a big community (issue 20 item 14): every 待办 provider
counts in the database, so the page's query count does not grow with the members (nor with
the members' meetings, dues and posts)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.module_loading import import_string

from dangjian.core.todos import PROVIDERS
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _grow(cast, n, start=0):
    for i in range(start, start + n):
        make_member(org=cast.branch_a if i % 2 else cast.branch_a_2, name=f"众{i:03d}")


def _per_provider(cast) -> dict[str, int]:
    today = timezone.localdate()
    out = {}
    for dotted in PROVIDERS:
        try:
            provider = import_string(dotted)
        except ImportError:
            continue
        provider(user=cast.comm_a_sec, org=cast.comm_a, today=today)  # caches warm
        with CaptureQueriesContext(connection) as ctx:
            provider(user=cast.comm_a_sec, org=cast.comm_a, today=today)
        out[dotted] = len(ctx.captured_queries)
    return out


def _home(client) -> int:
    client.get("/")  # caches warm
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_no_todo_provider_grows_with_the_members(cast):
    _grow(cast, 5)
    few = _per_provider(cast)
    _grow(cast, 35, start=5)
    many = _per_provider(cast)
    assert few == many


def test_a_community_secretarys_home_page_does_not_grow_with_the_members(cast, client):
    client.force_login(cast.comm_a_sec)
    _grow(cast, 5)
    few = _home(client)
    _grow(cast, 35, start=5)
    assert _home(client) == few


def _branches(cast, n, start=0):
    from dangjian.orgs.models import OrgKind
    from tests.factories import make_org

    for i in range(start, start + n):
        b = make_org(parent=cast.comm_a, kind=OrgKind.BRANCH, name=f"第{i:02d}党支部")
        make_member(org=b, name=f"支{i:02d}甲")
        make_member(org=b, name=f"支{i:02d}乙")


def test_no_todo_provider_grows_with_the_branches(cast):
    _branches(cast, 2)
    few = _per_provider(cast)
    _branches(cast, 8, start=2)
    many = _per_provider(cast)
    grew = {k: (few[k], many[k]) for k in few if few[k] != many[k]}
    assert not grew


#: SQL statements of the home page of a community secretary and of a street secretary
#: (issue 21: 38 and 36 before the 待办 counts were read in one statement and the cadence
#: roll-up once for the panel and a street's overview).
COMMUNITY_HOME = 26
STREET_HOME = 27


def test_a_community_secretarys_home_page_reads_at_most_its_statements(cast, client):
    client.force_login(cast.comm_a_sec)
    _grow(cast, 5)
    assert _home(client) <= COMMUNITY_HOME


def test_a_street_secretarys_home_page_reads_at_most_its_statements(cast, client):
    client.force_login(cast.street_sec)
    _grow(cast, 5)
    assert _home(client) <= STREET_HOME
