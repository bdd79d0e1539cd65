"""The data migration of issue 14 (cobuild 0004): every activity becomes a deed with its units
and members; two activities of one community on one day with the same text (spaces and
punctuation aside) become one deed and one activity. Runs on SQLite and PostgreSQL alike (real
transactions: the schema goes back to 0003 and forward again)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dangjian.orgs.models import OrgKind
from tests.factories import make_member, make_org
from tests.meetings.factories import make_unit

BEFORE = [("cobuild", "0003_activity_deed")]
AFTER = [("cobuild", "0004_deeds_data")]
MAY_1, MAY_2 = dt.date(2026, 5, 1), dt.date(2026, 5, 2)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _per_unit_and_member(apps, *, old: bool):
    """How many records each unit and each member took part in."""
    if old:
        Activity = apps.get_model("cobuild", "Activity")
        units = Counter(Activity.units.through.objects.values_list("residentunit_id", flat=True))
        members = Counter(Activity.members.through.objects.values_list("member_id", flat=True))
    else:
        Deed = apps.get_model("deeds", "Deed")
        Participant = apps.get_model("deeds", "Participant")
        units = Counter(Deed.units.through.objects.values_list("residentunit_id", flat=True))
        members = Counter(Participant.objects.values_list("member_id", flat=True))
    return units, members


@pytest.mark.django_db(transaction=True)
def test_activities_become_deeds_and_the_same_event_recorded_twice_becomes_one():
    # Organisations, units and members: tables no migration of this chain touches.
    county = make_org(parent=None, kind=OrgKind.COUNTY, name="迁移县委", code="MX")
    comm_a = make_org(parent=county, kind=OrgKind.COMMUNITY_COMMITTEE, name="甲社区", code="MA")
    comm_b = make_org(parent=county, kind=OrgKind.GENERAL_BRANCH, name="乙社区", code="MB")
    branch_a = make_org(parent=comm_a, kind=OrgKind.BRANCH, name="甲支部", code="MA1")
    branch_b = make_org(parent=comm_b, kind=OrgKind.BRANCH, name="乙支部", code="MB1")
    school, hospital = make_unit(community=comm_a, name="学校"), make_unit(community=comm_a)
    bank = make_unit(community=comm_b, name="银行")
    zhang, wang = make_member(org=branch_a, name="张迁"), make_member(org=branch_a, name="王迁")
    li = make_member(org=branch_b, name="李迁")
    try:
        old = _migrate(BEFORE)
        Activity = old.get_model("cobuild", "Activity")
        Photo = old.get_model("cobuild", "Photo")

        def record(community, day, title, units, members, **fields):
            a = Activity.objects.create(
                community_id=community.pk, date=day, title=title, kind="service", **fields
            )
            a.units.set([u.pk for u in units])
            a.members.set([m.pk for m in members])
            return a

        first = record(comm_a, MAY_1, "义诊进社区", [school], [zhang], is_deed=True, money=1000)
        again = record(  # the same event, typed again with other spacing and punctuation
            comm_a,
            MAY_1,
            "义诊 进社区。",
            [hospital],
            [zhang, wang],
            summary="测血压。",
            place="社区广场",
            beneficiaries=40,
        )
        Photo.objects.create(activity=again, file="cobuild/2026/05/p.png")
        record(comm_a, MAY_2, "义诊进社区", [school], [wang])  # another day: its own deed
        record(comm_b, MAY_1, "义诊进社区", [bank], [li])  # another community: its own deed
        units_before, members_before = _per_unit_and_member(old, old=True)
        assert Activity.objects.count() == 4

        new = _migrate(AFTER)
        Activity = new.get_model("cobuild", "Activity")
        Deed = new.get_model("deeds", "Deed")
        Participant = new.get_model("deeds", "Participant")
        assert Deed.objects.count() == 3 and Activity.objects.count() == 3
        assert not Activity.objects.filter(deed__isnull=True).exists()
        merged = Activity.objects.get(pk=first.pk)
        deed = Deed.objects.get(pk=merged.deed_id)
        assert (deed.community_id, deed.date, deed.title) == (comm_a.pk, MAY_1, "义诊进社区")
        assert (deed.place, deed.beneficiaries) == ("社区广场", 40)  # filled from the second
        assert set(deed.units.values_list("pk", flat=True)) == {school.pk, hospital.pk}
        assert set(Participant.objects.filter(deed=deed).values_list("member_id", flat=True)) == {
            zhang.pk,
            wang.pk,
        }
        assert (merged.is_deed, merged.money, merged.summary) == (
            True,
            Decimal("1000.00"),
            "测血压。",
        )
        assert new.get_model("cobuild", "Photo").objects.get().activity_id == first.pk
        assert not Activity.objects.filter(pk=again.pk).exists()
        assert set(Deed.objects.values_list("community_id", "date")) == {
            (comm_a.pk, MAY_1),
            (comm_a.pk, MAY_2),
            (comm_b.pk, MAY_1),
        }
        units_after, members_after = _per_unit_and_member(new, old=False)
        # Every unit and member counts the same, except that 张迁 was in the event recorded twice.
        assert units_after == units_before
        assert members_after == members_before - Counter({zhang.pk: 1})
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
