"""Services of 信访、民事调解: the deadline from the rules table (per kind, at its boundary),
the workflow 受理 → 调解中 → 已了结 and what it refuses, bad input that changes nothing, and two
people closing one case at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.core import rules
from dangjian.core.access import scope_for
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.mediation import services
from dangjian.mediation.models import Case, FollowUp, Mediator, Party, Session, State
from dangjian.mediation.todos import overdue_count, todos

pytestmark = pytest.mark.django_db


def _rows():
    return tuple(m.objects.count() for m in (Case, Party, Mediator, Session, FollowUp, AuditEntry))


@pytest.mark.parametrize("kind", ["petition", "mediation"])
def test_the_deadline_comes_from_the_rule_and_overdue_starts_the_day_after(cast, open_case, kind):
    days = rules.value("grid.case_deadline", kind, org=cast.comm_a)
    today = timezone.localdate()
    on_time = open_case(kind=kind, received_on=today - dt.timedelta(days=days))
    late = open_case(kind=kind, received_on=today - dt.timedelta(days=days + 1))
    assert on_time.deadline == today  # day N: still within the time limit
    assert late.deadline == today - dt.timedelta(days=1)  # day N + 1: past it
    assert not on_time.is_overdue(today) and late.is_overdue(today)
    assert list(Case.objects.overdue(today)) == [late]
    assert overdue_count(user=cast.comm_a_sec, org=cast.comm_a, today=today) == 1


def test_the_two_kinds_have_their_own_days_and_a_local_override_counts(cast, open_case, settings):
    p = rules.value("grid.case_deadline", "petition", org=cast.comm_a)
    m = rules.value("grid.case_deadline", "mediation", org=cast.comm_a)
    today = timezone.localdate()
    assert open_case(kind="petition").deadline == today + dt.timedelta(days=p)
    assert open_case(kind="mediation").deadline == today + dt.timedelta(days=m)


def test_todos_count_overdue_open_cases_in_two_queries(
    cast, grid, open_case, django_assert_max_num_queries
):
    today = timezone.localdate()
    days = rules.value("grid.case_deadline", "mediation", org=cast.comm_a)
    old = today - dt.timedelta(days=days + 5)
    for _i in range(3):
        open_case(received_on=old)
    done = open_case(received_on=old)
    services.case_close(
        done, acting_user=cast.comm_a_sec, version=done.version, outcome="failed", closed_on=today
    )
    open_case(place=grid.home_a2, received_on=old)  # another area
    # the home page asks every provider with the request's user, whose grants are already loaded
    user = type(cast.comm_a_sec).objects.get(pk=cast.comm_a_sec.pk)
    scope_for(user)
    with django_assert_max_num_queries(2):
        items = todos(user=user, org=cast.comm_a, today=today)
    assert [t.count for t in items] == [4]
    assert "state=overdue" in items[0].url
    cadre = type(grid.cadre_a).objects.get(pk=grid.cadre_a.pk)
    scope_for(cadre)
    with django_assert_max_num_queries(2):
        assert [t.count for t in todos(user=cadre, org=cast.comm_a, today=today)] == [3]
    assert todos(user=cast.comm_b_sec, org=cast.comm_a, today=today) == []


def test_open_records_parties_mediators_and_audits_without_phones_in_clear(cast, open_case):
    case = open_case(me_as_mediator=True)
    assert case.state == State.RECEIVED
    assert [(p.role, p.name) for p in case.parties.order_by("role")] == [
        ("applicant", "赵测甲"),
        ("respondent", "钱测乙"),
    ]
    assert sorted(m.name for m in case.mediators.all()) == ["comm_a_sec", "孙调解"]
    assert "赵测甲" not in str(case) and case.number.startswith("TJ")
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE)
    assert not any("13800001111" in str(e.changes) for e in entries)
    assert any("138****1111" in str(e.changes) for e in entries)


def test_a_session_moves_the_case_to_mediating_and_success_needs_the_agreement(cast, open_case):
    case = open_case()
    today = timezone.localdate()
    m = case.mediators.get()
    services.session_record(
        case, acting_user=cast.comm_a_sec, held_on=today, venue="调解室", mediators=[m.pk]
    )
    case.refresh_from_db()
    assert case.state == State.MEDIATING and case.version == 2
    with pytest.raises(ValidationError) as e:
        services.case_close(
            case, acting_user=cast.comm_a_sec, version=2, outcome="success", closed_on=today
        )
    assert "agreement" in e.value.error_dict
    closed = services.case_close(
        case,
        acting_user=cast.comm_a_sec,
        version=2,
        outcome="success",
        closed_on=today,
        agreement="钱测乙赔偿维修费 800 元",
    )
    assert closed.state == State.CLOSED and closed.outcome == "success"
    assert closed.agreement == "钱测乙赔偿维修费 800 元"


def test_referral_needs_where_to(cast, open_case):
    case = open_case()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as e:
        services.case_close(
            case, acting_user=cast.comm_a_sec, version=1, outcome="referred", closed_on=today
        )
    assert "referred_to" in e.value.error_dict
    closed = services.case_close(
        case,
        acting_user=cast.comm_a_sec,
        version=1,
        outcome="referred",
        closed_on=today,
        referred_to="街道司法所",
        agreement="不应保存",
    )
    assert closed.referred_to == "街道司法所" and closed.agreement == ""


def test_closing_twice_is_refused_and_a_closed_case_takes_no_session_or_party(cast, open_case):
    case = open_case()
    today = timezone.localdate()
    services.case_close(
        case, acting_user=cast.comm_a_sec, version=1, outcome="failed", closed_on=today
    )
    before = _rows()
    with pytest.raises(ValidationError, match="不能再次了结"):
        services.case_close(
            case, acting_user=cast.comm_a_sec, version=2, outcome="failed", closed_on=today
        )
    with pytest.raises(ValidationError, match="已了结"):
        services.session_record(case, acting_user=cast.comm_a_sec, held_on=today)
    with pytest.raises(ValidationError, match="已了结"):
        services.party_add(case, acting_user=cast.comm_a_sec, name="李测", role="applicant")
    assert _rows() == before
    # a follow-up visit after closing is what follow-ups are for
    services.followup_add(case, acting_user=cast.comm_a_sec, visited_on=today, note="双方已和好")
    assert case.follow_ups.count() == 1


def test_two_people_closing_at_once_one_wins_the_other_is_told(cast, grid, open_case):
    case = open_case(place=grid.home_a)
    today = timezone.localdate()
    seen_by_cadre = Case.objects.get(pk=case.pk)  # both opened version 1
    services.case_close(
        case,
        acting_user=cast.comm_a_sec,
        version=1,
        outcome="success",
        closed_on=today,
        agreement="各退一步",
    )
    with pytest.raises(ValidationError) as e:
        services.case_close(
            seen_by_cadre,
            acting_user=grid.cadre_a,
            version=seen_by_cadre.version,
            outcome="failed",
            closed_on=today,
        )
    assert "不能再次了结" in e.value.messages[0]
    case.refresh_from_db()
    assert case.outcome == "success" and case.version == 2


def test_a_stale_version_is_a_conflict_and_changes_nothing(cast, open_case):
    case = open_case()
    today = timezone.localdate()
    services.session_record(case, acting_user=cast.comm_a_sec, held_on=today)  # → version 2
    before = _rows()
    with pytest.raises(ConflictError):
        services.case_close(
            case, acting_user=cast.comm_a_sec, version=1, outcome="failed", closed_on=today
        )
    assert _rows() == before
    assert Case.objects.get(pk=case.pk).state == State.MEDIATING


@pytest.mark.parametrize(
    "call",
    [
        "session_future",
        "session_before_received",
        "followup_future",
        "followup_empty",
        "close_future",
        "close_no_outcome",
        "party_bad_phone",
        "party_no_role",
        "session_foreign_mediator",
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(cast, open_case, call):
    today = timezone.localdate()
    case = open_case(received_on=today - dt.timedelta(days=3))
    other = open_case(mediator_names=["周外案"])
    tomorrow = today + dt.timedelta(days=1)
    u = cast.comm_a_sec
    calls = {
        "session_future": lambda: services.session_record(case, acting_user=u, held_on=tomorrow),
        "session_before_received": lambda: services.session_record(
            case, acting_user=u, held_on=today - dt.timedelta(days=4)
        ),
        "followup_future": lambda: services.followup_add(
            case, acting_user=u, visited_on=tomorrow, note="x"
        ),
        "followup_empty": lambda: services.followup_add(
            case, acting_user=u, visited_on=today, note="  "
        ),
        "close_future": lambda: services.case_close(
            case, acting_user=u, version=1, outcome="failed", closed_on=tomorrow
        ),
        "close_no_outcome": lambda: services.case_close(
            case, acting_user=u, version=1, outcome="", closed_on=today
        ),
        "party_bad_phone": lambda: services.party_add(
            case, acting_user=u, name="李测", role="applicant", phone="abc"
        ),
        "party_no_role": lambda: services.party_add(case, acting_user=u, name="李测", role="x"),
        "session_foreign_mediator": lambda: services.session_record(
            case,
            acting_user=u,
            held_on=today,
            mediators=[other.mediators.get().pk],
        ),
    }
    before = _rows()
    with pytest.raises(ValidationError) as e:
        calls[call]()
    assert all(m for m in e.value.messages)
    assert _rows() == before
    assert Case.objects.get(pk=case.pk).state == State.RECEIVED


@pytest.mark.parametrize(
    "bad",
    [
        {"received_on": "tomorrow"},
        {"summary": " "},
        {"kind": "x"},
        {"category": "x"},
        {"parties": [{"role": "applicant", "name": "赵测", "phone": "12"}]},
        {"parties": [{"role": "", "name": "赵测"}]},
    ],
)
def test_opening_with_bad_input_changes_nothing(cast, open_case, bad):
    if bad.get("received_on") == "tomorrow":
        bad = {"received_on": timezone.localdate() + dt.timedelta(days=1)}
    before = _rows()
    with pytest.raises(ValidationError):
        open_case(**bad)
    assert _rows() == before


def test_a_place_of_another_community_or_area_is_refused(cast, grid, open_case):
    before = _rows()
    with pytest.raises(ValidationError):
        open_case(place=grid.home_b)
    with pytest.raises(PermissionDenied):
        open_case(acting_user=grid.cadre_a, place=grid.home_a2)
    with pytest.raises(PermissionDenied):
        open_case(acting_user=cast.comm_b_sec)
    assert _rows() == before
    case = open_case(acting_user=grid.cadre_a, place=grid.home_a)
    with pytest.raises(PermissionDenied):
        services.session_record(case, acting_user=grid.cadre_a2, held_on=timezone.localdate())
