"""Structural warnings at each rule's boundary: the system warns, it never refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core import rules
from dangjian.orgs.models import Office, OrgKind
from dangjian.orgs.selectors import org_warnings, today
from dangjian.orgs.services import office_create, office_update

from ..factories import make_member, make_org
from .conftest import elect, fill


def kinds(org) -> set[str]:
    return {w.kind for w in org_warnings(orgs=[org])[org.pk]}


@pytest.fixture
def branch(cast):
    """A fresh branch in community A with a secretary, so only the rule under test speaks."""
    org = make_org(parent=cast.comm_a, kind=OrgKind.BRANCH, name="测试支部")
    office_create(
        acting_user=None,
        org=org,
        title="secretary",
        holder_name="书记甲",
        term_start=dt.date(2024, 1, 1),
        term_end=dt.date(2099, 1, 1),
    )
    return org


def test_a_branch_with_two_full_members_is_warned(branch):
    fill(branch, full=2, probationary=3)
    assert "too_few_full" in kinds(branch)
    (w,) = [w for w in org_warnings(orgs=[branch])[branch.pk] if w.kind == "too_few_full"]
    assert "只有 2 名" in w.message and w.rule_id == "org.branch_min_full_members"


def test_a_branch_with_three_full_members_is_not_warned(branch):
    fill(branch, full=3)
    assert "too_few_full" not in kinds(branch)


def test_members_who_left_the_register_do_not_count(branch):
    fill(branch, full=2)
    gone = make_member(org=branch)
    type(gone).objects.filter(pk=gone.pk).update(state="transferred_out")
    assert "too_few_full" in kinds(branch)


def test_seven_full_members_without_a_committee_are_told_to_elect_one(branch):
    fill(branch, full=7)
    assert "needs_committee" in kinds(branch)


def test_six_full_members_without_a_committee_are_fine(branch):
    fill(branch, full=6)
    assert kinds(branch) == set()


def test_seven_full_members_with_a_committee_are_fine(branch):
    fill(branch, full=7)
    elect(branch, 2, end=dt.date(2099, 1, 1))  # with the secretary: three people
    assert kinds(branch) == set()


def test_six_full_members_with_a_committee_are_told_they_need_not_have_one(branch):
    fill(branch, full=6)
    elect(branch, 2, end=dt.date(2099, 1, 1))
    assert kinds(branch) == {"committee_not_needed"}


def test_a_committee_of_more_than_seven_people_is_too_large(branch):
    fill(branch, full=20)
    elect(branch, 6, end=dt.date(2099, 1, 1))
    assert "committee_too_large" not in kinds(branch)  # 7 people
    office_create(
        acting_user=None, org=branch, title="committee", holder_name="委员八", term_start=today()
    )
    assert "committee_too_large" in kinds(branch)  # 8 people


def test_one_person_with_two_titles_counts_once(branch):
    fill(branch, full=7)
    m = make_member(org=branch)
    for title in ("deputy", "organiser"):
        office_create(acting_user=None, org=branch, title=title, member=m, term_start=today())
    assert "needs_committee" in kinds(branch)  # secretary + one person = 2 < 3


def test_fifty_members_stay_a_branch_and_fifty_one_should_be_a_general_branch(branch):
    fill(branch, full=40, probationary=10)
    assert "should_be_general_branch" not in kinds(branch)
    fill(branch, probationary=1)
    assert "should_be_general_branch" in kinds(branch)


def test_a_hundred_members_is_a_general_branch_and_a_hundred_and_one_a_party_committee(branch):
    fill(branch, full=100)
    assert kinds(branch) >= {"should_be_general_branch"}
    assert "should_be_party_committee" not in kinds(branch)
    fill(branch, full=1)
    found = kinds(branch)
    assert "should_be_party_committee" in found and "should_be_general_branch" not in found


def test_a_general_branch_over_a_hundred_should_become_a_party_committee(cast):
    general = make_org(parent=cast.street_a, kind=OrgKind.GENERAL_BRANCH)
    fill(make_org(parent=general), full=101)
    assert "should_be_party_committee" in kinds(general)


def test_a_party_committee_is_not_told_to_grow(cast):
    fill(cast.branch_a_2, full=101)
    assert not kinds(cast.comm_a) & {"should_be_party_committee", "should_be_general_branch"}


def test_a_term_ending_inside_the_reminder_window_is_warned(branch):
    days = rules.value("org.branch_committee_size", "remind_days_before_end")
    fill(branch, full=3)
    office_create(
        acting_user=None,
        org=branch,
        title="deputy",
        holder_name="副书记乙",
        term_start=dt.date(2021, 1, 1),
        term_end=today() + dt.timedelta(days=days),
    )
    (w,) = org_warnings(orgs=[branch])[branch.pk]
    assert w.kind == "term_ending" and "副书记乙" in w.message


def test_a_term_ending_just_outside_the_reminder_window_is_not_warned(branch):
    days = rules.value("org.branch_committee_size", "remind_days_before_end")
    fill(branch, full=3)
    office_create(
        acting_user=None,
        org=branch,
        title="deputy",
        holder_name="副书记乙",
        term_start=dt.date(2021, 1, 1),
        term_end=today() + dt.timedelta(days=days + 1),
    )
    assert kinds(branch) == set()


def test_a_term_that_ended_while_the_holder_is_still_in_office_is_overdue(branch):
    fill(branch, full=3)
    office_create(
        acting_user=None,
        org=branch,
        title="deputy",
        holder_name="副书记乙",
        term_start=dt.date(2019, 1, 1),
        term_end=today() - dt.timedelta(days=1),
    )
    assert kinds(branch) == {"term_ended"}


def test_a_committee_ending_together_gives_one_reminder(branch):
    fill(branch, full=7)
    elect(branch, 3, start=dt.date(2021, 1, 1), end=today() + dt.timedelta(days=10))
    found = [w for w in org_warnings(orgs=[branch])[branch.pk] if w.kind == "term_ending"]
    assert len(found) == 1 and len(found[0].holders) == 3


def test_an_organisation_without_a_secretary_is_warned(cast):
    fill(cast.branch_a_2, full=3)
    assert "no_secretary" in kinds(cast.branch_a_2)
    assert "no_group_leader" in kinds(cast.group_a)


def test_a_secretary_who_left_no_longer_counts(branch):
    fill(branch, full=3)
    office = Office.objects.get(org=branch, title="secretary")
    office_update(office, data={"left_on": today()}, acting_user=None)
    assert kinds(branch) == {"no_secretary"}


def test_a_locality_can_change_the_minimum(branch, settings):
    fill(branch, full=3)
    settings.DANGJIAN_RULES = {
        "default": {},
        "orgs": {"CA": {"org.branch_min_full_members": {"min": 4}}},
    }
    rules.reset_cache()
    try:
        assert "too_few_full" in kinds(branch)  # the override on community A reaches it
    finally:
        del settings.DANGJIAN_RULES
        rules.reset_cache()


def test_an_office_without_an_end_date_gets_the_rule_term(cast):
    start = dt.date(2024, 3, 1)
    in_community = office_create(
        acting_user=None, org=cast.branch_a, title="secretary", holder_name="甲", term_start=start
    )
    in_street = office_create(
        acting_user=None, org=cast.street_a, title="secretary", holder_name="乙", term_start=start
    )
    assert in_community.term_end == dt.date(2029, 2, 28)  # five years in communities
    assert in_street.term_end == dt.date(2027, 2, 28)  # three elsewhere


@pytest.mark.parametrize("n", [5, 50])
@pytest.mark.parametrize("overrides", [False, True])
def test_warnings_for_many_organisations_take_a_fixed_number_of_queries(
    cast, n, overrides, settings
):
    parent = make_org(parent=cast.comm_a, kind=OrgKind.BRANCH)
    orgs = [make_org(parent=parent, kind=OrgKind.JOINT_BRANCH) for _ in range(n)]
    for o in orgs[:3]:
        fill(o, full=3)
        office_create(
            acting_user=None, org=o, title="secretary", holder_name="书记", term_start=today()
        )
    if overrides:
        settings.DANGJIAN_RULES = {"orgs": {"CA": {"org.branch_min_full_members": {"min": 4}}}}
    rules.reset_cache()
    try:
        with CaptureQueriesContext(connection) as ctx:
            found = org_warnings(orgs=orgs)
    finally:
        rules.reset_cache()
    # member counts and current offices; with local overrides also the ancestors' codes
    assert len(ctx.captured_queries) == (3 if overrides else 2)
    assert sum(1 for o in orgs if found[o.pk]) == (n if overrides else n - 3)
