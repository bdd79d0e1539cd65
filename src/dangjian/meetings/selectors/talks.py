"""Heart-to-heart talks (rule ``meeting.heart_talk``, 支部工作条例 第十八条): per organisation,
the members nobody of the committee talked with in the current period (a year by default).

A member counts as talked with when the talks recorded with them on dates inside the period
(both ends included) reach ``min_count``; talks recorded while they were in another branch
count too — the rule is about the member. Only active members are listed. Numbers and the
period come from the rules table, per organisation. A fixed number of queries however many
members and talks.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from dangjian.core import rules
from dangjian.core.access import CHANGE, Scope, get_visible_or_404, scope_for, subtree_q
from dangjian.members.models import Member, State
from dangjian.orgs.models import Office, Organisation

from .. import cadence as cad
from ..models_talks import HeartTalk
from .nolife import default_org as default_org  # noqa: PLC0414
from .nolife import org_or_404 as org_or_404  # noqa: PLC0414
from .rulenums import numbers_by_org

RULE = "meeting.heart_talk"


@dataclass
class TalkRow:
    member_id: int
    name: str
    talks: list[HeartTalk] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.talks)


@dataclass
class TalkSection:
    org: Organisation
    need: int
    period: cad.Period
    rows: list[TalkRow]

    @property
    def missing(self) -> list[TalkRow]:
        return [r for r in self.rows if r.count < self.need]

    @property
    def done(self) -> list[TalkRow]:
        return [r for r in self.rows if r.count >= self.need]


@dataclass
class TalkCadence:
    root: Organisation
    today: dt.date
    rule: rules.Rule
    sections: list[TalkSection]

    @property
    def missing_count(self) -> int:
        return sum(len(s.missing) for s in self.sections)


def talk_cadence(
    *, user: Any, org: Organisation, today: dt.date, with_talks: bool = True
) -> TalkCadence:
    """Members of ``org`` and the organisations below it, grouped by organisation, each with
    the talks of the current period. ``with_talks=False`` reads only dates (for counting)."""
    if not scope_for(user).reaches_path(org.path):
        raise Http404
    orgs = list(
        Organisation.objects.visible_to(user).filter(subtree_q("path", org.path)).order_by("path")
    )
    by_id = {o.pk: o for o in orgs}
    numbers = numbers_by_org(RULE, root=org, orgs=orgs)
    periods = {pk: cad.period_of(today, str(n["period"])) for pk, n in numbers.items()}
    members = list(
        Member.objects.visible_to(user)
        .filter(subtree_q("org__path", org.path), state=State.ACTIVE)
        .values_list("pk", "name", "org_id")
        .order_by("org__path", "name", "pk")
    )
    earliest = min((p.start for p in periods.values()), default=today)
    talks_qs = HeartTalk.objects.visible_to(user).filter(
        member__in=Member.objects.filter(subtree_q("org__path", org.path), state=State.ACTIVE),
        date__gte=earliest,
        date__lte=today,
    )
    talks: dict[int, list[Any]] = defaultdict(list)
    if with_talks:
        for t in hide_notes(user, talks_qs.select_related("talker", "org").order_by("date", "id")):
            talks[t.member_id].append(t)
    else:
        for member_id, day in talks_qs.values_list("member_id", "date"):
            talks[member_id].append(day)
    sections: dict[int, TalkSection] = {}
    for pk, name, org_id in members:
        o = by_id.get(org_id)
        if o is None:
            continue
        period = periods[org_id]
        sec = sections.get(org_id)
        if sec is None:
            need = int(numbers[org_id]["min_count"])
            sec = sections[org_id] = TalkSection(org=o, need=need, period=period, rows=[])
        mine = [t for t in talks.get(pk, []) if period.contains(t.date if with_talks else t)]
        sec.rows.append(TalkRow(member_id=pk, name=name, talks=mine))
    return TalkCadence(
        root=org, today=today, rule=rules.get(RULE), sections=list(sections.values())
    )


def missing_count(*, user: Any, org: Organisation, today: dt.date) -> int:
    """How many members of ``org``'s subtree are still to be talked with this period — one
    query (the home page's 待办 counts; with locality overrides it reads the full cadence)."""
    missing = missing_to_count(user=user, org=org, today=today)
    return missing if isinstance(missing, int) else missing.count()


def missing_to_count(*, user: Any, org: Organisation, today: dt.date) -> QuerySet[Member] | int:
    """The members :func:`missing_count` counts, to count — or, with locality overrides, their
    number (read from the full cadence)."""
    if rules.override_org_codes():
        return talk_cadence(user=user, org=org, today=today, with_talks=False).missing_count
    numbers = rules.effective(RULE)
    period = cad.period_of(today, str(numbers["period"]))
    # each member's talks of the period counted in a correlated subquery, not by grouping the
    # members: a GROUP BY made SQLite read every member of the city in id order (285 ms at
    # 1,000,000 members for a community of 400), this reads the community's members only
    talks = (
        HeartTalk.objects.filter(
            member=OuterRef("pk"), date__gte=period.start, date__lte=min(period.end, today)
        )
        .order_by()
        .values("member")
        .annotate(c=Count("pk"))
        .values("c")
    )
    return (
        Member.objects.visible_to(user)
        .filter(subtree_q("org__path", org.path), state=State.ACTIVE)
        .annotate(n=Coalesce(Subquery(talks), 0))
        .filter(n__lt=int(numbers["min_count"]))
    )


def talks_of_member(*, user: Any, member_id: int) -> list[HeartTalk]:
    """The talks recorded with one member, newest first, as far as the user may see them (the
    notes as far as they need to know them)."""
    return hide_notes(
        user,
        HeartTalk.objects.visible_to(user)
        .filter(member_id=member_id)
        .select_related("talker", "org")
        .order_by("-date", "-id"),
    )


def note_visible(scope: Scope, talk: HeartTalk) -> bool:
    """Need-to-know: the talk's note is for those who may change the branch's records (a
    secretary's grant on the branch or above) and for the member talked with. A read-only
    grant (e.g. the county organisation department) sees that a talk happened and when."""
    if scope.everything or (scope.member_id is not None and scope.member_id == talk.member_id):
        return True
    return scope.reaches_path(talk.org.path, CHANGE)


def hide_notes(user: Any, talks: Iterable[HeartTalk]) -> list[HeartTalk]:
    """``talks`` with the note blanked where the user does not need to know it (``note_hidden``
    says a note was kept back, so the page can say so). Read-only rows: never saved."""
    scope = scope_for(user)
    out = []
    for t in talks:
        t.note_hidden = bool(t.note) and not note_visible(scope, t)
        if t.note_hidden:
            t.note = ""
        out.append(t)
    return out


def talkers_for(*, member: Member, on: dt.date) -> list[Office]:
    """Committee offices that can have talked with ``member``: those of the member's
    organisation first, then of the organisations above it, held on ``on``."""
    offices = (
        Office.objects.filter(
            org_id__in=member.org.ancestor_ids(), title__in=Office.COMMITTEE_TITLES
        )
        .current(on)
        .filter(term_start__lte=on)
        .exclude(member_id=member.pk)
        .select_related("org")
    )
    return sorted(offices, key=lambda o: (-o.org.depth, o.title != "secretary", o.holder_name))


def member_or_404(*, user: Any, org: Organisation, pk: Any) -> Member:
    """An active member of ``org``'s subtree the user may change, else 404."""
    qs = Member.objects.filter(subtree_q("org__path", org.path), state=State.ACTIVE)
    member = get_visible_or_404(qs.select_related("org"), user, action=CHANGE, pk=pk)
    if not scope_for(user).reaches_path(member.org.path, CHANGE):
        raise Http404
    return member
