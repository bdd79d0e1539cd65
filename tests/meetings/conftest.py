"""Fixtures of the meetings tests, first those of the §13 rules kept by the meetings app (talks, lost contact,
votes, per-leader visits, the secretary's lecture)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dangjian.core import rules
from dangjian.orgs.models import Office
from dangjian.orgs.services import office_create
from tests.factories import make_member


@pytest.fixture
def override(tmp_path, settings):
    """``override({...})``: locality numbers (the shape of DANGJIAN_RULES_FILE) for one test."""

    def write(data):
        path = tmp_path / "rules.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        settings.DANGJIAN_RULES_FILE = str(path)
        rules.reset_cache()

    yield write
    rules.reset_cache()


@pytest.fixture
def secretary(cast):
    """王书记, a member of 文化东路第一楼栋党支部 and its secretary since 2024."""
    member = make_member(org=cast.branch_a, name="王书记")
    return office_create(
        acting_user=None,
        org=cast.branch_a,
        title=Office.Title.SECRETARY,
        member=member,
        term_start=dt.date(2024, 1, 1),
    )
