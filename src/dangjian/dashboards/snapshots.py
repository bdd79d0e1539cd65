"""The dashboards of wide organisations, served from kept figures (:class:`.models.Snapshot`).

A county's dashboard reads every member row of the county: seconds at a million members, where
every page should answer in well under a second. For an organisation :func:`served_from_snapshot`
calls wide, the page shows the figures kept at the last build ("数据截至 …") and the worker
(``dangjian worker``, the background task system's database queue) counts them again:

- no figures yet: the first visit queues the build and the page waits for it (polling);
- figures older than :data:`FRESH_MINUTES`: shown as they are, and a new build is queued;
- 重新统计 (a POST) queues a build whatever their age.

A build counts with :func:`~.selectors.dashboard` — the very figures of the live page — with the
scope of the user who asked for it, read afresh when the worker runs it, and keeps them under
the key of that scope (:func:`scope_key`). A page reads only the figures kept under the key of
its own user's scope, so nobody is shown what a wider scope counted.

Other organisations (streets and towns of ordinary size, communities, branches) are counted in
the request, as before: they are fast.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import sqlplan
from dangjian.core.access import scope_for
from dangjian.orgs.models import Organisation, OrgKind

from . import selectors
from .models import Snapshot
from .selectors import Bucket, Dashboard, Monthly

logger = logging.getLogger(__name__)

#: A street or town with more members on record than this is served from kept figures, as a
#: county always is (counted in the request, a dashboard costs about 9 µs a member on SQLite:
#: 10,000 members stay near 150 ms with everything else the page reads).
SNAPSHOT_MEMBERS = 10_000
#: Kept figures older than this are shown, and counted again in the background.
FRESH_MINUTES = 60
#: Seconds between two polls of the waiting page.
POLL_SECONDS = 2

State = Snapshot.State


# ---- which organisations ---------------------------------------------------------------------
def served_from_snapshot(org: Organisation) -> bool:
    """Whether ``org``'s dashboard is served from kept figures: a county always (its subtree is
    the city, ``sqlplan.is_wide``), a street or town with more than :data:`SNAPSHOT_MEMBERS`
    members on record (one count), nothing below."""
    if sqlplan.is_wide(org):
        return True
    if org.kind not in (OrgKind.STREET, OrgKind.TOWN):
        return False
    from dangjian.background.kinds import members_under

    return members_under(org) > SNAPSHOT_MEMBERS


# ---- whose figures ---------------------------------------------------------------------------
def scope_key(user: Any, org: Organisation) -> str:
    """The part of ``user``'s scope that decides the figures of ``org``'s dashboard, hashed.

    Every figure is read with ``visible_to(user)`` inside ``org``'s subtree, the breadcrumb
    among ``org``'s ancestors. So what counts is: seeing everything (a superuser); the grants
    on ``org`` or above it (a grant elsewhere adds nothing here, one below is inside it); and,
    when no grant covers ``org`` or the user's own branch is above ``org``, their member record
    and branch (what a member sees of themselves and of their own branch). Two users with the
    same key see exactly the same figures; users with different keys never share kept figures.
    """
    scope = scope_for(user)
    above = sorted(p for p in scope.view_paths if org.path.startswith(p))
    covered = scope.everything or bool(above)
    own = scope.member_org_path
    member_counts = own is not None and (
        not covered or (org.path.startswith(own) and org.path != own)
    )
    material = {
        "everything": scope.everything,
        "view": above,
        "member": [scope.member_id, own] if member_counts else None,
    }
    raw = json.dumps(material, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


# ---- the figures as JSON ---------------------------------------------------------------------
_ORG_FIELDS = ("pk", "name", "short_name", "kind", "path", "depth", "is_active", "parent_id")


def _org_out(o: Organisation) -> list[Any]:
    return [getattr(o, f) for f in _ORG_FIELDS]


def _org_in(row: list[Any]) -> Organisation:
    return Organisation(**dict(zip(_ORG_FIELDS, row, strict=True)))


def _pairs(d: dict[Any, int]) -> list[list[Any]]:
    """A dict as [key, value] pairs: its order is that of the charts' rows, which a JSON object
    does not keep on PostgreSQL (``jsonb`` sorts the keys)."""
    return [[k, v] for k, v in d.items()]


def dump(d: Dashboard) -> dict[str, Any]:
    """The dashboard as plain JSON (every figure; organisations by the fields the page uses)."""
    return {
        "v": 1,
        "org": _org_out(d.org),
        "year": d.year,
        "today": d.today.isoformat(),
        "on": d.on.isoformat(),
        "breadcrumb": [_org_out(o) for o in d.breadcrumb],
        "children": [_org_out(o) for o in d.children],
        "buckets": [
            {
                "org": _org_out(b.org),
                "own": b.own,
                "members": b.members,
                "buildings": b.buildings,
                "buildings_covered": b.buildings_covered,
                "corridors": b.corridors,
                "corridors_covered": b.corridors_covered,
                "lights": _pairs(b.lights),
                "units": b.units,
                "stars": _pairs(b.stars),
                "on_time": b.on_time,
                "late": b.late,
                "open": b.open,
            }
            for b in d.buckets
        ],
        "months": [
            [m, mo.meetings, mo.new_members, mo.on_time, mo.late, mo.open]
            for m, mo in d.months.items()
        ],
        "categories": _pairs(d.categories),
        "education": _pairs(d.education),
        "ages": _pairs(d.ages),
        "standing": _pairs(d.standing),
        "max_stars": d.max_stars,
    }


def load(data: dict[str, Any]) -> Dashboard:
    """The :class:`Dashboard` :func:`dump` was given (no query)."""
    by_pk: dict[int, Organisation] = {}

    def org(row: list[Any]) -> Organisation:
        # one instance per organisation, as the live dashboard has
        return by_pk.setdefault(row[0], _org_in(row))

    top = org(data["org"])
    children = [org(r) for r in data["children"]]
    return Dashboard(
        org=top,
        year=data["year"],
        today=dt.date.fromisoformat(data["today"]),
        on=dt.date.fromisoformat(data["on"]),
        breadcrumb=[top if r[0] == top.pk else _org_in(r) for r in data["breadcrumb"]],
        children=children,
        buckets=[
            Bucket(
                org=top if b["own"] else org(b["org"]),
                own=b["own"],
                members=b["members"],
                buildings=b["buildings"],
                buildings_covered=b["buildings_covered"],
                corridors=b["corridors"],
                corridors_covered=b["corridors_covered"],
                lights=dict(map(tuple, b["lights"])),
                units=b["units"],
                stars={int(k): n for k, n in b["stars"]},
                on_time=b["on_time"],
                late=b["late"],
                open=b["open"],
            )
            for b in data["buckets"]
        ],
        months={
            m: Monthly(meetings=a, new_members=n, on_time=t, late=late, open=o)
            for m, a, n, t, late, o in data["months"]
        },
        categories=dict(map(tuple, data["categories"])),
        education=dict(map(tuple, data["education"])),
        ages=dict(map(tuple, data["ages"])),
        standing=dict(map(tuple, data["standing"])),
        max_stars=data["max_stars"],
    )


# ---- what a page shows -----------------------------------------------------------------------
def _stale_before() -> dt.datetime:
    """A build started before this and still not done was interrupted (the worker stopped)."""
    return timezone.now() - dt.timedelta(minutes=settings.DANGJIAN_BACKGROUND_STALE_MINUTES)


@dataclass
class Kept:
    """What a page of a wide organisation shows: the kept row (``None``: never asked for), its
    figures if built, and how the build under way stands."""

    snapshot: Snapshot | None
    dashboard: Dashboard | None

    @property
    def built_at(self) -> dt.datetime | None:
        return self.snapshot.built_at if self.snapshot else None

    @property
    def building(self) -> bool:
        """A build is queued or running (and not interrupted): the page polls."""
        s = self.snapshot
        return s is not None and s.state in (State.QUEUED, State.RUNNING) and not self.interrupted

    @property
    def interrupted(self) -> bool:
        s = self.snapshot
        return (
            s is not None
            and s.state == State.RUNNING
            and (s.started_at or s.queued_at or timezone.now()) < _stale_before()
        )

    @property
    def waiting_long(self) -> bool:
        """Queued for longer than the stale limit: most likely no worker is running."""
        s = self.snapshot
        return (
            s is not None
            and s.state == State.QUEUED
            and (s.queued_at or timezone.now()) < _stale_before()
        )

    @property
    def failed(self) -> bool:
        return self.snapshot is not None and self.snapshot.state == State.FAILED

    @property
    def stale(self) -> bool:
        at = self.built_at
        return at is not None and at < timezone.now() - dt.timedelta(minutes=FRESH_MINUTES)

    @property
    def stamp(self) -> str:
        """Which figures the page shows (the poll reloads the page when they changed)."""
        return self.built_at.isoformat() if self.built_at else ""


def _mine(user: Any, org: Organisation, year: int) -> Any:
    return Snapshot.objects.visible_to(user).filter(
        org=org, year=year, scope_key=scope_key(user, org)
    )


def kept(*, user: Any, org: Organisation, year: int, with_figures: bool = True) -> Kept:
    """The figures kept for ``user``'s scope (nothing queued)."""
    qs = _mine(user, org, year)
    if not with_figures:
        qs = qs.defer("data")
    s = qs.first()
    d = load(s.data) if with_figures and s is not None and s.data else None
    return Kept(s, d)


