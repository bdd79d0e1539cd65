"""Helpers for the development tests: a logged-in client per cast member, and a pipeline of
people at every stage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from dangjian.development.models import Stage

from .factories import make_candidate

BACKEND = "dangjian.accounts.backends.ModelBackend"
STAGES = [Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY, Stage.FULL]


@pytest.fixture
def client_for(db):
    def make(user) -> Client:
        c = Client()
        c.force_login(user, backend=BACKEND)
        return c

    return make


def add_people(org, n, start=0):
    """``n`` people in ``org``, cycling through the stages (distinct birth dates keep the
    fictitious ID numbers distinct)."""
    for i in range(start, start + n):
        make_candidate(
            org=org,
            upto=STAGES[i % len(STAGES)],
            birth_date=dt.date(1990, 1, 1) + dt.timedelta(days=7 * i),
            applied_on=dt.date(2023, 1, 10) + dt.timedelta(days=i % 20),
        )
