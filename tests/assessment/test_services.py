"""Inspectors' on-site scores: entered and voided only from above, audited, refused in Chinese on
bad input with nothing changed, voiding under an optimistic lock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.assessment import services
from dangjian.assessment.models import InspectorScore
from dangjian.core.models import AuditEntry
from dangjian.core.services import ConflictError


def _entries(s, action):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(InspectorScore)
    return AuditEntry.objects.filter(action=action, content_type=ct, object_id=str(s.pk))


def _add(cast, user=None, **kw):
    today = timezone.localdate()
    data = {
        "community": cast.comm_a,
        "year": today.year,
        "good": "leadership",
        "score": "88.5",
        "inspector": "东城街道考核组",
        "scored_on": today,
        "note": "班子健全",
    }
    return services.inspector_score_add(acting_user=user or cast.street_sec, **(data | kw))


def _counts():
    return InspectorScore.objects.count(), AuditEntry.objects.count()


def test_the_street_enters_a_score_and_it_is_audited_in_the_community(cast):
    s = _add(cast)
    assert (s.score, s.good, s.entered_by) == (88.5, "leadership", cast.street_sec)
    entry = _entries(s, AuditEntry.Action.CREATE).get()
    assert entry.actor == cast.street_sec and entry.scope_path == cast.comm_a.path
    assert entry.changes["score"]["after"] == "88.5"


def test_a_community_secretary_cannot_score_their_own_community(cast):
    before = _counts()
    with pytest.raises(PermissionDenied, match="街道"):
        _add(cast, cast.comm_a_sec)
    with pytest.raises(PermissionDenied):
        _add(cast, cast.comm_b_sec)  # nor another street's secretary … of community A
    assert _counts() == before


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("score", "101", "0 到 100"),
        ("score", "-1", "0 到 100"),
        ("score", "八十", "0 到 100"),
        ("score", "NaN", "0 到 100"),
        ("score", "88.55", "一位小数"),
        ("good", "beauty", "五个好"),
        ("inspector", "  ", "打分人"),
        ("scored_on", None, "打分日期"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_changes(cast, field, bad, message):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _add(cast, **{field: bad})
    assert message in " ".join(exc.value.message_dict[field])
    assert _counts() == before


def test_dates_and_years_out_of_range_are_refused(cast):
    today = timezone.localdate()
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _add(cast, scored_on=today + dt.timedelta(days=1))
    assert "不能晚于今天" in exc.value.message_dict["scored_on"][0]
    with pytest.raises(ValidationError) as exc:
        _add(cast, year=today.year + 1)
    assert "考核年度" in exc.value.message_dict["year"][0]
    with pytest.raises(ValidationError) as exc:
        _add(cast, year=today.year - 3)  # scored this year for a year three years back
    assert "次年" in exc.value.message_dict["scored_on"][0]
    with pytest.raises(ValidationError):
        _add(cast, community=cast.branch_a)  # a branch is not assessed
    assert _counts() == before


def test_voiding_takes_a_reason_and_the_version_seen_and_is_audited(cast):
    s = _add(cast)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.inspector_score_void(acting_user=cast.street_sec, score=s, reason=" ", version=1)
    assert "作废理由" in exc.value.message_dict["reason"][0]
    with pytest.raises(ConflictError, match="已被他人修改"):
        services.inspector_score_void(
            acting_user=cast.street_sec, score=s, reason="重复", version=0
        )
    with pytest.raises(PermissionDenied):
        services.inspector_score_void(
            acting_user=cast.comm_a_sec, score=s, reason="重复", version=1
        )
    assert _counts() == before
    s.refresh_from_db()
    assert s.voided_at is None and s.version == 1

    done = services.inspector_score_void(
        acting_user=cast.street_sec, score=s, reason="重复录入", version=1
    )
    assert done.voided_at is not None and done.version == 2 and done.void_reason == "重复录入"
    entry = _entries(s, AuditEntry.Action.UPDATE).get()
    assert (
        entry.scope_path == cast.comm_a.path and entry.changes["void_reason"]["after"] == "重复录入"
    )
    assert not InspectorScore.objects.live().filter(pk=s.pk).exists()
    with pytest.raises(ValidationError, match="已经作废"):
        services.inspector_score_void(
            acting_user=cast.street_sec, score=s, reason="再次", version=2
        )
