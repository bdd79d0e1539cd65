"""volunteering 0002: the services and hours move into the deeds (issue 14) — one deed per
service with the team, place, number served and recorder, one participant per member with their
hours; two records of one event (same community, day and text) become one deed. Runs on SQLite
and PostgreSQL: it migrates the real schema back and forth (a transactional test)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dangjian.deeds.models import Deed, Participant
from tests.factories import make_member

BEFORE = [("volunteering", "0001_initial")]
DAY = dt.date(2026, 5, 1)


def _migrate(targets):
    """Migrate to ``targets`` (all leaves when None); the apps of that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_services_and_hours_become_deeds_and_one_event_recorded_twice_one_deed(
    transactional_db, cast
):
    other = make_member(org=cast.branch_a_2, name="周七")
    third = make_member(org=cast.branch_a, name="王五")
    try:
        old = _migrate(BEFORE)
        Team = old.get_model("volunteering", "Team")
        Service = old.get_model("volunteering", "Service")
        Hours = old.get_model("volunteering", "Hours")
        yigong = Team.objects.create(community_id=cast.comm_a.pk, name="义工队", kind="yigong")
        wjb = Team.objects.create(community_id=cast.comm_a.pk, name="万家帮", kind="wanjiabang")
        b_team = Team.objects.create(community_id=cast.comm_b.pk, name="乙队", kind="team")

        def serve(team, title, hours, day=DAY, **kw):
            s = Service.objects.create(team=team, date=day, title=title, **kw)
            for m, h in hours.items():
                Hours.objects.create(service=s, member_id=m.pk, hours=Decimal(h))
            return s

        first = serve(
            yigong,
            "清理楼道",
            {cast.member_a: "2", other: "1.5"},
            place="1号楼",
            beneficiaries=12,
            recorded_by_id=cast.comm_a_sec.pk,
        )
        # the same event, recorded again by the other team: one deed, one more participant
        serve(wjb, "清理 楼道。", {cast.member_a: "3", third: "1"})
        serve(yigong, "义诊", {cast.member_a: "1"}, day=DAY + dt.timedelta(days=30))
        serve(yigong, "清理楼道", {other: "2"}, day=DAY + dt.timedelta(days=1))  # another day
        serve(b_team, "清理楼道", {cast.member_b: "4"})  # another community
        before = Counter()
        services_of = Counter()
        for m, h in Hours.objects.values_list("member_id", "hours"):
            before[m] += h
            services_of[m] += 1
        team_services = Counter(Service.objects.values_list("team_id", flat=True))
    finally:
        _migrate(None)

    assert Deed.objects.count() == 4  # five services, one of them recorded twice
    merged = Deed.objects.get(community=cast.comm_a, date=DAY)
    assert (merged.title, merged.place, merged.beneficiaries, merged.team_id) == (
        "清理楼道",
        "1号楼",
        12,
        first.team_id,
    )
    assert merged.recorded_by_id == cast.comm_a_sec.pk
    assert dict(merged.participants.values_list("member_id", "hours")) == {
        cast.member_a.pk: Decimal("2.0"),  # the hours first recorded for the one event
        other.pk: Decimal("1.5"),
        third.pk: Decimal("1.0"),
    }
    after = Counter()
    deeds_of = Counter()
    for m, h in Participant.objects.values_list("member_id", "hours"):
        after[m] += h
        deeds_of[m] += 1

    # every member's hours and services are what they were, but for the one merged event
    def but_merged(counts):
        return {k: v for k, v in counts.items() if k != cast.member_a.pk}

    assert but_merged(after) == but_merged(before)
    assert after[cast.member_a.pk] == before[cast.member_a.pk] - 3
    assert deeds_of[cast.member_a.pk] == services_of[cast.member_a.pk] - 1
    for m in (other.pk, third.pk, cast.member_b.pk):
        assert deeds_of[m] == services_of[m]
    deeds_per_team = Counter(Deed.objects.values_list("team_id", flat=True))
    assert deeds_per_team[yigong.pk] == team_services[yigong.pk]
    assert deeds_per_team[b_team.pk] == team_services[b_team.pk]
    assert deeds_per_team[wjb.pk] == team_services[wjb.pk] - 1  # its record joined yigong's

    # backwards, the services and hours are written again from the deeds; forwards once more,
    # they merge into the same deeds: nothing doubled
    try:
        old = _migrate(BEFORE)
        Service = old.get_model("volunteering", "Service")
        Hours = old.get_model("volunteering", "Hours")
        assert Service.objects.count() == 4 and Hours.objects.count() == 6
    finally:
        _migrate(None)
    assert Deed.objects.count() == 4 and Participant.objects.count() == 6
