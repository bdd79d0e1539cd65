"""Reads of member development, always for a user: the pipeline, one person, their timeline,
and the choices the step forms offer (meetings, introducers, approving committees)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from dangjian.core import rules
from dangjian.core.access import CHANGE, subtree_q
from dangjian.core.search import fold_query
from dangjian.meetings.models import Meeting
from dangjian.members.models import Member, State, Status
from dangjian.orgs.models import BRANCH_KINDS, COMMUNITY_KINDS, Organisation

from . import timing
from .models import PIPELINE_STAGES, Candidate, Stage, StageEvent
from .services import APPROVER_KINDS, MEETING_KINDS

#: Filter value: everyone still in the pipeline (not yet full, not stopped).
IN_PROGRESS = "open"
#: Filter value: every stage.
ANY_STAGE = "all"

_RANK = Case(
    *(When(stage=s, then=Value(i)) for i, s in enumerate(Stage.values)),
    output_field=IntegerField(),
)


def today() -> dt.date:
    return timezone.localdate()


def candidates_visible(
    *,
    user: Any,
    org: Organisation | None = None,
    stage: str | None = IN_PROGRESS,
    q: str | None = None,
) -> QuerySet[Candidate]:
    """The people the user may see, in pipeline order (stage, then date of application).
    ``org`` includes its subtree; ``stage`` is a stage, ``"open"`` (default: still in the
    pipeline) or ``"all"``; ``q`` a name, pinyin or initials."""
    qs = Candidate.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("org__path", org.path))
    if stage == IN_PROGRESS or not stage:
        qs = qs.filter(stage__in=PIPELINE_STAGES)
    elif stage != ANY_STAGE:
        qs = qs.filter(stage=stage)
    if q:
        folded = fold_query(q)
        if folded:
            qs = qs.filter(search_key__contains=folded)
    return (
        qs.select_related("org", "introducer_1", "introducer_2")
        .annotate(stage_rank=_RANK)
        .order_by("stage_rank", "applied_on", "id")
    )


def stage_counts(qs: QuerySet[Candidate]) -> dict[str, int]:
    """How many of ``qs`` are in each stage, in one query."""
    agg = qs.order_by().aggregate(**{s: Count("pk", filter=Q(stage=s)) for s in Stage.values})
    return {k: v or 0 for k, v in agg.items()}


class RulesByOrg:
    """The dev.* numbers per organisation, read once each. Without local overrides (the usual
    case) every organisation shares the defaults and nothing is queried."""

    def __init__(self) -> None:
        self._default = timing.DevRules.for_org(None)
        self._has_overrides = bool(rules.override_org_codes())
        self._by_org: dict[int, timing.DevRules] = {}

    def __call__(self, org: Organisation) -> timing.DevRules:
        if not self._has_overrides:
            return self._default
        if org.pk not in self._by_org:
            self._by_org[org.pk] = timing.DevRules.for_org(org)
        return self._by_org[org.pk]


@dataclass(frozen=True)
class Row:
    candidate: Candidate
    due: timing.Due | None


def pipeline_rows(candidates: Any, *, on: dt.date | None = None) -> list[Row]:
    """Each person with what they need next (pure: the dates are on the rows)."""
    on = on or today()
    r = RulesByOrg()
    return [Row(c, timing.next_due(c, today=on, r=r(c.org))) for c in candidates]


def candidate_for(*, user: Any, pk: int, action: str = "view") -> Candidate | None:
    qs = (
        Candidate.objects.changeable_by(user)
        if action == CHANGE
        else Candidate.objects.visible_to(user)
    )
    return (
        qs.select_related(
            "org",
            "introducer_1",
            "introducer_2",
            "approved_by",
            "member",
            "activist_meeting",
            "candidate_meeting",
            "admission_meeting",
            "full_meeting",
        )
        .filter(pk=pk)
        .first()
    )


def timeline(*, candidate: Candidate) -> QuerySet[StageEvent]:
    return candidate.events.select_related("meeting", "recorded_by").order_by("date", "id")


def meetings_for(*, user: Any, candidate: Candidate, step: str) -> QuerySet[Meeting]:
    """Meetings of the developing organisation of the kind that decides ``step``, newest first.
    (Not sliced: the form validates the chosen one against this queryset.)"""
    kinds = MEETING_KINDS.get(step)
    if not kinds:
        return Meeting.objects.none()
    return (
        Meeting.objects.visible_to(user)
        .held()
        # since the application: nothing earlier can have decided a step of this person
        .filter(org=candidate.org, kind__in=kinds, date__gte=candidate.applied_on)
        .filter(date__lte=today())
        .order_by("-date", "-id")
    )


def introducer_choices(*, user: Any, candidate: Candidate) -> QuerySet[Member]:
    """Full members on the register of the person's community (or organisation), by name."""
    top = candidate.org.community() or candidate.org
    return (
        Member.objects.visible_to(user)
        .filter(subtree_q("org__path", top.path), status=Status.FULL, state=State.ACTIVE)
        .order_by("name", "id")
    )


def approver_choices(*, candidate: Candidate) -> QuerySet[Organisation]:
    """The street or town committee(s) above the developing organisation."""
    return Organisation.objects.filter(
        pk__in=candidate.org.ancestor_ids(), kind__in=APPROVER_KINDS
    ).order_by("-depth")


def orgs_for_candidates(*, user: Any, action: str = "view") -> QuerySet[Organisation]:
    """Organisations that develop members: branches and community organisations."""
    base = (
        Organisation.objects.changeable_by(user)
        if action == CHANGE
        else Organisation.objects.visible_to(user)
    )
    return base.filter(is_active=True, kind__in=[*BRANCH_KINDS, *COMMUNITY_KINDS]).order_by("path")
