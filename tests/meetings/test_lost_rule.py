"""Lost contact (rule member.lost_contact): the proposals at the boundaries of
``suspend_after_months`` and ``remove_after_years``, and the decisions, which add the member's
timeline event through the members service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.models import AuditEntry
from dangjian.meetings.models import LostContactDecision, LostDecisionKind
from dangjian.meetings.selectors.lost import lost_list
from dangjian.meetings.services_lost import (
    lost_contact_decide,
    lost_contact_found,
    lost_contact_record,
)
from dangjian.members.models import EventKind, Member, State

pytestmark = pytest.mark.django_db
D = dt.date
LOST = D(2022, 1, 31)  # + 6 months = 31 July 2022 (events dated after the real today are refused)


def _record(cast, lost_on=LOST):
    return lost_contact_record(
        member=cast.member_a,
        lost_on=lost_on,
        note="电话停机",
        acting_user=None,
        today=D(2022, 2, 1),
    )


def _proposal(cast, today):
    result = lost_list(user=cast.admin, org=cast.comm_a, today=today)
    return [r.proposal for r in result.rows]


def _decide(case, kind, on, today=None):
    return lost_contact_decide(
        case=case,
        kind=kind,
        decided_on=on,
        decided_by="支部委员会",
        acting_user=None,
        today=today or on,
    )


def test_no_proposal_the_day_before_six_months_then_suspension_from_that_day(cast):
    _record(cast)
    assert _proposal(cast, D(2022, 7, 30)) == [""]
    assert _proposal(cast, D(2022, 7, 31)) == ["suspend"]
    assert _proposal(cast, D(2022, 8, 1)) == ["suspend"]


def test_suspension_is_refused_before_six_months_and_names_the_date_contact_was_lost(cast):
    case = _record(cast)
    with pytest.raises(ValidationError) as exc:
        _decide(case, LostDecisionKind.SUSPEND, D(2022, 7, 30))
    assert "2022年1月31日" in str(exc.value) and "2022年7月31日" in str(exc.value)
    assert Member.objects.get(pk=cast.member_a.pk).state == State.ACTIVE


def test_suspension_adds_the_timeline_event_and_records_who_decided(cast):
    case = _record(cast)
    decision = _decide(case, LostDecisionKind.SUSPEND, D(2022, 7, 31))
    member = Member.objects.get(pk=cast.member_a.pk)
    assert member.state == State.SUSPENDED
    event = decision.member_event
    assert event.kind == EventKind.LOST_CONTACT and event.date == D(2022, 7, 31)
    assert "2022年1月31日" in event.note and "支部委员会" in event.note
    assert decision.decided_by == "支部委员会"
    assert AuditEntry.objects.filter(
        object_id=str(decision.pk), action=AuditEntry.Action.CREATE
    ).exists()


def test_removal_is_proposed_two_years_after_the_suspension_not_a_day_earlier(cast):
    case = _record(cast)
    _decide(case, LostDecisionKind.SUSPEND, D(2022, 8, 15))
    assert _proposal(cast, D(2022, 8, 16)) == [""]
    assert _proposal(cast, D(2024, 8, 14)) == [""]
    assert _proposal(cast, D(2024, 8, 15)) == ["remove"]
    assert _proposal(cast, D(2024, 8, 16)) == ["remove"]
    with pytest.raises(ValidationError):
        _decide(case, LostDecisionKind.REMOVE, D(2024, 8, 14))
    decision = _decide(case, LostDecisionKind.REMOVE, D(2024, 8, 15))
    assert decision.member_event.kind == EventKind.LEFT
    assert Member.objects.get(pk=cast.member_a.pk).state == State.LEFT
    assert _proposal(cast, D(2024, 8, 16)) == []  # closed


def test_a_locality_may_wait_longer(cast, override):
    override({"orgs": {"CA": {"member.lost_contact": {"suspend_after_months": 12}}}})
    _record(cast)
    assert _proposal(cast, D(2023, 1, 30)) == [""]
    assert _proposal(cast, D(2023, 1, 31)) == ["suspend"]


def test_contact_regained_before_suspension_ends_the_case(cast):
    case = _record(cast)
    lost_contact_found(case=case, found_on=D(2022, 3, 1), acting_user=None, today=D(2022, 3, 2))
    assert _proposal(cast, D(2022, 9, 1)) == []
    with pytest.raises(ValidationError):
        _decide(case, LostDecisionKind.SUSPEND, D(2022, 9, 1))


def test_contact_regained_while_suspended_allows_restoring_not_removal(cast):
    case = _record(cast)
    _decide(case, LostDecisionKind.SUSPEND, D(2022, 8, 1))
    case.refresh_from_db()
    lost_contact_found(case=case, found_on=D(2023, 2, 1), acting_user=None, today=D(2023, 2, 1))
    assert _proposal(cast, D(2025, 1, 1)) == ["restore"]
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        _decide(case, LostDecisionKind.REMOVE, D(2025, 1, 1))
    decision = _decide(case, LostDecisionKind.RESTORE, D(2023, 3, 1))
    assert decision.member_event.kind == EventKind.RESTORED
    assert Member.objects.get(pk=cast.member_a.pk).state == State.ACTIVE
    assert LostContactDecision.objects.filter(case=case).count() == 2


def test_a_member_can_be_open_lost_only_once_and_not_in_the_future(cast):
    _record(cast)
    with pytest.raises(ValidationError):
        _record(cast)
    with pytest.raises(ValidationError):
        lost_contact_record(
            member=cast.member_b, lost_on=D(2022, 2, 2), acting_user=None, today=D(2022, 2, 1)
        )


def test_a_secretary_of_another_community_cannot_record_or_decide(cast):
    with pytest.raises(ValidationError):
        lost_contact_record(member=cast.member_a, lost_on=LOST, acting_user=cast.comm_b_sec)
    case = _record(cast)
    with pytest.raises(ValidationError):
        lost_contact_decide(
            case=case,
            kind="suspend",
            decided_on=D(2022, 8, 1),
            decided_by="支部委员会",
            acting_user=cast.comm_b_sec,
            today=D(2022, 8, 1),
        )


def test_the_proposal_appears_in_the_home_pages_todos(cast):
    from dangjian.core.todos import todos_for

    _record(cast)

    def labels(today):
        return [t.label for t in todos_for(user=cast.comm_a_sec, org=cast.comm_a, today=today)]

    assert not any("失联" in x for x in labels(D(2022, 7, 30)))
    assert "1 名失联党员待支部作出停止党籍或除名决定" in labels(D(2022, 7, 31))
    assert not any("失联" in x for x in labels_b(cast, D(2022, 7, 31)))


def labels_b(cast, today):
    from dangjian.core.todos import todos_for

    return [t.label for t in todos_for(user=cast.comm_b_sec, org=cast.comm_b, today=today)]
