"""The header names the person logged in, with their role in smaller text (issue 20 item 13):
"李桂兰 · 社区党委书记", not the account's generic "文化东路社区书记"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.accounts.backends import ModelBackend
from dangjian.accounts.identity import identity_of
from dangjian.accounts.models import Grant, Profile
from dangjian.members.models import Member
from dangjian.orgs.services import office_create
from tests.factories import make_member

pytestmark = pytest.mark.django_db

WHO = re.compile(
    r'<a class="navbar-text[^"]*" id="who"[^>]*><span class="who-name">(.*?)</span>'
    r'(?:<span class="who-role"> · (.*?)</span>)?</a>'
)


def header(client) -> tuple[str, str]:
    m = WHO.search(client.get("/meetings/").content.decode())
    assert m is not None
    return m.group(1), m.group(2) or ""


@pytest.fixture
def secretary_with_record(cast):
    """The community's secretary: an account named after the post, linked to the member who
    holds the office."""
    Profile.objects.create(user=cast.comm_a_sec, display_name="文化东路社区书记")
    li = make_member(org=cast.branch_a, name="李桂兰", birth_date=dt.date(1962, 3, 8))
    Member.objects.filter(pk=li.pk).update(user=cast.comm_a_sec)
    office_create(
        acting_user=None,
        org=cast.comm_a,
        title="secretary",
        member=li,
        term_start=dt.date(2024, 1, 1),
    )
    return cast.comm_a_sec


def test_a_secretary_linked_to_their_member_record_is_shown_by_name_and_office(
    cast, client_for, secretary_with_record
):
    assert header(client_for(secretary_with_record)) == ("李桂兰", "社区党委书记")


def test_the_highest_office_names_the_role(cast, client_for, secretary_with_record):
    li = Member.objects.get(user=secretary_with_record)
    office_create(
        acting_user=None,
        org=cast.branch_a,
        title="organiser",
        member=li,
        term_start=dt.date(2024, 1, 1),
    )
    assert header(client_for(secretary_with_record)) == ("李桂兰", "社区党委书记")


def test_an_office_in_a_closed_organisation_does_not_name_the_role(
    cast, client_for, secretary_with_record
):
    li = Member.objects.get(user=secretary_with_record)
    office_create(
        acting_user=None,
        org=cast.street_a,
        title="secretary",
        member=li,
        term_start=dt.date(2024, 1, 1),
    )
    assert header(client_for(secretary_with_record)) == ("李桂兰", "街道党工委书记")
    type(cast.street_a).objects.filter(pk=cast.street_a.pk).update(is_active=False)
    assert header(client_for(secretary_with_record)) == ("李桂兰", "社区党委书记")


def test_an_office_left_no_longer_names_the_role(cast, client_for, secretary_with_record):
    from dangjian.orgs.models import Office

    Office.objects.filter(member__user=secretary_with_record).update(left_on=dt.date(2025, 1, 1))
    assert header(client_for(secretary_with_record)) == ("李桂兰", "社区党委党务工作者")


def test_an_account_without_a_member_record_shows_its_profile_name_and_its_grant(cast, client_for):
    Profile.objects.create(user=cast.street_sec, display_name="周建国")
    assert header(client_for(cast.street_sec)) == ("周建国", "街道党工委党务工作者")


def test_an_inspector_is_named_as_such(cast, client_for):
    Grant.objects.create(user=cast.outsider, org=cast.county, role=Grant.Role.VIEWER)
    assert header(client_for(cast.outsider)) == ("outsider", "区/县委督查")


def test_a_member_sees_their_own_name(cast, client_for):
    assert header(client_for(cast.member_user)) == ("张三", "党员")


def test_the_administrator(cast, client_for):
    assert header(client_for(cast.admin)) == ("admin", "系统管理员")


def test_a_name_is_escaped(cast, client_for):
    Member.objects.filter(pk=cast.member_a.pk).update(name="<i>张三</i>")
    name, _role = header(client_for(cast.member_user))
    assert name == "&lt;i&gt;张三&lt;/i&gt;"


def test_the_header_adds_no_query_for_a_user_loaded_with_the_request(cast, secretary_with_record):
    user = ModelBackend().get_user(secretary_with_record.pk)
    with CaptureQueriesContext(connection) as ctx:
        me = identity_of(user)
    assert len(ctx.captured_queries) == 0
    assert str(me) == "李桂兰 · 社区党委书记"


def test_a_user_loaded_another_way_still_gets_a_name(cast, secretary_with_record):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=secretary_with_record.pk)
    assert str(identity_of(user)) == "李桂兰 · 社区党委书记"


def test_the_phone_shows_the_name_beside_the_title(cast, client_for, secretary_with_record):
    html = client_for(secretary_with_record).get("/meetings/").content.decode()
    assert re.search(r'<a class="who-phone d-md-none"[^>]*>李桂兰</a>', html)