def for_page(*, user: Any, org: Organisation, year: int) -> Kept:
    """The figures to show for ``org`` and ``year`` to ``user``. A build is queued when there
    are none yet, when they are older than :data:`FRESH_MINUTES`, or when the last build was
    interrupted; not when one is queued or running already, nor after a failed one (the page
    says why and offers 重新统计)."""
    k = kept(user=user, org=org, year=year)
    s = k.snapshot
    due = s is None or (s.state == State.IDLE and (s.data is None or k.stale)) or k.interrupted
    if due:
        s, _queued = request_build(user=user, org=org, year=year, snapshot=s)
        k = Kept(s, k.dashboard)
    return k


def request_build(
    *, user: Any, org: Organisation, year: int, snapshot: Snapshot | None = None
) -> tuple[Snapshot, bool]:
    """Queue a build of ``org``'s figures for ``year`` with ``user``'s scope, unless one is
    queued or running already. Returns the row as it is now (without its figures) and whether
    this call queued the build."""
    idle = Q(state__in=[State.IDLE, State.FAILED]) | Q(
        state=State.RUNNING, started_at__lt=_stale_before()
    )
    with transaction.atomic():  # on the primary database, replicas or not
        if snapshot is None:
            snapshot, _created = Snapshot.objects.get_or_create(
                org=org, year=year, scope_key=scope_key(user, org), defaults={"requested_by": user}
            )
        # one visit of many queues it: the row changes from idle to queued only once
        taken = Snapshot.objects.filter(idle, pk=snapshot.pk).update(
            state=State.QUEUED,
            attempt=F("attempt") + 1,
            queued_at=timezone.now(),
            started_at=None,
            requested_by=user,
            error="",
        )
        if taken:
            from .tasks import build_snapshot

            attempt = Snapshot.objects.filter(pk=snapshot.pk).values_list("attempt", flat=True)
            # in the same transaction as the row: the worker sees both or neither
            result = build_snapshot.enqueue(snapshot.pk, attempt.get())
            Snapshot.objects.filter(pk=snapshot.pk).update(task_id=str(result.id))
        return Snapshot.objects.defer("data").get(pk=snapshot.pk), bool(taken)


