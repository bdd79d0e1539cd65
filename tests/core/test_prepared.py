"""The logged-in user is loaded by SQL compiled once per process and day (core.prepared): the
objects must be those the queryset itself gives — fields, the profile, every annotation — for
every kind of user, on each day, in one statement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts import backends
from dangjian.accounts.models import Profile
from dangjian.core.prepared import Prepared
from dangjian.members.models import Member
from dangjian.orgs.services import office_create
from tests.factories import make_member

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)
ANNOTATIONS = (
    "_has_device",
    "_member_pk",
    "_member_org_path",
    "_member_name",
    "_office",
    "_grant",
    "_grants",
    "_is_contact",
    "_has_area_duty",
)


def as_the_orm_gives_it(user_id: int, today: dt.date):
    return backends._user_query(user_id, today).get()


def state(user) -> dict:
    fields = {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields}
    profile = getattr(user, "profile", None)
    loaded = {a: getattr(user, a) for a in ANNOTATIONS}
    return {
        "fields": fields,
        "profile": profile and (profile.pk, profile.display_name, profile.require_2fa),
        "annotations": loaded,
    }


@pytest.fixture
def people(cast):
    """A secretary with a profile, a member record, an office that ends on TODAY and a paired
    authenticator; a plain member; an account with a grant only; an account with nothing."""
    Profile.objects.create(user=cast.comm_a_sec, display_name="文化东路社区书记", require_2fa=True)
    li = make_member(org=cast.branch_a, name="李桂兰", birth_date=dt.date(1962, 3, 8))
    Member.objects.filter(pk=li.pk).update(user=cast.comm_a_sec)
    office = office_create(
        acting_user=None,
        org=cast.comm_a,
        title="secretary",
        member=li,
        term_start=dt.date(2024, 1, 1),
    )
    type(office).objects.filter(pk=office.pk).update(left_on=TODAY)
    TOTPDevice.objects.create(user=cast.comm_a_sec, name="手机", confirmed=True)
    nobody = get_user_model().objects.create_user("nobody", password="x")
    return [cast.comm_a_sec, cast.member_user, cast.street_sec, nobody]


def test_the_prepared_user_is_the_one_the_queryset_gives(people):
    for day in (TODAY - dt.timedelta(days=1), TODAY):
        for user in people:
            (prepared,) = backends._USER.get(user.pk, today=day, model=get_user_model())
            assert state(prepared) == state(as_the_orm_gives_it(user.pk, day)), (user, day)


def test_the_office_that_ends_today_is_named_yesterday_and_not_today(people):
    secretary = people[0]
    model = get_user_model()
    (yesterday,) = backends._USER.get(secretary.pk, today=TODAY - dt.timedelta(days=1), model=model)
    (today,) = backends._USER.get(secretary.pk, today=TODAY, model=model)
    assert yesterday._office and yesterday._office.startswith("secretary")
    assert today._office != yesterday._office


def test_the_request_loads_the_user_and_their_profile_in_one_statement(people):
    secretary = people[0]
    with CaptureQueriesContext(connection) as ctx:
        user = backends.ModelBackend().get_user(secretary.pk)
        assert user.profile.display_name == "文化东路社区书记"
        assert user._has_device is True or user._has_device == 1
    assert len(ctx.captured_queries) == 1


def test_an_unknown_or_malformed_id_is_nobody(people):
    backend = backends.ModelBackend()
    assert backend.get_user(999_999) is None
    assert backend.get_user("not a number") is None


def test_an_inactive_user_is_refused_as_before(people):
    nobody = people[-1]
    get_user_model().objects.filter(pk=nobody.pk).update(is_active=False)
    assert backends.ModelBackend().get_user(nobody.pk) is None


def test_what_it_cannot_serve_is_refused_when_prepared(db):
    model = get_user_model()
    values = Prepared(lambda key, today: model.objects.filter(pk=key).values("pk"))
    with pytest.raises(ValueError, match="plain model querysets"):
        values.get(1, today=TODAY, model=model)
    unkeyed = Prepared(lambda key, today: model.objects.all())
    with pytest.raises(ValueError, match="placeholder"):
        unkeyed.get(1, today=TODAY, model=model)
