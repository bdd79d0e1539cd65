"""Heart-to-heart talks (rule meeting.heart_talk): recording a talk, and who is still to be
talked with this year — at the boundaries of the number and of the year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.models import AuditEntry
from dangjian.meetings.selectors.talks import talk_cadence, talkers_for
from dangjian.meetings.services_talks import heart_talk_record
from dangjian.orgs.models import Office
from dangjian.orgs.services import office_create
from tests.factories import make_member

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 11, 20)


def _talk(cast, secretary, on, member=None, note="谈了家庭情况"):
    return heart_talk_record(
        member=member or cast.member_a,
        talker=secretary,
        date=on,
        note=note,
        acting_user=None,
        today=TODAY,
    )


def _missing(cast, today=TODAY):
    result = talk_cadence(user=cast.admin, org=cast.branch_a, today=today)
    (section,) = [s for s in result.sections if s.org == cast.branch_a]
    return {r.name for r in section.missing}, section


def test_a_member_nobody_talked_with_this_year_is_listed(cast, secretary):
    missing, section = _missing(cast)
    assert missing == {"张三", "王书记"}
    assert section.need == 1 and section.period.key == "2026"


def test_one_talk_this_year_meets_the_rule_of_one(cast, secretary):
    _talk(cast, secretary, D(2026, 3, 1))
    missing, _s = _missing(cast)
    assert "张三" not in missing


def test_a_talk_on_the_first_day_of_the_year_counts_and_on_the_last_day_before_does_not(
    cast, secretary
):
    _talk(cast, secretary, D(2025, 12, 31))
    assert "张三" in _missing(cast)[0]
    _talk(cast, secretary, D(2026, 1, 1))
    assert "张三" not in _missing(cast)[0]


def test_a_talk_after_today_is_refused(cast, secretary):
    with pytest.raises(ValidationError) as exc:
        _talk(cast, secretary, TODAY + dt.timedelta(days=1))
    assert "date" in exc.value.error_dict


def test_with_a_locality_rule_of_two_one_talk_is_under_two_meet_it_and_three_are_over(
    cast, secretary, override
):
    override({"orgs": {"CA": {"meeting.heart_talk": {"min_count": 2}}}})
    _talk(cast, secretary, D(2026, 2, 1))
    missing, section = _missing(cast)
    assert section.need == 2 and "张三" in missing
    _talk(cast, secretary, D(2026, 5, 1))
    assert "张三" not in _missing(cast)[0]
    _talk(cast, secretary, D(2026, 6, 1))
    missing, section = _missing(cast)
    assert "张三" not in missing
    assert next(r for r in section.rows if r.name == "张三").count == 3


def test_the_override_applies_to_that_community_only(cast, override):
    override({"orgs": {"CA": {"meeting.heart_talk": {"min_count": 2}}}})
    result = talk_cadence(user=cast.admin, org=cast.county, today=TODAY)
    needs = {s.org.pk: s.need for s in result.sections}
    assert needs[cast.branch_a.pk] == 2 and needs[cast.branch_b.pk] == 1


def test_the_talk_is_audited_and_kept_by_the_members_branch(cast, secretary):
    talk = _talk(cast, secretary, D(2026, 3, 1))
    assert talk.org == cast.branch_a
    assert AuditEntry.objects.filter(
        object_id=str(talk.pk), action=AuditEntry.Action.CREATE
    ).exists()


def test_the_talker_must_hold_a_committee_office_of_the_members_branch_or_above(cast, secretary):
    leader = office_create(
        acting_user=None,
        org=cast.branch_a,
        title=Office.Title.GROUP_LEADER,
        holder_name="组长",
        term_start=D(2024, 1, 1),
    )
    other = office_create(
        acting_user=None,
        org=cast.branch_b,
        title=Office.Title.SECRETARY,
        holder_name="乙书记",
        term_start=D(2024, 1, 1),
    )
    for office in (leader, other):
        with pytest.raises(ValidationError) as exc:
            _talk(cast, office, D(2026, 3, 1))
        assert "talker" in exc.value.error_dict
    community_sec = office_create(
        acting_user=None,
        org=cast.comm_a,
        title=Office.Title.SECRETARY,
        holder_name="社区书记",
        term_start=D(2024, 1, 1),
    )
    assert _talk(cast, community_sec, D(2026, 3, 1)).pk


def test_the_talker_must_be_in_office_on_the_day_and_not_the_member_themselves(cast, secretary):
    with pytest.raises(ValidationError):
        _talk(cast, secretary, D(2023, 12, 31))
    with pytest.raises(ValidationError) as exc:
        _talk(cast, secretary, D(2026, 3, 1), member=secretary.member)
    assert "同一人" in str(exc.value)
    offered = talkers_for(member=cast.member_a, on=D(2026, 3, 1))
    assert offered == [secretary]
    assert talkers_for(member=secretary.member, on=D(2026, 3, 1)) == []


def test_members_who_left_the_register_are_not_listed(cast, secretary):
    gone = make_member(org=cast.branch_a, name="已转出")
    from dangjian.members.services import member_record_event

    member_record_event(
        member=gone,
        kind="transfer_out",
        date=D(2026, 1, 5),
        acting_user=None,
        to_org_name="外省",
        letter_no="001",
        letter_valid_until=D(2026, 3, 1),
    )
    assert "已转出" not in _missing(cast)[0]


def test_the_home_page_count_agrees_with_the_list(cast, secretary):
    from dangjian.meetings.selectors.talks import missing_count

    _talk(cast, secretary, D(2026, 3, 1))
    listed = talk_cadence(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY).missing_count
    assert listed == missing_count(user=cast.comm_a_sec, org=cast.comm_a, today=TODAY) == 1


def test_the_todo_is_pressing_only_in_the_last_quarter_of_the_year(cast, secretary):
    from dangjian.core.todos import INFO, WARNING, todos_for

    def item(today):
        items = todos_for(user=cast.comm_a_sec, org=cast.comm_a, today=today)
        return next(t for t in items if "谈心谈话" in t.label)

    assert item(D(2026, 4, 1)).level == INFO
    late = item(D(2026, 11, 1))
    assert late.level == WARNING and late.count == 2 and "/meetings/talks/" in late.url
