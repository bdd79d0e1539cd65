"""Reads of the organisation tree for navigation: roots, children, member counts.

Counts are computed for a whole level at once: one grouped query per level, then added up the
tree in Python (an organisation's path names all its ancestors), so a page costs the same
number of queries whether it shows 5 organisations or 500.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangjian.core.access import scope_for, subtree_q
from dangjian.members.models import Member, State, Status

from ..models import Office, Organisation


def today():
    return timezone.localdate()


@dataclass(frozen=True)
class Counts:
    """Active members of an organisation's subtree."""

    total: int = 0
    full: int = 0
    probationary: int = 0


def orgs_visible(*, user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(user).filter(is_active=True)


def org_roots_for(*, user: Any) -> list[Organisation]:
    """The top organisations of a user's scope (what the navigation starts from)."""
    scope = scope_for(user)
    if scope.everything:
        return list(Organisation.objects.filter(parent__isnull=True, is_active=True))
    paths = list(scope.view_paths)
    if not paths and scope.member_org_path:
        paths = [scope.member_org_path]
    return list(Organisation.objects.filter(path__in=paths, is_active=True))


def org_children(*, user: Any, org: Organisation) -> QuerySet[Organisation]:
    return orgs_visible(user=user).filter(parent=org).order_by("sort", "path")


def top_prefixes(paths: Iterable[str]) -> list[str]:
    """The top-most of some paths: a path below another adds nothing to a prefix filter."""
    out: list[str] = []
    for p in sorted(set(paths)):  # a prefix sorts before everything that starts with it
        if not out or not p.startswith(out[-1]):
            out.append(p)
    return out


def prefix_q(lookup: str, paths: Iterable[str]) -> Q:
    """``lookup__startswith`` any of the top-most paths (nothing when there are none)."""
    q = Q(pk__in=[])
    for p in top_prefixes(paths):
        q |= subtree_q(lookup, p)
    return q


def ancestor_paths(path: str) -> list[str]:
    """ "1/5/9/" → ["1/", "1/5/", "1/5/9/"] — an organisation and all its ancestors."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def member_counts(*, orgs: Iterable[Organisation]) -> dict[int, Counts]:
    """Active members (all, full, probationary) of each organisation's subtree, in one query.

    Members are counted per organisation they are in, then each count is added to every
    organisation of the list on that organisation's path.
    """
    orgs = list(orgs)
    if not orgs:
        return {}
    by_path = {o.path: o.pk for o in orgs}
    # "org in (organisations under these paths)" rather than a join filtered on the path: the
    # planner then walks the member index per organisation instead of every active member.
    below = Organisation.objects.filter(prefix_q("path", by_path)).values("pk")
    rows = (
        Member.objects.filter(org_id__in=below, state=State.ACTIVE)
        .order_by()
        .values("org__path")
        .annotate(
            total=Count("pk"),
            full=Count("pk", filter=Q(status=Status.FULL)),
            probationary=Count("pk", filter=Q(status=Status.PROBATIONARY)),
        )
    )
    sums = {pk: [0, 0, 0] for pk in by_path.values()}
    for row in rows:
        for p in ancestor_paths(row["org__path"]):
            pk = by_path.get(p)
            if pk is not None:
                s = sums[pk]
                s[0] += row["total"]
                s[1] += row["full"]
                s[2] += row["probationary"]
    return {pk: Counts(*s) for pk, s in sums.items()}


def child_counts(*, user: Any, orgs: Iterable[Organisation]) -> dict[int, int]:
    """How many visible, active children each organisation has (one query)."""
    ids = [o.pk for o in orgs]
    if not ids:
        return {}
    rows = (
        orgs_visible(user=user)
        .filter(parent_id__in=ids)
        .order_by()
        .values("parent_id")
        .annotate(n=Count("pk"))
    )
    out = dict.fromkeys(ids, 0)
    out.update({r["parent_id"]: r["n"] for r in rows})
    return out


@dataclass(frozen=True)
class Node:
    """One organisation as the tree shows it."""

    org: Organisation
    counts: Counts
    children: int
    warnings: list[Any]  # OrgWarning


def tree_nodes(*, user: Any, orgs: Iterable[Organisation]) -> list[Node]:
    """Nodes for one level of the tree: counts, children and warnings in a fixed number of
    queries for the whole level."""
    from .warnings import org_warnings

    orgs = list(orgs)
    counts = member_counts(orgs=orgs)
    kids = child_counts(user=user, orgs=orgs)
    warns = org_warnings(orgs=orgs)
    return [
        Node(org=o, counts=counts[o.pk], children=kids[o.pk], warnings=warns[o.pk]) for o in orgs
    ]


def org_summaries(*, orgs: list[Organisation]) -> dict[int, dict[str, int]]:
    """Members and organisations in each organisation's subtree (for the home page), in two
    queries whatever the number of organisations."""
    counts = member_counts(orgs=orgs)
    by_path = {o.path: o.pk for o in orgs}
    below = dict.fromkeys(by_path.values(), 0)
    paths = Organisation.objects.filter(prefix_q("path", by_path), is_active=True).values_list(
        "path", flat=True
    )
    for path in paths:
        for p in ancestor_paths(path)[:-1]:  # strictly below
            if p in by_path:
                below[by_path[p]] += 1
    return {
        pk: {"total": c.total, "full": c.full, "probationary": c.probationary, "orgs": below[pk]}
        for pk, c in counts.items()
    }


def org_ancestors(*, user: Any, org: Organisation) -> list[tuple[Organisation, bool]]:
    """The breadcrumb: each ancestor, root first, and whether the user may open it."""
    scope = scope_for(user)
    return [(a, a.is_active and scope.reaches_path(a.path)) for a in org.ancestors()]


def org_offices(*, org: Organisation) -> tuple[list[Office], list[Office]]:
    """Office holders of one organisation: (current, past), each by title then start."""
    on = today()
    rows = list(
        Office.objects.filter(org=org)
        .select_related("member")
        .order_by("title", "-term_start", "pk")
    )
    order = {t: i for i, t in enumerate(Office.Title.values)}
    rows.sort(key=lambda o: (order.get(o.title, 99), -o.term_start.toordinal()))
    current = [o for o in rows if o.is_current(on)]
    past = sorted(
        (o for o in rows if not o.is_current(on)), key=lambda o: o.left_on or o.term_start
    )
    past.reverse()
    return current, past
