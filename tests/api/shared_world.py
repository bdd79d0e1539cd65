"""The isolation suites' world, built once per module (and per test worker) instead of once per
test: about 2,900 tests ask the same question of the same objects, and building the cast and
every area's objects was most of the suite's time.

The module fixture opens an outer transaction and builds the cast and the world inside it; each
test then runs in pytest-django's usual transaction, which nests as a savepoint and is rolled back
after the test, so what one test writes (a grant, a token, an overwritten field) never reaches the
next. The outer transaction is rolled back when the module ends. Scopes cached on the shared user
objects are dropped before every test, because a rolled-back grant must not live on in a cache.
"""

from __future__ import annotations

import pytest
from django.db import connections, transaction

from dangjian.core import rules
from dangjian.core.access import forget_scope
from tests.api.endpoints import World, build_world
from tests.conftest import Cast, build_cast

USERS = ("admin", "street_sec", "comm_a_sec", "comm_b_sec", "branch_sec", "member_user", "outsider")


@pytest.fixture(scope="module")
def _shared(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN202 - pytest fixtures
    with django_db_blocker.unblock():
        aliases = list(connections)
        outer = [transaction.atomic(using=alias) for alias in aliases]
        for a in outer:
            a.__enter__()
        try:
            cast = build_cast()
            yield cast, build_world(cast)
        finally:
            for alias, a in zip(reversed(aliases), reversed(outer), strict=True):
                transaction.set_rollback(True, using=alias)
                a.__exit__(None, None, None)


@pytest.fixture(name="cast")
def shared_cast(_shared, db) -> Cast:  # noqa: ANN001 - pytest fixtures
    c = _shared[0]
    for name in USERS:
        forget_scope(getattr(c, name))
    rules.reset_cache()
    return c


@pytest.fixture(name="world")
def shared_world(_shared, cast) -> World:  # noqa: ANN001 - pytest fixtures
    return _shared[1]
