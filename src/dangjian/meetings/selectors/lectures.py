"""The branch secretary's own party lecture (rule ``meeting.party_lecture``, number
``secretary_per_year``; 支部工作条例 第十五条: 党支部书记每年至少为党员讲 1 次党课).

Per branch, the secretary is read from the office records in orgs (``Office`` with title
书记, in office on the day looked at) — the one record of who holds the post, as the talks do.
A lecture counts for the secretary when it is a held (not cancelled) meeting of kind
PARTY_LECTURE of the branch or an organisation below it, dated inside the calendar year (1
January and 31 December included; not after today), whose ``lecturer`` is the secretary's
member record. A lecture by anybody else does not count for the secretary; a secretary not on
the member register cannot be matched, so is listed as not having lectured (with a hint).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from dangjian.core import rules
from dangjian.core.access import scope_for, subtree_q
from dangjian.members.models import Member, State
from dangjian.orgs.models import BRANCH_KINDS, Office, Organisation

from ..models import Meeting, MeetingKind
from .rulenums import numbers_by_org

RULE = "meeting.party_lecture"
NUMBER = "secretary_per_year"


def _year_span(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days of ``year`` that count: 1 January to 31 December, not after today."""
    return dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)


def _on(year: int, today: dt.date) -> dt.date:
    """The day the secretary is read on: today in the running year, else the year's last day."""
    return min(dt.date(year, 12, 31), today) if year <= today.year else dt.date(year, 1, 1)


@dataclass
class SecretaryLecture:
    """One branch, its secretary (None: nobody recorded) and the lectures they gave."""

    org: Organisation
    need: int
    office: Office | None
    lectures: list[tuple[int, dt.date]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.lectures)

    @property
    def done(self) -> bool:
        return self.office is not None and self.count >= self.need

    @property
    def unlinked(self) -> bool:
        """The secretary is recorded by name only (not on the member register)."""
        return self.office is not None and self.office.member_id is None


@dataclass
class SecretaryLectures:
    root: Organisation
    year: int
    rule: rules.Rule
    rows: list[SecretaryLecture]

    @property
    def missing(self) -> list[SecretaryLecture]:
        """Branches with a secretary who has not given the lectures the rule asks."""
        return [r for r in self.rows if r.office is not None and not r.done]


def secretary_lectures(
    *, user: Any, org: Organisation, year: int, today: dt.date
) -> SecretaryLectures:
    """Each branch of ``org``'s subtree (``org`` itself when it is one) with its secretary and
    the lectures they gave in ``year``. Three queries (four with locality overrides)."""
    if not scope_for(user).reaches_path(org.path):
        raise Http404
    branches = list(
        Organisation.objects.visible_to(user)
        .filter(subtree_q("path", org.path), kind__in=BRANCH_KINDS, is_active=True)
        .order_by("path")
    )
    on = _on(year, today)
    offices: dict[int, Office] = {}
    for o in (
        Office.objects.filter(
            org__in=[b.pk for b in branches], title=Office.Title.SECRETARY, term_start__lte=on
        )
        .current(on)
        .order_by("org_id", "-term_start", "-id")
    ):
        offices.setdefault(o.org_id, o)  # the latest one when the records overlap
    start, end = _year_span(year, today)
    by_lecturer: dict[int, list[tuple[str, int, dt.date]]] = defaultdict(list)
    member_ids = [o.member_id for o in offices.values() if o.member_id]
    for pk, lecturer_id, org_path, day in (
        Meeting.objects.visible_to(user)
        .filter(
            subtree_q("org__path", org.path),
            kind=MeetingKind.PARTY_LECTURE,
            cancelled=False,
            lecturer_id__in=member_ids,
            date__gte=start,
            date__lte=end,
        )
        .order_by("date", "id")
        .values_list("pk", "lecturer_id", "org__path", "date")
    ):
        by_lecturer[lecturer_id].append((org_path, pk, day))
    numbers = numbers_by_org(RULE, root=org, orgs=branches)
    rows = []
    for b in branches:
        office = offices.get(b.pk)
        mine: list[tuple[int, dt.date]] = []
        if office is not None and office.member_id:
            mine = [
                (pk, day)
                for path, pk, day in by_lecturer.get(office.member_id, [])
                if path.startswith(b.path)
            ]
        rows.append(
            SecretaryLecture(org=b, need=int(numbers[b.pk][NUMBER]), office=office, lectures=mine)
        )
    return SecretaryLectures(root=org, year=year, rule=rules.get(RULE), rows=rows)


def missing_count(*, user: Any, org: Organisation, today: dt.date) -> int:
    """How many branches of ``org``'s subtree have a secretary who has not lectured this year
    — one query (the home page's 待办); with locality overrides it reads the full list."""
    missing = missing_to_count(user=user, org=org, today=today)
    return missing if isinstance(missing, int) else missing.count()


def missing_to_count(*, user: Any, org: Organisation, today: dt.date) -> QuerySet[Office] | int:
    """The secretaries' offices :func:`missing_count` counts, to count — or, with locality
    overrides, their number (read from the full list)."""
    if rules.override_org_codes():
        return len(secretary_lectures(user=user, org=org, year=today.year, today=today).missing)
    need = int(rules.value(RULE, NUMBER))
    start, end = _year_span(today.year, today)
    given = (
        Meeting.objects.filter(
            kind=MeetingKind.PARTY_LECTURE,
            cancelled=False,
            lecturer_id=OuterRef("member_id"),
            date__gte=start,
            date__lte=end,
            org__path__startswith=OuterRef("org__path"),
        )
        .order_by()
        .values("lecturer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # a later record of the same branch's secretary replaces an overlapping earlier one
    newer = (
        Office.objects.filter(
            org_id=OuterRef("org_id"), title=Office.Title.SECRETARY, term_start__lte=today
        )
        .current(today)
        .filter(
            Q(term_start__gt=OuterRef("term_start"))
            | Q(term_start=OuterRef("term_start"), pk__gt=OuterRef("pk"))
        )
    )
    return (
        Office.objects.visible_to(user)
        .filter(
            subtree_q("org__path", org.path),
            org__kind__in=BRANCH_KINDS,
            org__is_active=True,
            title=Office.Title.SECRETARY,
            term_start__lte=today,
        )
        .current(today)
        .exclude(Exists(newer))
        .annotate(n=Coalesce(Subquery(given), 0))
        .filter(n__lt=need)
    )


def lecturer_choices(org: Organisation) -> QuerySet[Member]:
    """Who may be named as a lecture's lecturer: the active members of the community the
    organisation is in (the whole subtree when it is above communities), so the community's
    secretary can lecture to a branch, and a branch secretary to a group."""
    root = org.community() or org
    return (
        Member.objects.filter(subtree_q("org__path", root.path), state=State.ACTIVE)
        .select_related("org")
        .order_by("org__path", "name", "pk")
    )
