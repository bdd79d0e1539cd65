"""Commitments for tests, through the real services; ``put_in`` sets a state directly for the
transition matrix (every state × every step), the way a year of work would have left it."""

from __future__ import annotations

import datetime as dt

from dangjian.commitments import services
from dangjian.commitments.models import Commitment
from dangjian.meetings.models import MeetingKind
from tests.meetings.factories import make_meeting

WORDS = {
    "kind": "deed",
    "title": "每月为独居老人代买药品",
    "content": "每月两次为1号楼独居老人代买药品。",
}


def draft(cast, *, member=None, by=None, **words) -> Commitment:
    member = member or cast.member_a
    return services.commitment_draft(
        acting_user=by or cast.member_user, member=member, year=2026, **{**WORDS, **words}
    )


def put_in(c: Commitment, state: str) -> Commitment:
    Commitment.objects.filter(pk=c.pk).update(state=state)
    return Commitment.objects.get(pk=c.pk)


def branch_meeting(cast, *, date=dt.date(2026, 11, 20), kind=MeetingKind.BRANCH_COMMITTEE):
    return make_meeting(org=cast.branch_a, kind=kind, date=date)
