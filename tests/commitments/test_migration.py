"""commitments 0004: commitment evidence (践诺) and duty logs (履职) move into the deeds (issue
14) — each line a deed of the member, in the commitment branch's community or the post's
community, linked to the commitment or the holding; two records of one event (same community,
day and text) become one deed with both links. Runs on SQLite and PostgreSQL: it migrates the
real schema back and forth (a transactional test)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dangjian.commitments.models import Commitment, PostHolder
from dangjian.deeds.models import Deed, Participant
from tests.factories import make_member

BEFORE = [("commitments", "0003_public_board_and_rating_guards")]
DAY = dt.date(2026, 5, 1)


def _migrate(targets):
    """Migrate to ``targets`` (all leaves when None); the apps of that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_evidence_and_duty_logs_become_linked_deeds_and_one_event_one_deed(transactional_db, cast):
    other = make_member(org=cast.branch_a_2, name="周七")
    try:
        old = _migrate(BEFORE)
        C = old.get_model("commitments", "Commitment")
        Evidence = old.get_model("commitments", "Evidence")
        Post = old.get_model("commitments", "Post")
        Holder = old.get_model("commitments", "PostHolder")
        DutyLog = old.get_model("commitments", "DutyLog")

        def commitment(member, org):
            return C.objects.create(
                member_id=member.pk,
                org_id=org.pk,
                year=2026,
                kind="deed",
                title="代买药品",
                content="每月两次",
                state="published",
            )

        mine = commitment(cast.member_a, cast.branch_a)
        theirs = commitment(other, cast.branch_a_2)
        b = commitment(cast.member_b, cast.branch_b)
        post = Post.objects.create(community_id=cast.comm_a.pk, name="便民服务岗")
        holder = Holder.objects.create(post=post, member_id=cast.member_a.pk, since=DAY)
        by = cast.member_user.pk
        Evidence.objects.create(
            commitment=mine, date=DAY, text="为独居老人代买药品", recorded_by_id=by
        )
        Evidence.objects.create(commitment=mine, date=DAY + dt.timedelta(days=9), text="入户走访")
        Evidence.objects.create(commitment=b, date=DAY, text="为独居老人代买药品")  # community B
        # the same event: logged as a duty too, and by the fellow member for their commitment
        DutyLog.objects.create(holder=holder, date=DAY, text="为独居老人 代买药品。")
        Evidence.objects.create(commitment=theirs, date=DAY, text="为独居老人代买药品！")
        DutyLog.objects.create(holder=holder, date=DAY + dt.timedelta(days=3), text="夜间巡逻")
        evidence_of = Counter(Evidence.objects.values_list("commitment_id", flat=True))
        logs_of = Counter(DutyLog.objects.values_list("holder_id", flat=True))
        lines_of = Counter(Evidence.objects.values_list("commitment__member_id", flat=True))
        lines_of.update(DutyLog.objects.values_list("holder__member_id", flat=True))
    finally:
        _migrate(None)

    assert Deed.objects.count() == 4  # six lines, three of them one event
    merged = Deed.objects.get(community=cast.comm_a, date=DAY)
    assert merged.title == "为独居老人代买药品" and merged.recorded_by_id == by
    assert set(merged.participants.values_list("member_id", flat=True)) == {
        cast.member_a.pk,
        other.pk,
    }
    assert set(merged.commitments.values_list("pk", flat=True)) == {mine.pk, theirs.pk}
    assert list(merged.holdings.values_list("pk", flat=True)) == [holder.pk]
    in_b = Deed.objects.get(community=cast.comm_b)
    assert list(in_b.commitments.values_list("pk", flat=True)) == [b.pk]
    # every commitment and holding counts what it counted before
    for c in Commitment.objects.all():
        assert c.deeds.count() == evidence_of[c.pk]
    for h in PostHolder.objects.all():
        assert h.deeds.count() == logs_of[h.pk]
    # and every member the deeds they did, but for the event that member_a logged twice
    deeds_of = Counter(Participant.objects.values_list("member_id", flat=True))
    assert deeds_of[cast.member_a.pk] == lines_of[cast.member_a.pk] - 1
    assert deeds_of[other.pk] == lines_of[other.pk]
    assert deeds_of[cast.member_b.pk] == lines_of[cast.member_b.pk]
