"""The demo's 信访、调解 builder on the test cast: both kinds, every state and outcome, some
overdue — run on two communities instead of the whole county (tests/demo builds the county)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import timezone

from dangjian.demo.mediation import CASES_PER_COMMUNITY, build_mediation
from dangjian.mediation.models import Case, FollowUp, Outcome, State

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_every_kind_state_and_outcome(cast, grid):
    demo = SimpleNamespace(
        communities=[SimpleNamespace(org=cast.comm_a), SimpleNamespace(org=cast.comm_b)],
        admin=cast.admin,
    )
    lines = []
    build_mediation(demo, log=lines.append)
    today = timezone.localdate()
    cases = Case.objects.all()
    assert cases.count() == 2 * CASES_PER_COMMUNITY
    assert set(cases.values_list("kind", flat=True)) == {"petition", "mediation"}
    assert set(cases.values_list("state", flat=True)) == set(State.values)
    assert set(cases.exclude(outcome="").values_list("outcome", flat=True)) == set(Outcome.values)
    assert Case.objects.overdue(today).exists()
    assert all(c.agreement for c in cases.filter(outcome="success"))
    assert all(c.referred_to for c in cases.filter(outcome="referred"))
    assert FollowUp.objects.exists()
    assert "已超期" in lines[0]
