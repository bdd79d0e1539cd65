"""Linking community workers to their member records: the one active member of the community
with the same name (and birth date, when given); an ambiguous name is reported, not guessed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.members.models import Member
from dangjian.staff.models import Staff
from dangjian.staff.services import staff_link_members
from tests.factories import make_member


def _staff(cast, name, community=None):
    return Staff.objects.create(name=name, community=community or cast.comm_a, kind="hired")


def test_a_worker_is_linked_to_the_one_member_of_the_same_name(cast):
    wu = make_member(org=cast.branch_a, name="吴社工")
    s = _staff(cast, "吴社工")
    nobody = _staff(cast, "不是党员")
    result = staff_link_members(community=cast.comm_a, acting_user=cast.comm_a_sec)
    s.refresh_from_db()
    assert s.member == wu and result.linked == [s] and result.unmatched == [nobody]


def test_an_ambiguous_name_is_reported_not_guessed_unless_the_birth_date_tells(cast):
    a = make_member(org=cast.branch_a, name="王芳", birth_date=dt.date(1980, 1, 1))
    b = make_member(org=cast.branch_a_2, name="王芳", birth_date=dt.date(1990, 1, 1))
    s = _staff(cast, "王芳")
    result = staff_link_members(community=cast.comm_a, acting_user=cast.comm_a_sec)
    assert result.linked == [] and result.ambiguous == [(s, [a, b])]
    assert "王芳" in result.report() and "人工确认" in result.report()
    s.refresh_from_db()
    assert s.member is None
    result = staff_link_members(
        community=cast.comm_a,
        acting_user=cast.comm_a_sec,
        birth_dates={s.pk: dt.date(1990, 1, 1)},
    )
    s.refresh_from_db()
    assert s.member == b and result.linked == [s]


def test_only_active_members_of_the_community_are_linked(cast):
    make_member(org=cast.branch_b, name="外社区党员")
    gone = make_member(org=cast.branch_a, name="已转出")
    Member.objects.filter(pk=gone.pk).update(state="transferred_out")
    s1, s2 = _staff(cast, "外社区党员"), _staff(cast, "已转出")
    staff_link_members(community=cast.comm_a, acting_user=cast.comm_a_sec)
    assert Staff.objects.filter(pk__in=[s1.pk, s2.pk], member__isnull=False).count() == 0


def test_another_community_may_not_link(cast):
    with pytest.raises(PermissionDenied):
        staff_link_members(community=cast.comm_a, acting_user=cast.comm_b_sec)
