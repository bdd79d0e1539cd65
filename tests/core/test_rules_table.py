"""The rules table: every §13 rule is there with a source, and localities can change numbers."""

import json

import pytest

from dangjian.core import rules

SPEC_13_RULE_IDS = {
    "meeting.branch_general",
    "meeting.branch_committee",
    "meeting.group",
    "meeting.party_lecture",
    "meeting.theme_day",
    "meeting.org_life",
    "meeting.member_appraisal",
    "member.no_org_life",
    "dues.in_service",
    "dues.retired",
    "dues.flat",
    "dues.back_payment",
    "meeting.general_vote",
    "org.branch_committee_size",
    "meeting.heart_talk",
    "member.lost_contact",
    "member.mobile_card",
    "dev.candidate_training",
    "dev.approval",
    "dev.probation_extension",
    "dev.applicant_talk",
    "dev.activist_period",
    "dev.min_age",
    "dev.probation",
    "council.joint",
    "council.coordination",
    "council.guidance",
    "council.absence_criticism",
    "council.county_leaders",
    "cobuild.unit_deeds",
    "cobuild.member_deeds",
    "cobuild.unit_volunteer_services",
    "cobuild.assessment_weight",
    "cobuild.stars",
    "grid.residents_per_cadre",
    "grid.area_visits",
    "grid.liaisons",
    "staff.county_seat",
    "staff.other_town",
    "funds.office_activity",
    "training.county",
    "training.town",
    "funds.street_special",
    "office.space_bands",
    "org.branch_min_full_members",
}


def test_every_rule_of_spec_13_is_in_the_table_with_source_and_explanation():
    ids = {r.id for r in rules.RULES}
    assert SPEC_13_RULE_IDS <= ids
    for r in rules.RULES:
        assert r.source and r.explain and r.unit and r.values, r.id


def test_numbers_are_read_by_id():
    assert rules.value("org.branch_min_full_members", "min") == 3
    assert rules.value("funds.office_activity", "county_seat_yuan") == 60000
    with pytest.raises(rules.UnknownRule):
        rules.value("no.such.rule", "x")
    with pytest.raises(rules.UnknownRule):
        rules.value("org.branch_min_full_members", "no_such_key")


@pytest.fixture
def override_file(tmp_path, settings):
    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps(
            {
                "default": {"funds.office_activity": {"county_seat_yuan": 80000}},
                "orgs": {"SA": {"grid.residents_per_cadre": {"max_residents": 400}}},
            }
        ),
        encoding="utf-8",
    )
    settings.DANGJIAN_RULES_FILE = str(path)
    rules.reset_cache()
    yield path
    rules.reset_cache()


def test_a_locality_overrides_a_number_in_configuration(override_file):
    assert rules.value("funds.office_activity", "county_seat_yuan") == 80000
    assert rules.value("funds.office_activity", "other_town_yuan") == 50000


def test_an_org_override_applies_to_that_org_and_below_only(override_file, cast):
    assert rules.value("grid.residents_per_cadre", "max_residents", org=cast.comm_a) == 400
    assert rules.value("grid.residents_per_cadre", "max_residents", org=cast.street_a) == 400
    assert rules.value("grid.residents_per_cadre", "max_residents", org=cast.comm_b) == 500


def test_an_unknown_rule_in_configuration_is_refused(tmp_path, settings):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"default": {"meeting.weekly_selfie": {"n": 7}}}), encoding="utf-8")
    settings.DANGJIAN_RULES_FILE = str(path)
    rules.reset_cache()
    try:
        with pytest.raises(rules.UnknownRule):
            rules.value("org.branch_min_full_members", "min")
    finally:
        rules.reset_cache()
