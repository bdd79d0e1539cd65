"""Art. 9's third failing — not doing assigned work for N months (rule member.no_org_life) —
from post holdings and deeds: a member who held a post for the whole window and has no deed in
it is listed; a deed on the window's first day keeps them off; a member without a post is not
listed for this (nothing was assigned); a post taken inside the window is not yet six months."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.commitments import services_posts
from dangjian.core import rules
from dangjian.deeds import services as deeds
from dangjian.meetings import services
from dangjian.meetings.selectors.mine import add_months
from dangjian.meetings.selectors.nolife import no_life_list
from dangjian.meetings.services import Mark

from .factories import make_meeting

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
N = rules.value("member.no_org_life", "months")
START = add_months(TODAY, -N)


@pytest.fixture
def holder(cast):
    """张三 holds a post since before the window, and attends meetings (so only work is at issue)."""
    post = services_posts.post_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="治安巡逻岗"
    )
    services_posts.post_take(
        post, member=cast.member_a, acting_user=cast.comm_a_sec, since=START - dt.timedelta(days=30)
    )
    m = make_meeting(org=cast.branch_a, date=TODAY - dt.timedelta(days=10))
    services.attendance_record(
        meeting=m, marks=[Mark(status="present", member_id=cast.member_a.pk)], acting_user=None
    )
    return post


def rows(cast, today=TODAY):
    return {
        r.name: r for r in no_life_list(user=cast.comm_a_sec, org=cast.branch_a, today=today).rows
    }


def _deed(cast, day):
    return deeds.deed_record(
        acting_user=cast.comm_a_sec,
        community=cast.comm_a,
        members=[cast.member_a.pk],
        date=day,
        title="夜间巡逻",
        today=TODAY,
    )


def test_a_post_holder_with_no_deed_in_the_window_is_listed_for_no_work(cast, holder):
    r = rows(cast)["张三"]
    assert r.no_work and not r.no_life and r.last_deed is None


def test_a_deed_on_the_first_day_of_the_window_keeps_them_off(cast, holder):
    _deed(cast, START)
    assert "张三" not in rows(cast)


def test_a_deed_the_day_before_the_window_does_not(cast, holder):
    _deed(cast, START - dt.timedelta(days=1))
    r = rows(cast)["张三"]
    assert r.no_work and r.last_deed == START - dt.timedelta(days=1)


def test_a_member_without_a_post_is_not_listed_for_work(cast):
    m = make_meeting(org=cast.branch_a, date=TODAY - dt.timedelta(days=10))
    services.attendance_record(
        meeting=m, marks=[Mark(status="present", member_id=cast.member_a.pk)], acting_user=None
    )
    assert "张三" not in rows(cast)


def test_a_post_taken_inside_the_window_is_not_yet_n_months(cast):
    post = services_posts.post_create(
        acting_user=cast.comm_a_sec, community=cast.comm_a, name="政策宣传岗"
    )
    services_posts.post_take(
        post, member=cast.member_a, acting_user=cast.comm_a_sec, since=START + dt.timedelta(days=1)
    )
    m = make_meeting(org=cast.branch_a, date=TODAY - dt.timedelta(days=10))
    services.attendance_record(
        meeting=m, marks=[Mark(status="present", member_id=cast.member_a.pk)], acting_user=None
    )
    assert "张三" not in rows(cast)


def test_the_list_page_and_export_name_the_reason(cast, holder, client_for):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    c = client_for(cast.comm_a_sec)
    page = c.get(f"{reverse('meetings:no_life')}?org={cast.branch_a.pk}")
    assert "期间未做所在岗位的工作" in page.content.decode()
    r = c.get(f"{reverse('meetings:no_life_export')}?org={cast.branch_a.pk}")
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    reasons = {row[1]: row[2] for row in ws.iter_rows(min_row=4, values_only=True)}
    assert reasons["张三"] == "不做党所分配的工作"
