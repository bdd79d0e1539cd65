"""A resident unit's party contact sees their own unit's page — and gets a 404 for every page of
the isolation suite about community A, the same as for an id that does not exist."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model

from dangjian.cobuild.models import UnitContact
from tests.api.endpoints import LIST_PAGES, OBJECT_PAGES, body_text
from tests.api.isolation import leaked, send
from tests.meetings.factories import make_unit

from .factories import activity, unit


@pytest.fixture
def contact(cast):
    """The contact of a unit in community B."""
    theirs = make_unit(community=cast.comm_b, name="乙社区银行")
    user = get_user_model().objects.create_user("bank_contact", password=cast.password)
    UnitContact.objects.create(user=user, unit=theirs)
    return user


def test_the_contact_sees_their_units_year_and_activities(cast, client_for):
    school = unit(cast)
    activity(cast, [school], title="开放操场", is_deed=True)
    other = unit(cast, "甲社区医院")
    activity(cast, [other], title="医院的活动")
    user = get_user_model().objects.create_user("school_contact", password=cast.password)
    UnitContact.objects.create(user=user, unit=school)
    c = client_for(user)
    r = c.get("/", follow=True)
    body = re.sub(r"\s+", " ", r.content.decode())
    assert "甲社区实验小学" in body and "开放操场" in body and "医院的活动" not in body
    assert "为社区办实事：<b>1</b>" in body
    from dangjian.checkin import services as checkin
    from tests.factories import make_member

    worker = make_member(org=cast.branch_b, name="学校的在职党员", categories=("in_service",))
    checkin.check_in(
        acting_user=cast.comm_a_sec,
        member=worker,
        community=cast.comm_a,
        employer="",
        unit=school,
        on=dt.date(2026, 3, 1),
    )
    body = re.sub(r"\s+", " ", c.get("/cobuild/my-unit/").content.decode())
    assert (
        "学校的在职党员 → 文化东路社区党委：实事 0 件，结对 0 户" in body
        and "今年实事 0 件" in body
    )


def test_the_contact_of_another_communitys_unit_gets_nothing_of_community_a(
    cast, world, client_for, contact
):
    """Every page of the isolation suite, in one go (building the world once)."""
    from tests.api.isolation import page_names

    built = page_names()
    c = client_for(contact)
    checked = 0
    for ep in OBJECT_PAGES:
        if ep.method != "GET" or ep.name not in built:
            continue
        checked += 1
        r = send(c, ep, world)
        assert r.status_code == 404, ep
        assert not leaked(body_text(r), world.markers_a), ep
    for page in LIST_PAGES:
        if page.name not in built:
            continue
        r = c.get(world.fill(page.path), follow=True)
        assert r.status_code in (200, 404), page
        assert not leaked(body_text(r), world.markers_a), page
    assert checked > 40  # the suite's pages, not an empty loop
