"""Helpers for the member register's tests: a logged-in client per cast member, valid and
invalid (fictitious) ID numbers, and members with a known timeline."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.test import Client

from dangjian.core import idcard

BACKEND = "dangjian.accounts.backends.ModelBackend"


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a test client logged in as ``user``."""

    def make(user) -> Client:
        c = Client()
        c.force_login(user, backend=BACKEND)
        return c

    return make


def valid_id(birth: dt.date = dt.date(1980, 5, 17), gender: str = "M", seed: int = 7) -> str:
    """A fictitious number (region 9x, assigned to no one) with a correct check character."""
    return idcard.synthetic(birth_date=birth, gender=gender, rng=random.Random(seed))


def wrong_check(number: str) -> str:
    """The same number with a wrong check character."""
    return number[:17] + ("0" if number[17] != "0" else "1")


def add_members(org, n, start=0):
    """``n`` more members in ``org`` (distinct birth dates keep the fictitious IDs distinct)."""
    from ..factories import make_member

    for i in range(start, start + n):
        make_member(
            org=org,
            birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=3 * i),
            joined_on=dt.date(2000, 7, 1),
        )


def count_queries(fetch) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fetch()
    return len(ctx.captured_queries)


@pytest.fixture
def same_queries_at_5_and_50(django_assert_num_queries):
    """``same_queries_at_5_and_50(org, fetch)``: ``fetch()`` with 5 members in ``org``, then
    with 50; the second must issue exactly as many queries as the first. Returns the count."""

    def check(org, fetch, check_rows=None):
        add_members(org, 5)
        fetch()  # warm caches that are per process, not per row (content types)
        n5 = count_queries(fetch)
        add_members(org, 45, start=5)
        with django_assert_num_queries(n5):
            result = fetch()
        if check_rows:
            check_rows(result)
        return n5

    return check
