"""A street's (town's, county's) home page: a line per community below it (per street below a
county) with the few figures its secretary looks at first, each linking to the page that lists
them — members on the register, organisations with meetings overdue (三会一课), members on the
art. 9 list (no organisational life, dues or work), members unpaid for the art. 9 months, and
service requests open and past their deadline.

Every figure is counted for the whole subtree at once and grouped by the communities' path
prefix in the database (or from rows already read), so the overview costs the same number of
queries for two communities or fifty, and for a hundred members or a hundred thousand.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.urls import reverse

from dangjian.core import rules
from dangjian.core.access import scope_for, subtree_q
from dangjian.members.models import Member, State
from dangjian.orgs.models import COMMUNITY_KINDS, UPPER_KINDS, Organisation

#: the kinds of organisation a line of the overview is about (a county's lines are its streets)
LINE_KINDS = COMMUNITY_KINDS | UPPER_KINDS


@dataclass
class Line:
    org: Organisation
    members: int = 0
    behind: int = 0  # organisations with a meeting overdue
    no_life: int = 0  # members on the art. 9 list
    unpaid: int = 0  # members unpaid for the art. 9 months in a row
    requests_open: int = 0
    requests_overdue: int = 0
    urls: dict[str, str] = field(default_factory=dict)


@dataclass
class Overview:
    root: Organisation
    lines: list[Line]
    months: int  # the art. 9 number of months (the root's)
    communities: bool  # the lines are communities (a county's are streets and towns)
    requests: bool  # the service desk is installed

    def __len__(self) -> int:
        return len(self.lines)


def _url(name: str, **params: Any) -> str:
    return f"{reverse(name)}?" + "&".join(f"{k}={v}" for k, v in params.items())


def town_overview(*, user: Any, org: Organisation, today: dt.date) -> Overview | None:
    """The overview of ``org`` for ``user``, or ``None`` when ``org`` is not above the
    communities or the user does not hold it (a grant on it or above)."""
    if org.kind not in UPPER_KINDS or not scope_for(user).reaches_path(org.path):
        return None
    children = list(
        Organisation.objects.visible_to(user)
        .filter(parent=org, is_active=True, kind__in=LINE_KINDS)
        .order_by("sort", "path")
    )
    months = int(rules.value("member.no_org_life", "months", org=org))
    from django.apps import apps

    requests = apps.is_installed("dangjian.servicedesk")
    if not children:
        return Overview(org, [], months, communities=True, requests=requests)
    length = len(children[0].path)
    lines = {c.path: Line(org=c) for c in children}
    _members(user, org, lines, length)
    _cadence(user, org, lines, length, today)
    _art9(user, org, lines, length, today)
    if requests:
        _requests(user, org, lines, length, today)
    for line in lines.values():
        pk = line.org.pk
        line.urls = {
            "members": _url("members:list", org=pk),
            "behind": _url("meetings:cadence_rollup", org=pk, light="red"),
            "no_life": _url("meetings:no_life", org=pk),
            "unpaid": _url("meetings:no_life", org=pk),
        }
        if requests and line.org.kind in COMMUNITY_KINDS:
            line.urls["requests"] = _url("servicedesk:home", org=pk, state="overdue")
    return Overview(
        root=org,
        lines=list(lines.values()),
        months=months,
        communities=all(c.kind in COMMUNITY_KINDS for c in children),
        requests=requests,
    )


def _members(user: Any, org: Organisation, lines: dict[str, Line], length: int) -> None:
    rows = (
        Member.objects.visible_to(user)
        .filter(subtree_q("org__path", org.path), state=State.ACTIVE)
        .annotate(p=Substr("org__path", 1, length))
        .values_list("p")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for prefix, n in rows:
        if prefix in lines:
            lines[prefix].members = n


def _cadence(
    user: Any, org: Organisation, lines: dict[str, Line], length: int, today: dt.date
) -> None:
    """Organisations overdue: the roll-up of the whole subtree (a fixed number of queries; the
    same roll-up as the 待办 panel's, read once for both on the home page)."""
    from dangjian.meetings import cadence as cad
    from dangjian.meetings.todos import rollup_of

    rollup = rollup_of(user=user, org=org, today=today)
    red = (r for r in rollup.rows if r.light == cad.RED)
    for prefix, n in Counter(r.org.path[:length] for r in red).items():
        if prefix in lines:
            lines[prefix].behind = n


def _art9(
    user: Any, org: Organisation, lines: dict[str, Line], length: int, today: dt.date
) -> None:
    """The art. 9 list and the members unpaid for its months, as the list itself selects them
    (each organisation's N, locality overrides honoured), counted per line in the database."""
    from dangjian.meetings.selectors import nolife

    sc = nolife._scope(user=user, org=org, today=today)
    # the list as ``nolife._listed`` selects it, the unpaid read once for both figures
    unpaid = nolife._dues_candidates(sc, today)
    extra = set(unpaid) | set(nolife._work_candidates(sc))
    q = nolife._no_life_q(sc.starts)
    if extra:
        q |= Q(pk__in=sorted(extra))
    listed = sc.members.filter(q)
    for prefix, n in (
        listed.annotate(p=Substr("org__path", 1, length))
        .values_list("p")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if prefix in lines:
            lines[prefix].no_life = n
    if not unpaid:
        return
    paths = {o.pk: o.path for o in sc.orgs}
    for org_id in Member.objects.filter(pk__in=unpaid).values_list("org_id", flat=True):
        prefix = paths.get(org_id, "")[:length]
        if prefix in lines:
            lines[prefix].unpaid += 1


def _requests(
    user: Any, org: Organisation, lines: dict[str, Line], length: int, today: dt.date
) -> None:
    from dangjian.servicedesk.models import OPEN_STATES, Request
    from dangjian.servicedesk.selectors import overdue_q

    rows = (
        Request.objects.visible_to(user)
        .filter(subtree_q("community__path", org.path), state__in=OPEN_STATES)
        .annotate(p=Substr("community__path", 1, length))
        .values_list("p")
        .annotate(n=Count("pk"), late=Count("pk", filter=overdue_q(today)))
        .order_by()
    )
    for prefix, n, late in rows:
        if prefix in lines:
            lines[prefix].requests_open = n
            lines[prefix].requests_overdue = late
