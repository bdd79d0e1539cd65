"""Members who lost contact (rule ``member.lost_contact``, 党员教育管理工作条例 第二十四、二十五条):
the open cases of an organisation's subtree and what the platform proposes for each.

- Contact lost on ``lost_on``: from ``lost_on + suspend_after_months`` months (that day
  included) the platform proposes 停止党籍, showing the date contact was lost.
- Suspended by a decision on ``D``: from ``D + remove_after_years`` years (that day included)
  it proposes 按自行脱党除名.
- Contact regained while suspended: the branch may review and restore (art. 25) — shown, not
  proposed, since it waits for the member's own request.

Numbers come from the rules table per organisation. A fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from dangjian.core import rules
from dangjian.core.access import scope_for, subtree_q
from dangjian.members.models import add_years
from dangjian.orgs.models import Organisation

from ..models_lost import LostContact, LostContactDecision, LostDecisionKind
from .mine import add_months
from .rulenums import numbers_by_org

RULE = "member.lost_contact"
SUSPEND, REMOVE, RESTORE = (
    LostDecisionKind.SUSPEND,
    LostDecisionKind.REMOVE,
    LostDecisionKind.RESTORE,
)


@dataclass
class LostRow:
    case: LostContact
    suspend_after_months: int
    remove_after_years: int
    today: dt.date
    decisions: list[LostContactDecision] = field(default_factory=list)

    @property
    def suspended_on(self) -> dt.date | None:
        """The date of the suspension in force (none once restored)."""
        day = None
        for d in self.decisions:
            if d.kind == SUSPEND:
                day = d.decided_on
            elif d.kind == RESTORE:
                day = None
        return day

    @property
    def suspend_due(self) -> dt.date:
        return add_months(self.case.lost_on, self.suspend_after_months)

    @property
    def remove_due(self) -> dt.date | None:
        on = self.suspended_on
        return add_years(on, self.remove_after_years) if on else None

    @property
    def proposal(self) -> str:
        """``suspend`` / ``remove`` when the platform proposes it today, ``restore`` when contact
        is regained while suspended (may be reviewed), else ""."""
        if self.case.closed_on is not None:
            return ""
        suspended = self.suspended_on
        if self.case.found_on is not None:
            return RESTORE if suspended else ""
        if suspended is None:
            return SUSPEND if self.today >= self.suspend_due else ""
        due = self.remove_due
        return REMOVE if due is not None and self.today >= due else ""

    @property
    def allowed(self) -> list[str]:
        """Decisions that can be recorded now (the service checks the dates again)."""
        p = self.proposal
        return [p] if p else []


@dataclass
class LostList:
    root: Organisation
    today: dt.date
    rule: rules.Rule
    rows: list[LostRow]

    @property
    def proposals(self) -> list[LostRow]:
        return [r for r in self.rows if r.proposal in (SUSPEND, REMOVE)]


def row_for(case: LostContact, *, today: dt.date, decisions: list[LostContactDecision]) -> LostRow:
    numbers = rules.effective(
        RULE, org_codes=tuple(case.org.ancestor_codes()) if rules.override_org_codes() else ()
    )
    return LostRow(
        case=case,
        suspend_after_months=int(numbers["suspend_after_months"]),
        remove_after_years=int(numbers["remove_after_years"]),
        today=today,
        decisions=decisions,
    )


def lost_list(*, user: Any, org: Organisation, today: dt.date) -> LostList:
    """Cases of ``org``'s subtree that still need the branch: not regained and not closed, or
    regained while the membership is suspended. Three queries (four with overrides)."""
    if not scope_for(user).reaches_path(org.path):
        raise Http404
    cases = list(
        LostContact.objects.visible_to(user)
        .filter(subtree_q("org__path", org.path), closed_on__isnull=True)
        .select_related("member", "org")
        .order_by("org__path", "lost_on", "id")
    )
    decisions: dict[int, list[LostContactDecision]] = defaultdict(list)
    for d in LostContactDecision.objects.filter(case__in=[c.pk for c in cases]).order_by(
        "decided_on", "id"
    ):
        decisions[d.case_id].append(d)
    orgs = list({c.org_id: c.org for c in cases}.values())
    numbers = numbers_by_org(RULE, root=org, orgs=orgs)
    rows = []
    for c in cases:
        n = numbers[c.org_id]
        row = LostRow(
            case=c,
            suspend_after_months=int(n["suspend_after_months"]),
            remove_after_years=int(n["remove_after_years"]),
            today=today,
            decisions=decisions.get(c.pk, []),
        )
        if c.found_on is None or row.suspended_on is not None:
            rows.append(row)
    return LostList(root=org, today=today, rule=rules.get(RULE), rows=rows)
