"""The no-life API pages in the database: each page holds the same members, in the same order,
as the whole list; a page past the end is empty (not the last page again); the count is of
the whole list; the queries of a page do not grow with the list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.accounts.services import token_issue
from dangjian.meetings.api import nolife as api
from dangjian.meetings.selectors.nolife import no_life_list
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(api, "PER_PAGE", 5)


def _bearer(user) -> dict[str, str]:
    _t, key = token_issue(user=user, name="测试", acting_user=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _grow(cast, n: int, start: int = 0) -> None:
    """``n`` members who never attended anything, over both branches of community A."""
    for i in range(start, start + n):
        make_member(org=(cast.branch_a, cast.branch_a_2)[i % 2], name=f"未参加{i:02d}")


def _get(cast, auth, page=None) -> dict:
    url = f"/api/v1/meetings/no-life/{cast.comm_a.pk}"
    r = Client().get(url if page is None else f"{url}?page={page}", **auth)
    assert r.status_code == 200
    return r.json()


def test_the_pages_hold_the_whole_list_in_order_and_past_the_end_is_empty(cast, small_pages):
    _grow(cast, 12)
    whole = [
        r.member_id
        for r in no_life_list(
            user=cast.comm_a_sec, org=cast.comm_a, today=timezone.localdate()
        ).rows
    ]
    assert len(whole) == 13  # 张三 of the cast, and the twelve
    auth = _bearer(cast.comm_a_sec)
    pages = {n: _get(cast, auth, n) for n in (1, 2, 3, 4, 9)}
    assert [len(pages[n]["items"]) for n in (1, 2, 3, 4, 9)] == [5, 5, 3, 0, 0]
    assert all(pages[n]["count"] == 13 for n in pages)
    assert [pages[n]["page"] for n in (1, 2, 3, 4, 9)] == [1, 2, 3, 4, 9]
    paged = [i["member_id"] for n in (1, 2, 3) for i in pages[n]["items"]]
    assert paged == whole
    # no page asked for, or nought: the first page
    assert [i["member_id"] for i in _get(cast, auth)["items"]] == whole[:5]
    zero = _get(cast, auth, 0)
    assert zero["page"] == 1 and [i["member_id"] for i in zero["items"]] == whole[:5]
    # each row carries what it did before: the window, the meetings missed, the cases
    first = pages[1]["items"][0]
    assert set(first) >= {"window_start", "missed", "cases", "org_name", "months"}


def test_an_empty_list_has_an_empty_first_page_and_an_empty_second(cast, small_pages):
    auth = _bearer(cast.comm_b_sec)
    from dangjian.members.models import Member, State

    Member.objects.filter(org=cast.branch_b).update(state=State.TRANSFERRED_OUT)
    for n in (1, 2):
        r = Client().get(f"/api/v1/meetings/no-life/{cast.comm_b.pk}?page={n}", **auth)
        assert r.status_code == 200
        assert r.json()["count"] == 0 and r.json()["items"] == []


def _queries(cast, auth, page: int) -> int:
    url = f"/api/v1/meetings/no-life/{cast.comm_a.pk}?page={page}"
    Client().get(url, **auth)
    with CaptureQueriesContext(connection) as ctx:
        assert Client().get(url, **auth).status_code == 200
    return len(ctx.captured_queries)


def test_a_page_costs_the_same_queries_for_a_short_and_a_long_list(cast, small_pages):
    auth = _bearer(cast.comm_a_sec)
    _grow(cast, 8)
    short = _queries(cast, auth, 1)
    _grow(cast, 20, start=8)
    assert _queries(cast, auth, 1) == short
    assert _get(cast, auth, 1)["count"] == 29