# ---- the build (what the worker runs) --------------------------------------------------------
def run_build(snapshot_id: int, attempt: int) -> dict[str, Any]:
    """Count one attempt of a snapshot's figures, with the scope its requester has now."""
    started = timezone.now()
    claimed = Snapshot.objects.filter(pk=snapshot_id, attempt=attempt, state=State.QUEUED).update(
        state=State.RUNNING, started_at=started
    )
    if not claimed:
        return {"skipped": True}
    s = Snapshot.objects.select_related("org", "requested_by").defer("data").get(pk=snapshot_id)
    mine = Snapshot.objects.filter(pk=snapshot_id, attempt=attempt)
    user = s.requested_by
    try:
        org = selectors.org_for(user=user, raw=str(s.org_id)) if user is not None else None
    except Http404:
        org = None
    if org is None or scope_key(user, org) != s.scope_key:
        # the figures kept under this key are those of a scope the requester no longer has
        mine.update(
            state=State.FAILED,
            error=_("申请人现在的权限与这份统计的范围不同（或党组织已撤销），没有重新统计。"),
        )
        return {"refused": True}
    t = time.perf_counter()
    try:
        d = selectors.dashboard(user=user, org=org, year=s.year, today=timezone.localdate())
        data = dump(d)
    except Exception:
        logger.exception("dashboard snapshot %s failed", snapshot_id)
        mine.update(
            state=State.FAILED,
            error=_("统计时出错，请点“重新统计”再试；仍然不行请联系系统管理员。"),
        )
        raise
    seconds = round(time.perf_counter() - t, 3)
    done = mine.filter(state=State.RUNNING).update(
        data=data, built_at=started, build_seconds=seconds, state=State.IDLE, error=""
    )
    return {"superseded": True} if not done else {"seconds": seconds, "members": d.members}
