"""A step's note that does not fit the event's text (the step's own detail plus what was typed)
is refused with both counts, nothing recorded — never cut without a word."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.development import services
from dangjian.development.models import StageEvent, Step

from .factories import make_candidate


def test_a_note_too_long_is_refused_and_nothing_is_recorded(cast):
    c = make_candidate(org=cast.branch_a, talk=False)
    day = dt.date(2023, 1, 20)
    kw = {"candidate": c, "step": Step.TALKED, "date": day, "acting_user": None}
    with pytest.raises(ValidationError) as exc:
        services.candidate_record(talked_by="王书记", note="谈" * 300, **kw)
    [message] = exc.value.message_dict["note"]
    assert message.startswith("不能超过 ") and "（现在 300 个字）" in message
    assert not StageEvent.objects.filter(step=Step.TALKED).exists()
    services.candidate_record(talked_by="王书记", note="谈话顺利", **kw)
    event = StageEvent.objects.get(step=Step.TALKED)
    assert event.detail.endswith("谈话顺利")
