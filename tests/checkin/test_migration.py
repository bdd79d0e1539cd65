"""The data migrations of issue 14 for check-ins (checkin 0003–0006, members 0004): check-in
deeds become deeds of the community — the same event recorded twice, or already moved from
another part, becoming one deed with one more participant —; pairings point at the household on
the places tree when its name is unambiguous; a post becomes a holding when the community has
that post; the employer moves onto the member record (the check-in's value winning only when
newer). Runs on SQLite and PostgreSQL alike (real transactions: the schema goes back and forward
again)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from dangjian.orgs.models import OrgKind, PlaceKind, ResidentUnit
from tests.factories import make_member, make_org, make_place

BEFORE = [("checkin", "0002_checkin_end_reason"), ("members", "0003_list_indexes")]
MAR_1, APR_1, APR_2, MAY_1 = (dt.date(2026, m, d) for m, d in ((3, 1), (4, 1), (4, 2), (5, 1)))


def _migrate(targets):
    """Migrate to ``targets``; the models of every app as the database now has them."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_check_in_facts_move_to_their_one_place():
    # Organisations, places, units, members and users: created with today's schema; the members'
    # new column goes and comes back with the migrations, their rows stay.
    county = make_org(parent=None, kind=OrgKind.COUNTY, name="迁移县委", code="RX")
    comm_a = make_org(parent=county, kind=OrgKind.COMMUNITY_COMMITTEE, name="甲社区", code="RA")
    comm_b = make_org(parent=county, kind=OrgKind.GENERAL_BRANCH, name="乙社区", code="RB")
    branch_b = make_org(parent=comm_b, kind=OrgKind.BRANCH, name="税务局支部", code="RB1")
    top = make_place(parent=None, community=comm_a, name="甲社区")
    grid = make_place(parent=top, community=comm_a, kind=PlaceKind.GRID, name="一网格")
    b1 = make_place(parent=grid, community=comm_a, kind=PlaceKind.BUILDING, name="1号楼")
    b2 = make_place(parent=grid, community=comm_a, kind=PlaceKind.BUILDING, name="2号楼")
    c1 = make_place(parent=b1, community=comm_a, kind=PlaceKind.CORRIDOR, name="1单元")
    c2 = make_place(parent=b2, community=comm_a, kind=PlaceKind.CORRIDOR, name="1单元")
    h101 = make_place(parent=c1, community=comm_a, kind=PlaceKind.HOUSEHOLD, name="101")
    make_place(parent=c1, community=comm_a, kind=PlaceKind.HOUSEHOLD, name="102")
    make_place(parent=c2, community=comm_a, kind=PlaceKind.HOUSEHOLD, name="102")  # ambiguous
    tax = ResidentUnit.objects.create(
        name="县税务局", kind="government", community=comm_b, party_org=branch_b
    )
    zhang = make_member(org=branch_b, name="张迁")  # no employer on the record
    wang = make_member(org=branch_b, name="王迁", work_unit="县医院")  # record older
    li = make_member(org=branch_b, name="李迁", work_unit="县财政局")  # record newer
    zhao = make_member(org=branch_b, name="赵迁", work_unit="县税务局")  # same name as the unit
    clerk = get_user_model().objects.create_user("clerk", password="x")
    try:
        old = _migrate(BEFORE)
        Member = old.get_model("members", "Member")
        Member.objects.filter(pk=wang.pk).update(
            updated_at=timezone.make_aware(dt.datetime(2025, 1, 1))
        )
        CheckIn = old.get_model("checkin", "CheckIn")
        OldDeed = old.get_model("checkin", "Deed")
        Pairing = old.get_model("checkin", "Pairing")
        Post = old.get_model("commitments", "Post")
        Deed = old.get_model("deeds", "Deed")
        Participant = old.get_model("deeds", "Participant")
        patrol = Post.objects.create(community_id=comm_a.pk, name="治安巡逻岗", kind="post")

        def check_in(member, **fields):
            return CheckIn.objects.create(
                member_id=member.pk, community_id=comm_a.pk, checked_in_on=MAR_1, **fields
            )

        cz = check_in(zhang, employer="县税务局", unit_id=tax.pk, post="治安巡逻岗")
        cw = check_in(wang, employer="县医院新院", employer_party_org="县医院党委")
        cl = check_in(li, employer="别的单位", post="没有这个岗")
        check_in(zhao, employer="县税务局", unit_id=tax.pk)
        # A volunteer service moved before (volunteering 0002) that 王迁 took part in.
        service = Deed.objects.create(community_id=comm_a.pk, date=MAY_1, title="清理楼道")
        Participant.objects.create(deed=service, member_id=wang.pk, hours=2)

        def deed(c, day, title, **fields):
            return OldDeed.objects.create(checkin=c, date=day, title=title, **fields)

        deed(cz, APR_1, "为独居老人修理水管", recorded_by_id=clerk.pk)
        deed(cw, APR_1, "为独居老人 修理水管。")  # the same event, typed again
        deed(cl, APR_2, "义诊")
        deed(cz, MAY_1, "清理楼道")  # the same as the volunteer service
        deed(cz, MAY_1, "清理楼道小广告")  # another text: its own deed
        Pairing.objects.create(checkin=cz, household="101", since=APR_1)
        Pairing.objects.create(checkin=cw, household="102", since=APR_1)
        Pairing.objects.create(checkin=cl, household="河边张家", since=APR_1)
        before = Counter(OldDeed.objects.values_list("checkin__member_id", flat=True))
        before[wang.pk] += 1  # the volunteer service

        new = _migrate(_leaves())
        Deed = new.get_model("deeds", "Deed")
        Participant = new.get_model("deeds", "Participant")
        # 5 check-in deeds + 1 service = 6 records of 4 events
        assert Deed.objects.count() == 4
        after = Counter(Participant.objects.values_list("member_id", flat=True))
        assert after == before  # every member counts the same deeds as before
        pipe = Deed.objects.get(date=APR_1)
        assert pipe.title == "为独居老人修理水管" and pipe.recorded_by_id == clerk.pk
        assert set(Participant.objects.filter(deed=pipe).values_list("member_id", flat=True)) == {
            zhang.pk,
            wang.pk,
        }
        merged = Deed.objects.get(pk=service.pk)
        assert set(Participant.objects.filter(deed=merged).values_list("member_id", "hours")) == {
            (wang.pk, 2),
            (zhang.pk, None),
        }
        assert Deed.objects.filter(title="清理楼道小广告", community_id=comm_a.pk).count() == 1

        Pairing = new.get_model("checkin", "Pairing")
        assert set(Pairing.objects.values_list("household_id", "household_note")) == {
            (h101.pk, ""),
            (None, "102"),
            (None, "河边张家"),
        }
        PostHolder = new.get_model("commitments", "PostHolder")
        (held,) = PostHolder.objects.all()  # "没有这个岗" is dropped
        assert (held.post_id, held.member_id, held.since) == (patrol.pk, zhang.pk, MAR_1)

        Member = new.get_model("members", "Member")
        employer = dict(
            (m.pk, (m.employer_unit_id, m.work_unit))
            for m in Member.objects.filter(pk__in=[zhang.pk, wang.pk, li.pk, zhao.pk])
        )
        assert employer == {
            zhang.pk: (tax.pk, ""),  # the record had none
            wang.pk: (None, "县医院新院"),  # the check-in is newer than the record
            li.pk: (None, "县财政局"),  # the record is newer
            zhao.pk: (tax.pk, ""),  # the same name: the record gets the unit
        }
        CheckIn = new.get_model("checkin", "CheckIn")
        names = {f.name for f in CheckIn._meta.get_fields()}
        assert not names & {"unit", "employer", "employer_party_org", "post", "deeds"}
    finally:
        _migrate(_leaves())
