"""Reads of work admission: entrustments a user may see, a community's tasks in hand (those
without an approved entrustment first), and the register of demanded ledgers with its coverage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from dangjian.core.access import subtree_q
from dangjian.orgs.models import Organisation

from . import exports
from .models import DemandedLedger, Department, Entrustment, State, Task


def entrustments_visible(
    *, user: Any, org: Organisation | None = None, state: str = ""
) -> QuerySet[Entrustment]:
    qs = Entrustment.objects.visible_to(user)
    if org is not None:
        qs = qs.filter(subtree_q("community__path", org.path))
    if state in State.values:
        qs = qs.filter(state=state)
    return qs.select_related("department", "community").order_by(
        Case(When(state=State.FILED, then=Value(0)), default=Value(1), output_field=IntegerField()),
        "-filed_on",
        "-pk",
    )


def tasks_in_hand(*, user: Any, community: Organisation) -> QuerySet[Task]:
    """The community's tasks, those in hand without an approved entrustment first."""
    return (
        Task.objects.visible_to(user)
        .filter(community=community)
        .select_related("department", "entrustment")
        .annotate(
            unadmitted=Case(
                When(status=Task.Status.DOING, entrustment__state=State.APPROVED, then=Value(1)),
                When(status=Task.Status.DOING, then=Value(0)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("unadmitted", "-received_on", "-pk")
    )


@dataclass(frozen=True)
class Coverage:
    demanded: int
    covered: int

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.demanded) if self.demanded else 0


def ledger_register(county: Organisation) -> tuple[list[Department], Coverage]:
    """Each department with the ledgers it demands (two queries), and how many print from here."""
    departments = list(
        Department.objects.filter(county=county)
        .prefetch_related(Prefetch("ledgers", queryset=DemandedLedger.objects.order_by("pk")))
        .order_by("pk")
    )
    demanded = covered = 0
    for d in departments:
        for ledger in d.ledgers.all():
            ledger.url = exports.url_of(ledger.export)
            ledger.export_label = exports.EXPORTS[ledger.export][0] if ledger.url else ""
            demanded += 1
            covered += bool(ledger.url)
    return departments, Coverage(demanded, covered)
