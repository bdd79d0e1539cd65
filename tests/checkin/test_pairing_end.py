"""结束结对: ``checkin.services.pairing_end`` — who may end a pairing, the date between its start
and today, audited, optimistic lock (a stale page or two people at once: one wins, the other is
told, nothing else changes)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.checkin import services
from dangjian.checkin.models import Pairing
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.orgs.models import PlaceKind
from tests.factories import make_member, make_place

TODAY = timezone.localdate()
SINCE = TODAY - dt.timedelta(days=30)


@pytest.fixture
def pairing(cast):
    household = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="结对户201"
    )
    c = services.check_in(
        acting_user=cast.admin,
        member=make_member(org=cast.branch_b, name="结对党员乙"),
        community=cast.comm_a,
        employer="县直单位",
        on=TODAY - dt.timedelta(days=60),
    )
    return services.pairing_add(c, acting_user=cast.comm_a_sec, since=SINCE, household=household)


def _end(cast, p, on=TODAY, version=1, user=None):
    return services.pairing_end(
        acting_user=user or cast.comm_a_sec, pairing=p, on=on, version=version
    )


def test_the_community_ends_a_pairing_and_it_is_audited(cast, pairing):
    assert services.pairing_version(pairing) == 1
    p = _end(cast, pairing)
    assert p.until == TODAY and Pairing.objects.get().until == TODAY
    assert services.pairing_version(p) == 2
    entry = AuditEntry.objects.get(
        action=AuditEntry.Action.UPDATE, content_type__model="pairing", object_id=str(p.pk)
    )
    assert "until" in str(entry.changes) and entry.scope_path == cast.comm_a.path


@pytest.mark.parametrize(
    ("on", "ok"),
    [(SINCE, True), (TODAY, True), (SINCE - dt.timedelta(days=1), False)],
)
def test_the_end_may_be_the_start_or_today(cast, pairing, on, ok):
    if ok:
        assert _end(cast, pairing, on=on).until == on
    else:
        with pytest.raises(ValidationError, match="不能早于结对日期"):
            _end(cast, pairing, on=on)
        assert Pairing.objects.get().until is None


@pytest.mark.parametrize(
    ("on", "message"),
    [(None, "请填写结束日期"), (TODAY + dt.timedelta(days=1), "不能晚于今天")],
)
def test_a_missing_or_future_date_changes_nothing(cast, pairing, on, message):
    with pytest.raises(ValidationError, match=message):
        _end(cast, pairing, on=on)
    assert Pairing.objects.get().until is None
    assert not AuditEntry.objects.filter(
        action=AuditEntry.Action.UPDATE, content_type__model="pairing"
    ).exists()


def test_two_people_ending_one_pairing_one_wins_the_other_is_told(cast, pairing):
    seen_by_second = Pairing.objects.get(pk=pairing.pk)  # both opened the page at version 1
    _end(cast, pairing, on=TODAY)
    with pytest.raises(ConflictError, match="已于 .* 结束"):
        _end(cast, seen_by_second, on=SINCE, user=cast.admin)
    assert Pairing.objects.get().until == TODAY  # the first one's date stays


def test_a_stale_version_is_a_conflict(cast, pairing):
    with pytest.raises(ConflictError, match="刷新页面"):
        _end(cast, pairing, version=7)
    assert Pairing.objects.get().until is None


def test_only_who_may_pair_may_end(cast, pairing):
    for user in (cast.member_user, cast.outsider):  # another member, someone of nowhere
        with pytest.raises(PermissionDenied):
            _end(cast, pairing, user=user)
    assert Pairing.objects.get().until is None


def test_the_member_may_end_their_own_pairing(cast):
    household = make_place(
        parent=cast.corridor_a, community=cast.comm_a, kind=PlaceKind.HOUSEHOLD, name="结对户202"
    )
    c = services.check_in(
        acting_user=cast.admin, member=cast.member_a, community=cast.comm_a, employer="县直单位"
    )
    p = services.pairing_add(c, acting_user=cast.member_user, since=TODAY, household=household)
    assert _end(cast, p, user=cast.member_user).until == TODAY


def test_a_pairing_of_an_ended_check_in_is_already_over(cast, pairing):
    services.check_out(pairing.checkin, acting_user=cast.comm_a_sec, on=TODAY, reason="工作调动")
    with pytest.raises(ValidationError, match="报到已于 .* 解除"):
        _end(cast, pairing)
    assert Pairing.objects.get().until is None
