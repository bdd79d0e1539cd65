"""Every change is an event on the timeline, never an overwrite; illegal changes are refused."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.members.models import Category, EventKind, Mode, State, Status
from dangjian.members.services import kinds_allowed, member_record_event
from dangjian.orgs.models import OrgKind

from ..factories import make_member, make_org

D = dt.date


def record(member, kind, date, user, **kw):
    member.refresh_from_db()
    return member_record_event(member=member, kind=kind, date=date, acting_user=user, **kw)


@pytest.fixture
def m(cast):
    return make_member(
        org=cast.branch_a,
        name="赵六",
        birth_date=D(1970, 1, 1),
        joined_on=D(2000, 7, 1),
        categories=(Category.RETIRED,),
    )


def test_a_transfer_out_keeps_the_history_and_takes_the_member_off_the_register(cast, m):
    event = record(
        m,
        EventKind.TRANSFER_OUT,
        D(2021, 3, 1),
        cast.comm_a_sec,
        to_org_name="某市某区某社区党委",
        letter_no="转字001",
        letter_valid_until=D(2021, 4, 30),
    )
    m.refresh_from_db()
    assert m.state == State.TRANSFERRED_OUT and m.org == cast.branch_a
    assert [e.kind for e in m.events.order_by("date", "seq")] == ["registered", "transfer_out"]
    assert (event.letter_no, event.to_org_name, event.recorded_by) == (
        "转字001",
        "某市某区某社区党委",
        cast.comm_a_sec,
    )
    entry = AuditEntry.objects.get(action="event", object_id=str(m.pk))
    assert entry.changes["event"] == "组织关系转出"
    assert entry.changes["state"] == {"before": "active", "after": "transferred_out"}


def test_a_member_already_transferred_out_cannot_be_transferred_out_again(cast, m):
    kw = {"to_org_name": "外地", "letter_no": "1", "letter_valid_until": D(2021, 4, 30)}
    record(m, EventKind.TRANSFER_OUT, D(2021, 3, 1), cast.comm_a_sec, **kw)
    with pytest.raises(ValidationError, match="当前状态为“已转出”，不能记录“组织关系转出”"):
        record(m, EventKind.TRANSFER_OUT, D(2021, 3, 2), cast.comm_a_sec, **kw)
    assert m.events.count() == 2


def test_a_transfer_out_needs_destination_letter_and_validity(cast, m):
    with pytest.raises(ValidationError) as exc:
        record(m, EventKind.TRANSFER_OUT, D(2021, 3, 1), cast.comm_a_sec)
    assert set(exc.value.message_dict) == {"to_org_name", "letter_no", "letter_valid_until"}
    m.refresh_from_db()
    assert m.state == State.ACTIVE and m.events.count() == 1


def test_a_member_who_transferred_out_can_come_back_into_a_chosen_branch(cast, m):
    out = {"to_org_name": "外地", "letter_no": "1", "letter_valid_until": D(2021, 4, 30)}
    record(m, EventKind.TRANSFER_OUT, D(2021, 3, 1), cast.comm_a_sec, **out)
    record(
        m,
        EventKind.TRANSFER_IN,
        D(2023, 5, 1),
        cast.comm_a_sec,
        to_org=cast.branch_a_2,
        from_org_name="外地",
        letter_no="2",
    )
    m.refresh_from_db()
    assert (m.state, m.org) == (State.ACTIVE, cast.branch_a_2)


def test_transfer_in_is_refused_for_an_active_member(cast, m):
    with pytest.raises(ValidationError, match="当前状态为“在册”"):
        record(m, EventKind.TRANSFER_IN, D(2021, 3, 1), cast.comm_a_sec, from_org_name="x")


def test_an_internal_move_changes_the_branch(cast, m):
    record(m, EventKind.INTERNAL_MOVE, D(2021, 3, 1), cast.comm_a_sec, to_org=cast.branch_a_2)
    m.refresh_from_db()
    assert m.org == cast.branch_a_2
    assert list(m.events.values_list("org_id", flat=True).order_by("date")) == [
        cast.branch_a.pk,
        cast.branch_a_2.pk,
    ]


def test_a_member_cannot_be_moved_into_an_organisation_the_user_does_not_manage(cast, m):
    with pytest.raises(ValidationError, match="不在您的管理范围内"):
        record(m, EventKind.INTERNAL_MOVE, D(2021, 3, 1), cast.comm_a_sec, to_org=cast.branch_b)
    with pytest.raises(ValidationError, match="不在您的管理范围内"):
        record(m, EventKind.INTERNAL_MOVE, D(2021, 3, 1), cast.branch_sec, to_org=cast.branch_a_2)
    m.refresh_from_db()
    assert m.org == cast.branch_a and m.events.count() == 1 and m.version == 1


def test_a_street_secretary_moves_a_member_between_communities_of_the_street(cast, m):
    target = make_org(parent=cast.comm_a2, kind=OrgKind.BRANCH, name="团结路第一支部")
    record(m, EventKind.INTERNAL_MOVE, D(2021, 3, 1), cast.street_sec, to_org=target)
    m.refresh_from_db()
    assert m.org == target


def test_moving_into_the_same_branch_or_a_group_is_refused(cast, m):
    with pytest.raises(ValidationError, match="与现在所在的相同"):
        record(m, EventKind.INTERNAL_MOVE, D(2021, 3, 1), cast.comm_a_sec, to_org=cast.branch_a)
    with pytest.raises(ValidationError, match="只能编入党支部或社区党组织"):
        record(m, EventKind.INTERNAL_MOVE, D(2021, 3, 1), cast.comm_a_sec, to_org=cast.group_a)


def test_a_probationary_member_becomes_full_when_probation_ends(cast):
    p = make_member(
        org=cast.branch_a,
        status=Status.PROBATIONARY,
        birth_date=D(1990, 1, 1),
        joined_on=D(2022, 7, 1),
    )
    assert EventKind.STATUS_CHANGE in kinds_allowed(p)
    with pytest.raises(ValidationError, match="最早 2023-07-01"):
        record(p, EventKind.STATUS_CHANGE, D(2023, 6, 30), cast.comm_a_sec)
    record(p, EventKind.STATUS_CHANGE, D(2023, 7, 1), cast.comm_a_sec)
    p.refresh_from_db()
    assert (p.status, p.full_on) == (Status.FULL, D(2023, 7, 1))
    assert EventKind.STATUS_CHANGE not in kinds_allowed(p)
    with pytest.raises(ValidationError, match="已是正式党员"):
        record(p, EventKind.STATUS_CHANGE, D(2023, 8, 1), cast.comm_a_sec)


def test_a_category_change_replaces_the_current_categories_and_keeps_the_old_in_the_timeline(
    cast, m
):
    record(
        m,
        EventKind.CATEGORY_CHANGE,
        D(2021, 3, 1),
        cast.comm_a_sec,
        categories=[Category.RETIRED, Category.DIFFICULTY, Category.ELDERLY],
    )
    m.refresh_from_db()
    assert sorted(c.category for c in m.categories.all()) == ["difficulty", "elderly", "retired"]
    assert [e.categories for e in m.events.order_by("date")] == [
        ["retired"],
        ["difficulty", "elderly", "retired"],
    ]
    with pytest.raises(ValidationError, match="没有变化"):
        record(
            m,
            EventKind.CATEGORY_CHANGE,
            D(2021, 3, 2),
            cast.comm_a_sec,
            categories=["elderly", "retired", "difficulty"],
        )


def test_a_mode_change_needs_a_different_mode(cast, m):
    with pytest.raises(ValidationError, match="与现在的相同"):
        record(m, EventKind.MODE_CHANGE, D(2021, 3, 1), cast.comm_a_sec, mode=Mode.SELF)
    record(m, EventKind.MODE_CHANGE, D(2021, 3, 1), cast.comm_a_sec, mode=Mode.DUAL)
    m.refresh_from_db()
    assert m.mode == Mode.DUAL


def test_going_out_and_returning_set_and_clear_the_mobile_category(cast, m):
    assert EventKind.RETURNED not in kinds_allowed(m)
    with pytest.raises(ValidationError, match="外出去向"):
        record(m, EventKind.GOING_OUT, D(2021, 3, 1), cast.comm_a_sec)
    record(m, EventKind.GOING_OUT, D(2021, 3, 1), cast.comm_a_sec, to_org_name="广东深圳务工")
    m.refresh_from_db()
    assert {c.category for c in m.categories.all()} == {"retired", "mobile"}
    assert EventKind.GOING_OUT not in kinds_allowed(m)
    with pytest.raises(ValidationError, match="已登记为外出流动"):
        record(m, EventKind.GOING_OUT, D(2021, 3, 2), cast.comm_a_sec, to_org_name="x")
    record(m, EventKind.RETURNED, D(2021, 9, 1), cast.comm_a_sec)
    m.refresh_from_db()
    assert {c.category for c in m.categories.all()} == {"retired"}
    assert m.state == State.ACTIVE


def test_lost_contact_suspends_and_restoring_brings_back(cast, m):
    record(m, EventKind.LOST_CONTACT, D(2021, 3, 1), cast.comm_a_sec)
    m.refresh_from_db()
    assert m.state == State.SUSPENDED
    assert kinds_allowed(m) == [EventKind.RESTORED, EventKind.DEATH, EventKind.LEFT]
    with pytest.raises(ValidationError, match="不能记录“类别变更”"):
        record(m, EventKind.CATEGORY_CHANGE, D(2021, 4, 1), cast.comm_a_sec, categories=[])
    record(m, EventKind.RESTORED, D(2021, 9, 1), cast.comm_a_sec)
    m.refresh_from_db()
    assert m.state == State.ACTIVE


def test_nothing_can_follow_death(cast, m):
    record(m, EventKind.DEATH, D(2021, 3, 1), cast.comm_a_sec, note="病故")
    m.refresh_from_db()
    assert m.state == State.DECEASED and kinds_allowed(m) == []
    for kind in (EventKind.TRANSFER_IN, EventKind.RESTORED, EventKind.LEFT, EventKind.DEATH):
        with pytest.raises(ValidationError, match="当前状态为“已去世”"):
            record(m, kind, D(2021, 4, 1), cast.comm_a_sec, from_org_name="x", letter_no="1")


def test_leaving_needs_the_reason_and_can_follow_suspension(cast, m):
    with pytest.raises(ValidationError, match="出党的方式和依据"):
        record(m, EventKind.LEFT, D(2021, 3, 1), cast.comm_a_sec)
    record(m, EventKind.LOST_CONTACT, D(2021, 3, 1), cast.comm_a_sec)
    record(
        m, EventKind.LEFT, D(2023, 3, 2), cast.comm_a_sec, note="停止党籍满 2 年，按自行脱党除名"
    )
    m.refresh_from_db()
    assert m.state == State.LEFT


def test_an_event_cannot_be_dated_before_the_last_one_or_in_the_future(cast, m):
    record(m, EventKind.MODE_CHANGE, D(2021, 3, 1), cast.comm_a_sec, mode=Mode.DUAL)
    with pytest.raises(ValidationError, match="不能早于上一条变动记录（2021-03-01 管理方式变更）"):
        record(m, EventKind.MODE_CHANGE, D(2021, 2, 28), cast.comm_a_sec, mode=Mode.SELF)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="未来日期"):
        record(m, EventKind.MODE_CHANGE, tomorrow, cast.comm_a_sec, mode=Mode.SELF)


def test_two_events_on_one_day_keep_their_order(cast, m):
    record(m, EventKind.MODE_CHANGE, D(2021, 3, 1), cast.comm_a_sec, mode=Mode.DUAL)
    record(m, EventKind.MODE_CHANGE, D(2021, 3, 1), cast.comm_a_sec, mode=Mode.SELF)
    assert list(m.events.filter(date=D(2021, 3, 1)).values_list("seq", "mode")) == [
        (1, "dual"),
        (2, "self"),
    ]


def test_a_stale_version_is_a_conflict_and_writes_nothing(cast, m):
    with pytest.raises(ConflictError, match="刚被他人修改过"):
        record(
            m,
            EventKind.MODE_CHANGE,
            D(2021, 3, 1),
            cast.comm_a_sec,
            mode=Mode.DUAL,
            expected_version=m.version + 1,
        )
    m.refresh_from_db()
    assert m.mode == Mode.SELF and m.events.count() == 1
