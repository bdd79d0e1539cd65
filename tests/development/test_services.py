"""Writes of member development: every step through the services, with the rules' blocks
refusing and changing nothing, and the member register following admission and 转正."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.core import crypto, idcard
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.development import services
from dangjian.development.models import Candidate, Stage, StageEvent, Step
from dangjian.meetings.models import MeetingKind
from dangjian.members.models import EventKind, Member, Status
from tests.factories import fake_id, make_member
from tests.meetings.factories import make_meeting

from .factories import make_candidate

D = dt.date


def create(cast, **kw):
    birth = kw.pop("birth_date", D(1998, 6, 1))
    args = dict(
        acting_user=cast.comm_a_sec,
        org=cast.branch_a,
        id_number=kw.pop("id_number", None) or fake_id(birth_date=birth, gender="F"),
        name="周申请",
        gender="F",
        birth_date=birth,
        applied_on=D(2026, 3, 2),
    )
    args.update(kw)
    return services.candidate_create(**args).candidate


def record(c, step, day, user=None, **kw):
    return services.candidate_record(candidate=c, step=step, date=day, acting_user=user, **kw)


def frozen(c):
    """What must not change when a step is refused."""
    c = Candidate.objects.get(pk=c.pk)
    return (
        c.version,
        c.stage,
        StageEvent.objects.filter(candidate=c).count(),
        AuditEntry.objects.count(),
        Member.objects.count(),
    )


# ---- applying --------------------------------------------------------------------------------
def test_an_applicant_is_registered_with_the_id_encrypted_and_masked(cast):
    number = fake_id(birth_date=D(1998, 6, 1), gender="F")
    c = create(cast, id_number=number)
    assert c.stage == Stage.APPLICANT
    assert number not in c.id_cipher and crypto.decrypt(c.id_cipher) == number
    assert c.id_masked == idcard.mask(number) and "*" in c.id_masked
    assert c.id_hash == crypto.blind_index(number)
    assert [e.step for e in c.events.all()] == [Step.APPLIED]
    assert AuditEntry.objects.filter(action="create", object_id=str(c.pk)).exists()


def test_applying_on_the_18th_birthday_is_accepted(cast):
    c = create(cast, birth_date=D(2008, 3, 2), applied_on=D(2026, 3, 2))
    assert c.pk


def test_applying_the_day_before_the_18th_birthday_is_refused_and_nothing_is_stored(cast):
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        create(cast, birth_date=D(2008, 3, 3), applied_on=D(2026, 3, 2))
    assert "未满 18 周岁" in exc.value.messages[0]
    assert Candidate.objects.count() == 0 and AuditEntry.objects.count() == audits


def test_a_wrong_id_checksum_is_refused(cast):
    number = fake_id(birth_date=D(1998, 6, 1), gender="F")
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        create(cast, id_number=bad)
    assert "id_number" in exc.value.message_dict


def test_the_same_person_cannot_be_registered_twice_nor_a_member_as_applicant(cast):
    number = fake_id(birth_date=D(1998, 6, 1), gender="F")
    create(cast, id_number=number)
    with pytest.raises(ValidationError, match="请勿重复登记"):
        create(cast, id_number=number)
    member = make_member(org=cast.branch_a, gender="M", birth_date=D(1990, 1, 1))
    with pytest.raises(ValidationError, match="已是党员"):
        create(
            cast,
            id_number=crypto.decrypt(member.id_cipher),
            gender="M",
            birth_date=D(1990, 1, 1),
        )


def test_another_community_cannot_register_an_applicant_in_community_a(cast):
    with pytest.raises(ValidationError, match="不在您的管理范围内"):
        create(cast, acting_user=cast.comm_b_sec)
    assert Candidate.objects.count() == 0


def test_a_future_application_date_is_refused(cast):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        create(cast, applied_on=dt.date.today() + dt.timedelta(days=1))


# ---- steps -----------------------------------------------------------------------------------
def test_a_late_talk_is_recorded_with_its_warning(cast):
    c = create(cast, applied_on=D(2026, 3, 1))
    out = record(c, Step.TALKED, D(2026, 4, 1), talked_by="王书记")
    assert [f.rule for f in out.findings] == ["dev.applicant_talk"]
    assert out.candidate.talked_on == D(2026, 4, 1)
    assert out.event.findings[0]["level"] == "warn"
    assert "晚了 1 天" in out.event.findings[0]["message"]


def test_a_talk_on_day_30_has_no_warning(cast):
    c = create(cast, applied_on=D(2026, 3, 1))
    assert record(c, Step.TALKED, D(2026, 3, 31)).findings == []


def test_a_candidate_less_than_a_year_after_activist_is_refused_and_nothing_changes(cast):
    c = make_candidate(org=cast.branch_a, upto=Stage.ACTIVIST, applied_on=D(2024, 1, 10))
    before = frozen(c)
    with pytest.raises(ValidationError) as exc:
        record(c, Step.CANDIDATE, D(2025, 2, 27))  # activist on 2024-02-29
    assert "起才能列为发展对象" in exc.value.messages[0]
    assert frozen(c) == before


def test_a_candidate_exactly_a_year_after_activist_is_accepted(cast):
    c = make_candidate(org=cast.branch_a, upto=Stage.ACTIVIST, applied_on=D(2024, 1, 10))
    assert c.activist_on == D(2024, 2, 29)
    out = record(c, Step.CANDIDATE, D(2025, 2, 28))
    assert out.candidate.stage == Stage.CANDIDATE


def test_a_step_out_of_order_is_refused(cast):
    c = create(cast)
    with pytest.raises(ValidationError, match="不能记录"):
        record(c, Step.ADMITTED, D(2026, 3, 10))


def test_a_stale_version_is_a_conflict(cast):
    c = create(cast)
    record(c, Step.TALKED, D(2026, 3, 10))
    with pytest.raises(ConflictError):
        record(c, Step.ACTIVIST, D(2026, 4, 10), expected_version=1)


# ---- admission -------------------------------------------------------------------------------
def _ready(cast, **kw):
    """A development candidate with everything done but training."""
    c = make_candidate(org=cast.branch_a, upto=Stage.CANDIDATE, applied_on=D(2023, 1, 10), **kw)
    c = record(
        c, Step.INTRODUCERS, D(2024, 3, 5), introducer_1_name="甲", introducer_2_name="乙"
    ).candidate
    c = record(c, Step.REVIEW, D(2024, 3, 20), conclusion="合格").candidate
    return record(c, Step.NOTICE, D(2024, 3, 25), notice_to=D(2024, 3, 31)).candidate


def test_admission_without_enough_training_is_refused_and_no_member_is_created(cast):
    c = _ready(cast)
    c = record(c, Step.TRAINING, D(2024, 3, 10), days=2, hours=16).candidate  # a warning only
    before = frozen(c)
    with pytest.raises(ValidationError) as exc:
        record(c, Step.ADMITTED, D(2024, 4, 20))
    assert "培训时间不足" in exc.value.messages[0]
    assert frozen(c) == before


def test_admission_without_review_or_notice_is_refused(cast):
    c = make_candidate(org=cast.branch_a, upto=Stage.CANDIDATE, applied_on=D(2023, 1, 10))
    c = record(c, Step.TRAINING, D(2024, 3, 10), days=3).candidate
    with pytest.raises(ValidationError) as exc:
        record(c, Step.ADMITTED, D(2024, 4, 20))
    text = " ".join(exc.value.messages)
    assert "入党介绍人" in text and "政治审查" in text and "公示" in text


def test_admission_puts_a_probationary_member_on_the_register(cast):
    c = _ready(cast, name="吴发展")
    c = record(c, Step.TRAINING, D(2024, 3, 10), hours=24).candidate
    meeting = make_meeting(org=cast.branch_a, kind=MeetingKind.BRANCH_GENERAL, date=D(2024, 4, 20))
    out = record(c, Step.ADMITTED, D(2024, 4, 20), meeting=meeting, user=cast.comm_a_sec)
    c = out.candidate
    assert c.stage == Stage.PROBATIONARY and c.admission_meeting == meeting
    m = Member.objects.get(pk=c.member_id)
    assert (m.name, m.status, m.joined_on, m.org) == (
        "吴发展",
        Status.PROBATIONARY,
        D(2024, 4, 20),
        cast.branch_a,
    )
    assert m.id_hash == c.id_hash and m.id_masked == c.id_masked
    assert [e.kind for e in m.events.all()] == [EventKind.REGISTERED]


def test_the_deciding_meeting_must_be_the_branch_general_meeting_of_the_same_date(cast):
    c = _ready(cast)
    c = record(c, Step.TRAINING, D(2024, 3, 10), days=3).candidate
    committee = make_meeting(
        org=cast.branch_a, kind=MeetingKind.BRANCH_COMMITTEE, date=D(2024, 4, 20)
    )
    other = make_meeting(org=cast.branch_a_2, kind=MeetingKind.BRANCH_GENERAL, date=D(2024, 4, 20))
    right = make_meeting(org=cast.branch_a, kind=MeetingKind.BRANCH_GENERAL, date=D(2024, 4, 19))
    for meeting in (committee, other):
        with pytest.raises(ValidationError, match="支部党员大会"):
            record(c, Step.ADMITTED, D(2024, 4, 20), meeting=meeting)
    with pytest.raises(ValidationError, match="不一致"):
        record(c, Step.ADMITTED, D(2024, 4, 20), meeting=right)
    assert Candidate.objects.get(pk=c.pk).stage == Stage.CANDIDATE


def test_an_introducer_must_be_a_full_member(cast):
    c = make_candidate(org=cast.branch_a, upto=Stage.CANDIDATE, applied_on=D(2023, 1, 10))
    young = make_member(org=cast.branch_a, status=Status.PROBATIONARY, joined_on=D(2026, 1, 5))
    with pytest.raises(ValidationError, match="不能担任入党介绍人"):
        record(c, Step.INTRODUCERS, D(2024, 3, 5), introducer_1=young, introducer_2=cast.member_a)
    with pytest.raises(ValidationError, match="同一人"):
        record(
            c,
            Step.INTRODUCERS,
            D(2024, 3, 5),
            introducer_1=cast.member_a,
            introducer_2=cast.member_a,
        )
    out = record(
        c, Step.INTRODUCERS, D(2024, 3, 5), introducer_1=cast.member_a, introducer_2_name="刘老师"
    )
    assert (
        out.candidate.introducer_1_label == "张三" and out.candidate.introducer_2_label == "刘老师"
    )


# ---- approval, extension, 转正 -------------------------------------------------------------
def test_approval_is_by_the_street_committee_not_the_community(cast):
    c = make_candidate(org=cast.branch_a, upto=Stage.PROBATIONARY, approved=False)
    with pytest.raises(ValidationError, match="街道（镇）党委审批"):
        record(c, Step.APPROVED, c.admitted_on + dt.timedelta(days=20), approved_by=cast.comm_a)
    out = record(c, Step.APPROVED, c.admitted_on + dt.timedelta(days=20))
    assert out.candidate.approved_by == cast.street_a and out.findings == []


def test_a_late_approval_is_recorded_with_a_warning_and_a_very_late_one_as_serious(cast):
    c = make_candidate(org=cast.branch_a, upto=Stage.PROBATIONARY, approved=False)
    out = record(c, Step.APPROVED, c.admitted_on + dt.timedelta(days=200))
    assert [f.level for f in out.findings] == ["serious"]
    c2 = make_candidate(org=cast.branch_a, upto=Stage.PROBATIONARY, approved=False)
    out2 = record(c2, Step.APPROVED, c2.admitted_on + dt.timedelta(days=100))
    assert [f.level for f in out2.findings] == ["warn"]


def test_full_membership_before_the_anniversary_is_refused_and_the_member_stays_probationary(cast):
    c = make_candidate(org=cast.branch_a, upto=Stage.PROBATIONARY)
    before = frozen(c)
    with pytest.raises(ValidationError, match="才能讨论转正"):
        record(
            c, Step.FULL, c.admitted_on.replace(year=c.admitted_on.year + 1) - dt.timedelta(days=1)
        )
    assert frozen(c) == before
    assert Member.objects.get(pk=c.member_id).status == Status.PROBATIONARY


def test_full_membership_on_the_anniversary_changes_the_members_status(cast):
    c = make_candidate(org=cast.branch_a, upto=Stage.PROBATIONARY)
    day = c.admitted_on.replace(year=c.admitted_on.year + 1)
    meeting = make_meeting(org=cast.branch_a, kind=MeetingKind.BRANCH_GENERAL, date=day)
    out = record(c, Step.FULL, day, meeting=meeting, user=cast.comm_a_sec)
    assert out.candidate.stage == Stage.FULL and out.candidate.full_meeting == meeting
    m = Member.objects.get(pk=c.member_id)
    assert (m.status, m.full_on) == (Status.FULL, day)
    assert m.events.filter(kind=EventKind.STATUS_CHANGE, date=day).count() == 1


def test_full_membership_needs_the_approval_first(cast):
    c = make_candidate(org=cast.branch_a, upto=Stage.PROBATIONARY, approved=False)
    with pytest.raises(ValidationError, match="尚未经上级党委审批"):
        record(c, Step.FULL, c.admitted_on.replace(year=c.admitted_on.year + 1))


def test_an_extended_probation_moves_the_earliest_full_membership(cast):
    c = make_candidate(org=cast.branch_a, upto=Stage.PROBATIONARY)
    anniversary = c.admitted_on.replace(year=c.admitted_on.year + 1)
    with pytest.raises(ValidationError, match="延长预备期不能少于"):
        record(c, Step.EXTENDED, anniversary, until=anniversary + dt.timedelta(days=90))
    c = record(
        c, Step.EXTENDED, anniversary, until=anniversary.replace(month=anniversary.month + 6)
    ).candidate
    assert Step.EXTENDED not in services.steps_allowed(c)
    with pytest.raises(ValidationError, match="延长的预备期还没有满"):
        record(c, Step.FULL, anniversary + dt.timedelta(days=30))
    out = record(c, Step.FULL, c.probation_extended_until)
    assert out.candidate.stage == Stage.FULL


def test_an_extension_before_the_year_is_up_is_refused(cast):
    c = make_candidate(org=cast.branch_a, upto=Stage.PROBATIONARY)
    with pytest.raises(ValidationError, match="届满时才能讨论延长预备期"):
        record(
            c,
            Step.EXTENDED,
            c.admitted_on + dt.timedelta(days=300),
            until=c.admitted_on.replace(year=c.admitted_on.year + 1, month=11),
        )


# ---- stopping, revealing ----------------------------------------------------------------------
def test_stopping_needs_a_reason_and_ends_the_pipeline(cast):
    c = create(cast)
    with pytest.raises(ValidationError, match="原因"):
        record(c, Step.STOPPED, D(2026, 4, 1))
    c = record(c, Step.STOPPED, D(2026, 4, 1), reason="本人撤回申请").candidate
    assert c.stage == Stage.STOPPED and services.steps_allowed(c) == []


def test_revealing_the_id_number_is_logged(cast):
    number = fake_id(birth_date=D(1998, 6, 1), gender="F")
    c = create(cast, id_number=number)
    assert services.candidate_reveal_id(c, acting_user=cast.comm_a_sec, ip="10.0.0.1") == number
    entry = AuditEntry.objects.get(action="reveal", object_id=str(c.pk))
    assert (entry.actor, entry.field, entry.scope_path) == (
        cast.comm_a_sec,
        "id_number",
        cast.branch_a.path,
    )
