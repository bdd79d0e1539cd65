"""Every rule of §13 the meetings app enforces is listed by ``dangjian rules`` with its source."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

ENFORCED = (
    "meeting.heart_talk",
    "member.lost_contact",
    "meeting.general_vote",
    "council.county_leaders",
    "meeting.party_lecture",
)


@pytest.mark.parametrize("rule_id", ENFORCED)
def test_the_rules_command_lists_the_rule_with_its_numbers_and_source(rule_id):
    out = io.StringIO()
    call_command("rules", "--json", stdout=out)
    rows = {r["id"]: r for r in json.loads(out.getvalue())}
    assert rows[rule_id]["source"] and rows[rule_id]["values"]
    text = io.StringIO()
    call_command("rules", stdout=text)
    assert rule_id in text.getvalue()


def test_the_numbers_the_code_reads_are_in_the_table():
    from dangjian.core import rules

    assert rules.value("meeting.heart_talk", "min_count") == 1
    assert rules.value("member.lost_contact", "suspend_after_months") == 6
    assert rules.value("member.lost_contact", "remove_after_years") == 2
    assert rules.value("meeting.general_vote", "approve_fraction") == 0.5
    assert rules.value("meeting.party_lecture", "secretary_per_year") == 1
    assert rules.value("council.county_leaders", "visits_per_quarter") == 1
