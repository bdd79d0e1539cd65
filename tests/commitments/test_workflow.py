"""The six steps (申诺 → 议诺 → 审诺 → 示诺 → 践诺 → 评诺) as a state machine: every step from
every state, by every kind of user; returns with a reason; two reviewers at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.commitments import services
from dangjian.commitments.models import Commitment, Rating, State, Step
from dangjian.commitments.services_rating import rate
from dangjian.core.services import ConflictError

from .factories import branch_meeting, draft, put_in

TODAY = dt.date(2026, 11, 24)

#: step → the one state it may be taken from.
SOURCE = {
    "apply": State.DRAFT,
    "deliberate": State.APPLIED,
    "return_from_deliberation": State.APPLIED,
    "approve": State.DELIBERATED,
    "return_from_review": State.DELIBERATED,
    "open_evaluation": State.PUBLISHED,
    "conclude": State.EVALUATING,
}
#: step → the users (cast attributes) who may take it on member_a's commitment.
WHO = {
    "apply": {"member_user"},
    "deliberate": {"branch_sec", "comm_a_sec", "street_sec", "admin"},
    "return_from_deliberation": {"branch_sec", "comm_a_sec", "street_sec", "admin"},
    "approve": {"comm_a_sec", "street_sec", "admin"},
    "return_from_review": {"comm_a_sec", "street_sec", "admin"},
    "open_evaluation": {"branch_sec", "comm_a_sec", "street_sec", "admin"},
    "conclude": {"branch_sec", "comm_a_sec", "street_sec", "admin"},
}
USERS = ("member_user", "branch_sec", "comm_a_sec", "street_sec", "admin", "comm_b_sec", "outsider")


def _args(cast, action, c):
    if action == "deliberate":
        return {"meeting": branch_meeting(cast)}
    if action.startswith("return_"):
        return {"reason": "承诺内容过于笼统，请写明每月次数。"}
    if action == "conclude":  # the organisation's rating comes first
        Rating.objects.get_or_create(commitment=c, tier="org", defaults={"score": 85})
    return {}


def _step(cast, c, action, user, **kw):
    today = kw.pop("today", TODAY)
    return services.take_step(
        c,
        action=action,
        acting_user=getattr(cast, user),
        expected_version=c.version,
        today=today,
        **{**_args(cast, action, c), **kw},
    )


@pytest.mark.parametrize("action", list(SOURCE))
@pytest.mark.parametrize("state", list(State.values))
def test_a_step_is_allowed_only_from_the_state_before_it(cast, action, state):
    c = put_in(draft(cast), state)
    user = sorted(WHO[action])[0]
    if state == SOURCE[action]:
        done = _step(cast, c, action, user)
        assert done.state != state
        assert Step.objects.filter(commitment=c, action=action).count() == 1
    else:
        with pytest.raises(ValidationError, match="不能进行"):
            _step(cast, c, action, user)
        after = Commitment.objects.get(pk=c.pk)
        assert (after.state, after.version) == (state, c.version)
        assert not Step.objects.filter(commitment=c).exists()


@pytest.mark.parametrize("action", list(SOURCE))
@pytest.mark.parametrize("user", USERS)
def test_each_step_is_taken_only_by_whom_it_belongs_to(cast, action, user):
    c = put_in(draft(cast), SOURCE[action])
    if user in WHO[action]:
        assert _step(cast, c, action, user).state != SOURCE[action]
    else:
        with pytest.raises(PermissionDenied):
            _step(cast, c, action, user)
        assert Commitment.objects.get(pk=c.pk).state == SOURCE[action]
        assert not Step.objects.filter(commitment=c).exists()


def test_the_whole_way_from_draft_to_grade(cast):
    c = draft(cast)
    c = _step(cast, c, "apply", "member_user", today=dt.date(2026, 11, 18))
    c = _step(cast, c, "deliberate", "branch_sec")  # the meeting of 11-20
    c = _step(cast, c, "approve", "comm_a_sec")
    assert c.state == State.PUBLISHED and c.published_on == TODAY  # 示诺 follows by itself
    c = _step(cast, c, "open_evaluation", "branch_sec")
    rate(c, tier="self", acting_user=cast.member_user, score=95)
    rate(c, tier="org", acting_user=cast.branch_sec, score="86")
    c = _step(cast, c, "conclude", "branch_sec")
    # self 95 × 0.1 and organisation 86 × 0.3, scaled to the two tiers present: 88.25 → 88.3
    assert (c.state, c.score, c.grade) == (State.EVALUATED, Decimal("88.3"), "合格")
    steps = list(Step.objects.filter(commitment=c).values_list("action", "actor__username"))
    assert steps == [
        ("apply", "member_a"),
        ("deliberate", "branch_a_sec"),
        ("approve", "comm_a_sec"),
        ("publish", None),
        ("open_evaluation", "branch_a_sec"),
        ("conclude", "branch_a_sec"),
    ]


def test_no_grade_before_the_organisation_has_rated(cast):
    c = put_in(draft(cast), State.EVALUATING)
    with pytest.raises(ValidationError, match="组织评定"):
        services.take_step(
            c, action="conclude", acting_user=cast.branch_sec, expected_version=c.version
        )
    assert Commitment.objects.get(pk=c.pk).state == State.EVALUATING


def test_the_branch_submits_for_a_member_without_an_account_and_says_so(cast):
    from tests.factories import make_member

    no_phone = make_member(org=cast.branch_a, name="钱老伯")
    c = draft(cast, member=no_phone, by=cast.branch_sec)
    c = _step(cast, c, "apply", "branch_sec")
    assert c.state == State.APPLIED
    assert Step.objects.get(commitment=c).reason == "由支部代为申诺（党员无账号）"
    with pytest.raises(PermissionDenied):
        _step(
            cast,
            put_in(draft(cast, member=no_phone, by=cast.branch_sec), State.DRAFT),
            "apply",
            "comm_b_sec",
        )


def test_publication_is_nobodys_step(cast):
    c = put_in(draft(cast), State.APPROVED)
    with pytest.raises(ValidationError, match="没有这个环节"):
        services.take_step(c, action="publish", acting_user=cast.admin, expected_version=c.version)


def test_a_return_needs_a_reason_and_goes_back_to_the_draft(cast):
    c = put_in(draft(cast), State.APPLIED)
    with pytest.raises(ValidationError, match="写明原因"):
        _step(cast, c, "return_from_deliberation", "branch_sec", reason="  ")
    c = _step(cast, c, "return_from_deliberation", "branch_sec")
    assert c.state == State.DRAFT and "每月次数" in c.return_reason
    c = services.commitment_edit(
        c,
        acting_user=cast.member_user,
        expected_version=c.version,
        kind="deed",
        title="每月为独居老人代买药品",
        content="每月 2 次。",
    )
    c = _step(cast, c, "apply", "member_user")
    assert c.state == State.APPLIED and c.return_reason == ""


def test_the_review_sends_back_to_the_member_not_to_the_branch(cast):
    c = put_in(draft(cast), State.DELIBERATED)
    c = _step(cast, c, "return_from_review", "comm_a_sec")
    assert c.state == State.DRAFT and c.meeting is None


@pytest.mark.parametrize(
    ("meeting_org", "kind", "day", "message"),
    [
        ("branch_a_2", "branch_committee", dt.date(2026, 11, 20), "本支部"),
        ("branch_a", "theme_day", dt.date(2026, 11, 20), "本支部"),
        ("branch_a", "branch_general", dt.date(2026, 11, 30), "已经召开"),
    ],
)
def test_deliberation_names_a_held_meeting_of_the_branch(cast, meeting_org, kind, day, message):
    from tests.meetings.factories import make_meeting

    c = put_in(draft(cast), State.APPLIED)
    meeting = make_meeting(org=getattr(cast, meeting_org), kind=kind, date=day)
    with pytest.raises(ValidationError, match=message):
        _step(cast, c, "deliberate", "branch_sec", meeting=meeting)
    early = make_meeting(org=cast.branch_a, kind="branch_general", date=dt.date(2026, 11, 2))
    Step.objects.create(
        commitment=c,
        action="apply",
        from_state="draft",
        to_state="applied",
        on=dt.date(2026, 11, 3),
    )
    with pytest.raises(ValidationError, match="不能早于"):
        _step(cast, c, "deliberate", "branch_sec", meeting=early)
    with pytest.raises(ValidationError, match="请选择议诺的会议"):
        _step(cast, c, "deliberate", "branch_sec", meeting=None)
    assert Commitment.objects.get(pk=c.pk).state == State.APPLIED


def test_two_reviewers_at_once_one_wins_the_other_is_told(cast):
    c = put_in(draft(cast), State.DELIBERATED)
    seen_by_both = c.version
    services.take_step(
        c, action="approve", acting_user=cast.comm_a_sec, expected_version=seen_by_both
    )
    with pytest.raises(ConflictError, match="刷新"):
        services.take_step(
            c,
            action="return_from_review",
            acting_user=cast.street_sec,
            expected_version=seen_by_both,
            reason="不同意",
        )
    after = Commitment.objects.get(pk=c.pk)
    assert after.state == State.PUBLISHED and after.return_reason == ""
    assert list(Step.objects.filter(commitment=c).values_list("action", flat=True)) == [
        "approve",
        "publish",
    ]


def test_a_submitted_commitment_cannot_be_rewritten(cast):
    c = put_in(draft(cast), State.APPLIED)
    with pytest.raises(ValidationError, match="不能再修改"):
        services.commitment_edit(
            c,
            acting_user=cast.member_user,
            expected_version=c.version,
            **{"kind": "deed", "title": "x", "content": "y"},
        )


def test_only_the_member_or_their_branch_drafts(cast):
    assert draft(cast, by=cast.branch_sec).org == cast.branch_a
    with pytest.raises(PermissionDenied):
        draft(cast, by=cast.comm_b_sec)


def test_a_draft_without_content_is_refused_with_the_field_named(cast):
    with pytest.raises(ValidationError) as e:
        draft(cast, content=" ", kind="other")
    assert set(e.value.message_dict) == {"content", "kind"}
    assert not Commitment.objects.exists()
