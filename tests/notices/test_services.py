"""Notices' writes at their boundaries: who may post where, dates, lengths; withdrawing keeps
the notice; a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError
from dangjian.members.models import Category
from dangjian.notices import services
from dangjian.notices.models import Audience, Notice
from dangjian.notices.selectors import public_for

from .conftest import TODAY, days, post


def _field_errors(exc: ValidationError) -> dict:
    return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}


def test_a_notice_is_posted_trimmed_and_audited(cast):
    n = post(cast, title="  通知标题  ", body="\n 正文 \n")
    assert (n.title, n.body, n.to_org, n.created_by) == (
        "通知标题",
        "正文",
        cast.comm_a,
        cast.comm_a_sec,
    )
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(n.pk)).exists()


def test_withdraw_on_the_publish_day_is_refused_the_next_day_is_fine(cast, notice):
    with pytest.raises(ValidationError) as exc:
        services.notice_withdraw(
            notice, acting_user=cast.comm_a_sec, expected_version=notice.version, on=TODAY
        )
    assert "晚于发布日期" in _field_errors(exc.value)["withdraw_on"][0]
    notice.refresh_from_db()
    assert notice.withdraw_on is None and notice.version == 1
    done = services.notice_withdraw(
        notice, acting_user=cast.comm_a_sec, expected_version=1, on=days(1)
    )
    assert done.withdraw_on == days(1) and done.version == 2
    assert Notice.objects.filter(pk=notice.pk).exists()  # never deleted


def test_a_withdraw_date_equal_to_the_publish_date_is_refused_on_posting_too(cast):
    with pytest.raises(ValidationError) as exc:
        post(cast, publish_on=days(3), withdraw_on=days(3))
    assert "withdraw_on" in exc.value.error_dict
    assert post(cast, publish_on=days(3), withdraw_on=days(4)).withdraw_on == days(4)


def test_a_notice_is_shown_on_its_publish_day_and_not_on_its_withdraw_day(cast):
    n = post(cast, audience=Audience.PUBLIC, publish_on=days(2), withdraw_on=days(5))
    shown = lambda d: n in Notice.objects.current(d)  # noqa: E731
    assert [shown(days(i)) for i in (1, 2, 4, 5)] == [False, True, True, False]
    assert n in public_for(cast.comm_a, days(2)) and n not in public_for(cast.comm_a, days(5))


def test_to_org_outside_the_publishing_subtree_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        post(cast, org=cast.branch_a, user=cast.comm_a_sec, to_org=cast.branch_a_2)
    assert "下属" in _field_errors(exc.value)["to_org"][0]
    with pytest.raises(ValidationError):
        post(cast, to_org=cast.branch_b)
    assert post(cast, to_org=cast.branch_a).to_org == cast.branch_a
    assert Notice.objects.count() == 1


def test_a_body_of_5001_characters_is_refused_with_a_message_5000_is_fine(cast):
    with pytest.raises(ValidationError) as exc:
        post(cast, body="字" * 5001)
    msg = _field_errors(exc.value)["body"][0]
    assert "5000" in msg and "5001" in msg and "不会自动截断" in msg
    assert not Notice.objects.exists()
    assert len(post(cast, body="字" * 5000).body) == 5000


def test_empty_title_and_body_are_refused_by_field(cast):
    with pytest.raises(ValidationError) as exc:
        post(cast, title="   ", body=" \n ")
    assert set(exc.value.error_dict) >= {"title", "body"}


def test_publish_on_at_most_a_year_ahead(cast):
    ahead = services.max_ahead_days(cast.comm_a)
    assert post(cast, publish_on=days(ahead)).publish_on == days(ahead)
    with pytest.raises(ValidationError) as exc:
        post(cast, publish_on=days(ahead + 1))
    assert "publish_on" in exc.value.error_dict


def test_only_who_may_change_the_org_posts(cast):
    for user in (cast.comm_b_sec, cast.outsider, cast.member_user, cast.branch_sec):
        with pytest.raises(PermissionDenied):
            post(cast, user=user)
    assert post(cast, org=cast.branch_a, user=cast.branch_sec).org == cast.branch_a
    assert post(cast, user=cast.street_sec).org == cast.comm_a


def test_a_public_notice_comes_from_a_community_or_below_without_to_org_or_category(cast):
    with pytest.raises(ValidationError) as exc:
        post(cast, org=cast.street_a, user=cast.street_sec, audience=Audience.PUBLIC)
    assert "org" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        post(cast, audience=Audience.PUBLIC, to_org=cast.branch_a, category=Category.RETIRED)
    assert set(exc.value.error_dict) == {"to_org", "category"}
    assert post(cast, org=cast.branch_a, audience=Audience.PUBLIC).audience == Audience.PUBLIC
    assert post(cast, org=cast.street_a, user=cast.street_sec).org == cast.street_a  # to members


def test_update_checks_the_version_and_the_rules(cast, notice):
    n = services.notice_update(
        notice,
        acting_user=cast.comm_a_sec,
        expected_version=1,
        title="新标题",
        to_org=cast.branch_a,
    )
    assert (n.title, n.to_org, n.version) == ("新标题", cast.branch_a, 2)
    with pytest.raises(ConflictError):
        services.notice_update(notice, acting_user=cast.comm_a_sec, expected_version=1, title="x")
    with pytest.raises(ValidationError):
        services.notice_update(
            notice, acting_user=cast.comm_a_sec, expected_version=2, body="字" * 5001
        )
    with pytest.raises(PermissionDenied):
        services.notice_update(notice, acting_user=cast.comm_b_sec, expected_version=2, title="x")
    notice.refresh_from_db()
    assert (notice.title, notice.version) == ("新标题", 2)
    assert (
        AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_id=str(notice.pk)).count()
        == 1
    )


def test_a_withdrawn_notice_is_neither_withdrawn_again_nor_changed(cast):
    n = post(cast, publish_on=days(-10), withdraw_on=days(-1))
    with pytest.raises(ValidationError):
        services.notice_withdraw(n, acting_user=cast.comm_a_sec, expected_version=1)
    with pytest.raises(ValidationError):
        services.notice_update(n, acting_user=cast.comm_a_sec, expected_version=1, title="x")
    assert services.state_of(n, TODAY) == "withdrawn"


def test_withdraw_defaults_to_today_for_a_notice_published_before(cast):
    n = post(cast, publish_on=days(-3))
    n = services.notice_withdraw(n, acting_user=cast.comm_a_sec, expected_version=1)
    assert n.withdraw_on == TODAY and n not in Notice.objects.current(TODAY)
    with pytest.raises(ValidationError):  # not into the past
        m = post(cast, publish_on=days(-3))
        services.notice_withdraw(m, acting_user=cast.comm_a_sec, expected_version=1, on=days(-1))
