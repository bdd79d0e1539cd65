"""The member app's demo step: the ``member`` account's branch gets a coming meeting."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils import timezone

from dangjian.demo import memberapp_demo
from dangjian.meetings.models import Meeting
from dangjian.members.models import Member
from tests.meetings.factories import make_meeting


def test_the_demo_member_gets_a_coming_meeting_once(cast):
    user = get_user_model().objects.create_user("member", password=cast.password)
    Member.objects.filter(pk=cast.member_a.pk).update(user=user)
    demo = SimpleNamespace(admin=cast.admin)
    memberapp_demo.build(demo)
    memberapp_demo.build(demo)
    today = timezone.localdate()
    coming = Meeting.objects.filter(org=cast.branch_a, date__gte=today)
    assert coming.count() == 1 and coming.get().date <= today + dt.timedelta(days=14)


def test_nothing_is_added_when_a_meeting_is_planned_already(cast):
    user = get_user_model().objects.create_user("member", password=cast.password)
    Member.objects.filter(pk=cast.member_a.pk).update(user=user)
    make_meeting(org=cast.branch_a, date=timezone.localdate() + dt.timedelta(days=3))
    memberapp_demo.build(SimpleNamespace(admin=cast.admin))
    assert Meeting.objects.filter(org=cast.branch_a).count() == 1
